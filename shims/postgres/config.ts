// What one Postgres shim instance needs: where to listen, the upstream it guards (with the shim's own
// credentials, which clients never see), the resource name the decider knows it by, and optional TLS.
import { parseAddress } from '../../decider/config.js';

export interface UpstreamConfig {
  /**
   * A host name or address, or, as in libpq, an absolute path: the directory of Postgres's Unix-domain socket
   * (`DIR/.s.PGSQL.PORT`), for a shim beside its target (upstream-socket.ts).
   */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Absent for trust authentication. */
  readonly password?: string;
  readonly database: string;
}

export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
}

export interface PostgresShimConfig {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly upstream: UpstreamConfig;
  readonly resource: string;
  readonly decider: string;
  readonly tls?: TlsFiles;
  /** Identifies this shim in the decider's audit log. */
  readonly shimId: string;
  /**
   * The key file of the `hash` mask method (hash-key.ts), created when missing. Without one the key is random per
   * process, so hashed values differ after a restart and between shims: for tests and one-off runs only.
   */
  readonly hashKeyFile?: string;
  /** How long a statement that needs approval is held at most; the approval hold's default when absent. */
  readonly approvalWaitMs?: number;
  /**
   * How long a decision is reused for the same statement shape in a session, and a prepared statement's decision
   * lasts before its next Bind asks again: a revoked task or a reloaded policy is in force within this time.
   */
  readonly decisionLeaseMs?: number;
}

export const DEFAULT_DECIDER_ADDRESS = '127.0.0.1:7070';

export class ShimConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShimConfigError';
  }
}

const URL_FORM = 'postgres://USER[:PASS]@HOST:PORT/DB or postgres://USER[:PASS]@/DB?host=/SOCKET/DIR&port=PORT';
/** scheme://[userinfo@]hostport[/path][?query][#fragment], split as RFC 3986 does. */
const URL_PARTS = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?(#.*)?$/i;
const QUERY_PARAMETERS: ReadonlySet<string> = new Set(['host', 'port']);

/**
 * `postgres://USER[:PASS]@HOST:PORT/DB`, or with the host (and port) as query parameters as libpq takes them, where
 * a host that is an absolute path is the Unix-domain socket directory: `postgres://USER@/DB?host=/var/run/postgresql`.
 * Parts may be percent-encoded as in libpq URIs (`%2Fvar%2Frun%2Fpostgresql` as the host is a directory too).
 * `source` names where the text came from in errors (`--upstream`, or a taskgate.yaml position and key).
 */
export function parseUpstreamUrl(text: string, source = '--upstream'): UpstreamConfig {
  const parts = URL_PARTS.exec(text);
  if (parts === null) throw new ShimConfigError(`${source} "${redact(text)}" is not a URL; write ${URL_FORM}`);
  const [, schemeAsWritten, userinfo = '', hostport, path = '', query, fragment] = parts;
  const scheme = schemeAsWritten!.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new ShimConfigError(`${source} must start with postgres://, not ${scheme}://`);
  }
  if (fragment !== undefined) throw new ShimConfigError(`${source} takes no fragment (#...)`);
  const colon = userinfo.indexOf(':');
  const user = decoded(colon < 0 ? userinfo : userinfo.slice(0, colon), source);
  if (user === '') throw new ShimConfigError(`${source} names no user; write ${URL_FORM}`);
  const password = colon < 0 || colon === userinfo.length - 1 ? undefined : decoded(userinfo.slice(colon + 1), source);
  const database = decoded(path.replace(/^\//, ''), source);
  if (database === '' || database.includes('/')) throw new ShimConfigError(`${source} must name one database: ${URL_FORM}`);
  const inAuthority = splitHostPort(hostport!, source);
  const inQuery = queryParameters(query ?? '', source);
  if (inAuthority.host !== '' && inQuery.host !== undefined) throw new ShimConfigError(`${source} names the host twice, before the database and as ?host=`);
  if (inAuthority.port !== undefined && inQuery.port !== undefined) throw new ShimConfigError(`${source} names the port twice, after the host and as ?port=`);
  const host = inQuery.host ?? inAuthority.host;
  if (host === '') throw new ShimConfigError(`${source} names no host; write ${URL_FORM}`);
  if (host.includes('/') && !host.startsWith('/')) throw new ShimConfigError(`${source} has host ${JSON.stringify(host)}; a socket directory is an absolute path`);
  const port = inQuery.port ?? inAuthority.port;
  return { host, port: port === undefined ? 5432 : portNumber(port, source), user, password, database };
}

/** `host`, `host:port`, `[v6]:port`, or `:port` and empty (the host then comes as ?host=). */
function splitHostPort(hostport: string, source: string): { host: string; port?: string } {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(hostport);
  if (bracketed !== null) return { host: bracketed[1]!, port: bracketed[2] };
  if (hostport.startsWith('[')) throw new ShimConfigError(`${source} holds an IPv6 address without its closing ]`);
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return { host: decoded(hostport, source) };
  return { host: decoded(hostport.slice(0, colon), source), port: hostport.slice(colon + 1) };
}

function queryParameters(query: string, source: string): { host?: string; port?: string } {
  const found = new Map<string, string>();
  for (const pair of query.split('&').filter(Boolean)) {
    const equals = pair.indexOf('=');
    const name = decoded(equals < 0 ? pair : pair.slice(0, equals), source);
    if (!QUERY_PARAMETERS.has(name)) throw new ShimConfigError(`${source} takes only the host and port query parameters, not ${JSON.stringify(name)}`);
    if (found.has(name)) throw new ShimConfigError(`${source} names ?${name}= twice`);
    found.set(name, decoded(equals < 0 ? '' : pair.slice(equals + 1), source));
  }
  return { host: found.get('host'), port: found.get('port') };
}

function portNumber(text: string, source: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new ShimConfigError(`${source} has port ${JSON.stringify(text)}; a port is a number from 1 to 65535`);
  return port;
}

function decoded(part: string, source: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ShimConfigError(`${source} holds a bad percent-encoding (%XX): encode a literal % as %25`);
  }
}

export function parseListenAddress(text: string, option: string): { host: string; port: number } {
  const address = parseAddress(text);
  if (address === undefined) throw new ShimConfigError(`${option} "${text}" is not host:port`);
  return address;
}

/** The upstream URL as it may appear in logs and errors: never with its password. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '::ffff:127.0.0.1';
}
