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
}

export const DEFAULT_DECIDER_ADDRESS = '127.0.0.1:7070';

export class ShimConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShimConfigError';
  }
}

/** `postgres://USER[:PASS]@HOST:PORT/DB`; the password may be percent-encoded as in libpq URIs. */
export function parseUpstreamUrl(text: string): UpstreamConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ShimConfigError(`--upstream "${redact(text)}" is not a URL; write postgres://USER[:PASS]@HOST:PORT/DB`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ShimConfigError(`--upstream must start with postgres://, not ${url.protocol}//`);
  }
  const user = decodeURIComponent(url.username);
  if (user === '') throw new ShimConfigError('--upstream names no user; write postgres://USER[:PASS]@HOST:PORT/DB');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new ShimConfigError('--upstream names no host');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) throw new ShimConfigError('--upstream must name one database: postgres://USER@HOST:PORT/DB');
  if (url.search !== '' || url.hash !== '') throw new ShimConfigError('--upstream takes no query parameters or fragment');
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return { host, port: url.port === '' ? 5432 : Number(url.port), user, password, database };
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
