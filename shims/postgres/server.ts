// The shim's listener: one ClientSession per connection, sharing the decider client, the catalog (and its
// connection), the cancel keys and the TLS context. close() ends every session and frees the port.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { connectDecider } from '../../decider/server/client.js';
import { AnalysisCache } from './analyze/analysis-cache.js';
import { PostgresCatalog } from './analyze/postgres-catalog.js';
import { ScramPassword } from './protocol/scram.js';
import { CancelKeys } from './cancel-keys.js';
import { CatalogConnection } from './catalog-connection.js';
import { ColumnOrigins } from './column-origins.js';
import { loadHashKey } from './hash-key.js';
import { ShimConfigError, type PostgresShimConfig, type TlsFiles } from './config.js';
import { ClientSession, type ShimServices } from './session.js';

export interface RunningPostgresShim {
  /** host:port actually listened on (the port is chosen when the configuration asks for 0). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startPostgresShim(config: PostgresShimConfig, log: (line: string) => void): Promise<RunningPostgresShim> {
  const secureContext = config.tls ? loadTls(config.tls) : undefined;
  const hashKey = hashKeyOf(config, log);
  const decider = connectDecider(config.decider);
  const scramPassword = config.upstream.password === undefined ? undefined : new ScramPassword(config.upstream.password);
  const catalogConnection = new CatalogConnection(config.upstream, scramPassword);
  const catalog = new PostgresCatalog(catalogConnection.query);
  const services: ShimServices = {
    config,
    catalog,
    analyses: new AnalysisCache(),
    decider,
    scramPassword,
    secureContext,
    cancelKeys: new CancelKeys(),
    origins: new ColumnOrigins(catalogConnection.query, catalog),
    hashKey,
    log,
  };
  const sessions = new Set<ClientSession>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const session = new ClientSession(socket, services);
    sessions.add(session);
    socket.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listenPort, config.listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `${config.listenHost}:${port}`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close();
      for (const socket of sockets) socket.destroy();
      await closed;
      catalogConnection.close();
      decider.close();
    },
  };
}

function hashKeyOf(config: PostgresShimConfig, log: (line: string) => void): Buffer {
  if (config.hashKeyFile === undefined) return randomBytes(32);
  const { key, created } = loadHashKey(config.hashKeyFile);
  if (created) log(`created the hash mask key ${config.hashKeyFile}; give the same file to every shim whose hashes must match`);
  return key;
}

function loadTls(files: TlsFiles): SecureContext {
  try {
    return createSecureContext({ cert: readFileSync(files.cert), key: readFileSync(files.key) });
  } catch (e) {
    throw new ShimConfigError(`cannot load the TLS certificate and key (${files.cert}, ${files.key}): ${(e as Error).message}`);
  }
}
