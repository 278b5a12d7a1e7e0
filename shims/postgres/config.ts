// What one Postgres shim instance needs: where to listen, the upstream it guards (with the shim's own
// credentials, which clients never see), the resource name the decider knows it by, and optional TLS.
import { parseAddress } from '../../decider/config.js';

export interface UpstreamConfig {
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

/**
 * `postgres://USER[:PASS]@HOST:PORT/DB`; the password may be percent-encoded as in libpq URIs. `source` names where
 * the text came from in errors (`--upstream`, or a taskgate.yaml position and key).
 */
export function parseUpstreamUrl(text: string, source = '--upstream'): UpstreamConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ShimConfigError(`${source} "${redact(text)}" is not a URL; write postgres://USER[:PASS]@HOST:PORT/DB`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ShimConfigError(`${source} must start with postgres://, not ${url.protocol}//`);
  }
  const user = decoded(url.username, source);
  if (user === '') throw new ShimConfigError(`${source} names no user; write postgres://USER[:PASS]@HOST:PORT/DB`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new ShimConfigError(`${source} names no host`);
  const database = decoded(url.pathname.replace(/^\//, ''), source);
  if (database === '' || database.includes('/')) throw new ShimConfigError(`${source} must name one database: postgres://USER@HOST:PORT/DB`);
  if (url.search !== '' || url.hash !== '') throw new ShimConfigError(`${source} takes no query parameters or fragment`);
  const password = url.password === '' ? undefined : decoded(url.password, source);
  return { host, port: url.port === '' ? 5432 : Number(url.port), user, password, database };
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
