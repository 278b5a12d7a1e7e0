// `taskgate decider`: runs the decision service until SIGINT or SIGTERM.
import { ConfigError, defaultConfig, loadConfigFile, parseAddress, type TaskgateConfig } from '../decider/config.js';
import { IdentityError } from '../decider/identity/errors.js';
import { ListenError } from '../decider/server/decider.js';
import { launchDecider } from '../decider/server/launch.js';
import { DATABASE_FILE_NAME, StoreError } from '../decider/store/index.js';
import { EXIT_FAILURE, EXIT_OK, parseCommandLine, stringOption, UsageError, type Io } from './args.js';

export const DECIDER_SUMMARY = 'run the decision service (gRPC, with /healthz and /metrics over HTTP)';

export const DECIDER_USAGE = `Usage: taskgate decider [--config taskgate.yaml] [--policies DIR | --bundle FILE] [--data-dir DIR]
                        [--listen ADDR] [--http ADDR]

Serves taskgate.v1.Decider and grpc.health.v1 over gRPC, and GET /healthz and GET /metrics over HTTP.
Compiles the policies (or loads the bundle) at start and reloads them when they change; a change that does
not compile keeps the running policy. Stops on SIGINT or SIGTERM after answering what is in flight.
Options given here override taskgate.yaml; without either the defaults below apply.

Options:
      --config FILE      taskgate.yaml: decider, resources and identity settings
      --policies DIR     a directory of Rego policies and data (default policies/)
      --bundle FILE      a bundle built by \`taskgate policy build\` or \`opa build -t wasm\`
      --data-dir DIR     audit log, tasks and keys (default var/)
      --listen ADDR      gRPC address (default 127.0.0.1:7070)
      --http ADDR        HTTP address for /healthz and /metrics (default 127.0.0.1:7071)`;

const OPTIONS = {
  config: { type: 'string' },
  policies: { type: 'string' },
  bundle: { type: 'string' },
  'data-dir': { type: 'string' },
  listen: { type: 'string' },
  http: { type: 'string' },
} as const;

export async function deciderCommand(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandLine(argv, OPTIONS, DECIDER_USAGE);
  if (parsed.help) {
    io.stdout(DECIDER_USAGE + '\n');
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, DECIDER_USAGE);
  const policies = stringOption(parsed, 'policies');
  const bundle = stringOption(parsed, 'bundle');
  if (policies !== undefined && bundle !== undefined) throw new UsageError('give --policies or --bundle, not both', DECIDER_USAGE);
  for (const name of ['listen', 'http'] as const) {
    const address = stringOption(parsed, name);
    if (address !== undefined && parseAddress(address) === undefined) {
      throw new UsageError(`--${name} ${JSON.stringify(address)} is not host:port`, DECIDER_USAGE);
    }
  }
  const log = (line: string) => io.stderr(`taskgate decider: ${line}\n`);

  let config: TaskgateConfig;
  const configFile = stringOption(parsed, 'config');
  try {
    config = configFile === undefined ? defaultConfig() : await loadConfigFile(configFile);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr(`taskgate: ${e.message}\n`);
      return EXIT_FAILURE;
    }
    throw e;
  }
  config = withOverrides(config, {
    policies,
    bundle,
    dataDir: stringOption(parsed, 'data-dir'),
    listen: stringOption(parsed, 'listen'),
    http: stringOption(parsed, 'http'),
  });
  return run(config, log, io);
}

interface Overrides {
  policies?: string;
  bundle?: string;
  dataDir?: string;
  listen?: string;
  http?: string;
}

/** Command-line options win over the file; --policies also overrides a bundle named in the file. */
export function withOverrides(config: TaskgateConfig, o: Overrides): TaskgateConfig {
  const d = config.decider;
  return {
    ...config,
    decider: {
      ...d,
      policies: o.policies ?? d.policies,
      bundle: o.policies !== undefined ? undefined : (o.bundle ?? d.bundle),
      dataDir: o.dataDir ?? d.dataDir,
      listen: o.listen ?? d.listen,
      http: o.http ?? d.http,
    },
  };
}

async function run(config: TaskgateConfig, log: (line: string) => void, io: Io): Promise<number> {
  const d = config.decider;
  log(`config: ${config.origin === 'defaults' ? 'built-in defaults (no --config)' : config.origin}; ${config.resources.length} resource(s) configured`);
  log(`data: ${d.dataDir}/ (audit log ${d.dataDir}/${DATABASE_FILE_NAME})`);
  let launched;
  try {
    launched = await launchDecider(config, log);
  } catch (e) {
    if (e instanceof IdentityError || e instanceof StoreError || e instanceof ListenError || e instanceof ConfigError) {
      io.stderr(`taskgate: ${e.message}\n`);
      return EXIT_FAILURE;
    }
    throw e;
  }
  const { decider } = launched;
  log(`listening: gRPC ${decider.grpcAddress} (taskgate.v1.Decider, grpc.health.v1), HTTP http://${decider.httpAddress} (/healthz, /metrics)`);
  const revision = decider.engine.current?.revision;
  log(revision === undefined ? 'ready, but WITHOUT a policy: every decision is deny until the policy loads' : `ready: policy revision ${revision}`);
  if (config.origin === 'defaults') log(tryIt(d.dataDir, decider.grpcAddress));

  const ending = await untilStopped(decider.failed, log);
  await launched.close();
  log('stopped');
  // A decider whose store thread stopped denies everything until it restarts: a failure status gets it restarted.
  return ending === 'signal' ? EXIT_OK : EXIT_FAILURE;
}

/** Waits for SIGINT or SIGTERM (an operator's stop) or for the decider to fail (its store thread stopped). */
function untilStopped(failed: Promise<string>, log: (line: string) => void): Promise<'signal' | 'failed'> {
  return new Promise((resolve) => {
    const end = (ending: 'signal' | 'failed', line: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      log(line);
      resolve(ending);
    };
    const onInt = () => end('signal', 'SIGINT: finishing in-flight decisions and closing the audit log');
    const onTerm = () => end('signal', 'SIGTERM: finishing in-flight decisions and closing the audit log');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    void failed.then(() => end('failed', 'stopping with exit status 1, so that a supervisor restarts the decider and its store'));
  });
}

/** What a newcomer who just ran `make run` can do next, with the addresses this decider really uses. */
function tryIt(dataDir: string, grpcAddress: string): string {
  return [
    'try it, from another terminal in this directory:',
    `  TOKEN=$(node bin/taskgate.js task issue --data-dir ${dataDir} --subject you --task demo --grant orders-db:read:public.orders,public.users --ttl 15m)`,
    `  node bin/taskgate.js decide --decider ${grpcAddress} --resource orders-db --kind postgres --token "$TOKEN" --operation examples/operations/select-users.json`,
    '  (select-orders.json is allowed, select-users.json masked, delete-order.json denied; see examples/README.md)',
  ].join('\n');
}
