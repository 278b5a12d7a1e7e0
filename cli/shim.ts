// `taskgate shim postgres`: runs the Postgres shim until SIGINT or SIGTERM.
import { hostname } from 'node:os';
import { DEFAULT_DECIDER_ADDRESS, parseListenAddress, parseUpstreamUrl, ShimConfigError, type PostgresShimConfig } from '../shims/postgres/config.js';
import { startPostgresShim } from '../shims/postgres/server.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseCommandLine, stringOption, UsageError, type Io } from './args.js';

export const SHIM_SUMMARY = 'run a shim in front of a resource (postgres)';

export const SHIM_USAGE = `Usage: taskgate shim postgres --listen ADDR --upstream postgres://USER[:PASS]@HOST:PORT/DB --resource NAME
                              [--decider ADDR] [--tls-cert FILE --tls-key FILE]

Speaks the Postgres protocol to clients, who log in with their task token (or OIDC token) as the password.
Every statement is analysed and decided by the decider before it reaches Postgres; the shim logs in to
Postgres with the credentials of --upstream, which clients never see. Stops on SIGINT or SIGTERM.

Options:
      --listen ADDR      where clients connect, e.g. 127.0.0.1:6432
      --upstream URL     the database and the shim's own credentials
      --resource NAME    the resource name the decider and the grants know this database by
      --decider ADDR     the decider's gRPC address (default ${DEFAULT_DECIDER_ADDRESS})
      --tls-cert FILE    PEM certificate offered to clients that ask for TLS (with --tls-key)
      --tls-key FILE     its PEM private key`;

const OPTIONS = {
  listen: { type: 'string' },
  upstream: { type: 'string' },
  resource: { type: 'string' },
  decider: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
} as const;

export async function shimCommand(argv: readonly string[], io: Io): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === undefined || kind === '--help' || kind === '-h') {
    io.stdout(SHIM_USAGE + '\n');
    return kind === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (kind !== 'postgres') throw new UsageError(`unknown shim "${kind}" (known: postgres)`, SHIM_USAGE);
  const parsed = parseCommandLine(rest, OPTIONS, SHIM_USAGE);
  if (parsed.help) {
    io.stdout(SHIM_USAGE + '\n');
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, SHIM_USAGE);
  const log = (line: string) => io.stderr(`taskgate shim postgres: ${line}\n`);
  let config: PostgresShimConfig;
  try {
    config = configFrom(parsed);
  } catch (e) {
    if (e instanceof ShimConfigError) throw new UsageError(e.message, SHIM_USAGE);
    throw e;
  }
  let shim;
  try {
    shim = await startPostgresShim(config, log);
  } catch (e) {
    io.stderr(`taskgate: cannot start the postgres shim: ${(e as Error).message}\n`);
    return EXIT_FAILURE;
  }
  log(`listening on ${shim.address} for resource ${config.resource}; upstream ${config.upstream.host}:${config.upstream.port}/${config.upstream.database} as ${config.upstream.user}; decider ${config.decider}${config.tls ? '; TLS offered' : ''}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await shim.close();
  log('stopped');
  return EXIT_OK;
}

function configFrom(parsed: Parameters<typeof stringOption>[0]): PostgresShimConfig {
  const required = (name: string): string => {
    const value = stringOption(parsed, name);
    if (value === undefined) throw new ShimConfigError(`--${name} is required`);
    return value;
  };
  const listen = parseListenAddress(required('listen'), '--listen');
  const decider = stringOption(parsed, 'decider') ?? DEFAULT_DECIDER_ADDRESS;
  parseListenAddress(decider, '--decider');
  const cert = stringOption(parsed, 'tls-cert');
  const key = stringOption(parsed, 'tls-key');
  if ((cert === undefined) !== (key === undefined)) throw new ShimConfigError('give --tls-cert and --tls-key together');
  return {
    listenHost: listen.host,
    listenPort: listen.port,
    upstream: parseUpstreamUrl(required('upstream')),
    resource: required('resource'),
    decider,
    tls: cert !== undefined && key !== undefined ? { cert, key } : undefined,
    shimId: `postgres@${hostname()}:${listen.port}`,
  };
}
