// Every connection the shim opens to Postgres (a session's, the catalog's, a forwarded CancelRequest) goes where the
// configuration says: TCP, or the Unix-domain socket when the host is a directory, as libpq reads it. A shim beside
// its target takes the socket: no TCP stack on the hop every statement crosses twice.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';

/** The host and port of the configuration (UpstreamConfig), or of a cancel key. */
export interface UpstreamAddress {
  readonly host: string;
  readonly port: number;
}

export function isSocketDirectory(host: string): boolean {
  return host.startsWith('/');
}

/** Where a connection goes, as errors and logs name it: host:port, or the socket file. */
export function upstreamPlace({ host, port }: UpstreamAddress): string {
  if (isSocketDirectory(host)) return join(host, `.s.PGSQL.${port}`);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function connectUpstream(address: UpstreamAddress, onConnect?: () => void): Socket {
  if (isSocketDirectory(address.host)) return connect({ path: upstreamPlace(address) }, onConnect);
  const socket = connect({ host: address.host, port: address.port }, onConnect);
  // A statement and its answer are single small writes each way; Nagle would hold them back.
  socket.setNoDelay(true);
  return socket;
}

/** Why a connection failed, with what to check. */
export function unreachable(address: UpstreamAddress, error: Error): string {
  const check = isSocketDirectory(address.host) ? 'is Postgres running and is unix_socket_directories set?' : 'is Postgres running and listening there?';
  return `cannot reach Postgres at ${upstreamPlace(address)}: ${error.message}, ${check}`;
}
