// The pgbench bench's relay floor: a Node.js process that accepts TCP connections and copies bytes to and from
// Postgres's Unix-domain socket, and does nothing else (no parsing, no decisions, no masking). What pgbench reaches
// through it is the most any Node.js process placed in the data path allows on this machine at that moment: the
// ceiling for the shim, as pgbouncer is the bar for a proxy written in C.
// Run as its own process by bench/pgbench.ts: node pg-relay-floor.js SOCKET_PATH; prints the port it listens on.
import { connect, createServer } from 'node:net';

const socketPath = process.argv[2];
if (socketPath === undefined) throw new Error('usage: pg-relay-floor SOCKET_PATH');

const server = createServer({ noDelay: true }, (client) => {
  const upstream = connect(socketPath);
  client.on('data', (chunk) => upstream.write(chunk));
  upstream.on('data', (chunk) => client.write(chunk));
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
