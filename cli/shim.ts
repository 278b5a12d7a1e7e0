// `taskgate shim postgres`: runs the Postgres shim until SIGINT or SIGTERM. Settings come from the shims section
// of taskgate.yaml (--config, --name), and the options given here override them.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, type ShimSection, type TaskgateConfig } from '../decider/config.js';
import { parseDuration } from '../decider/identity/duration.js';
import { DEFAULT_DATA_DIR } from '../decider/store/index.js';
import { DEFAULT_DECIDER_ADDRESS, parseListenAddress, parseUpstreamUrl, ShimConfigError, type PostgresShimConfig } from '../shims/postgres/config.js';
import { HASH_KEY_FILE_NAME } from '../shims/postgres/hash-key.js';
import { startPostgresShim } from '../shims/postgres/server.js';
import { upstreamPlace } from '../shims/postgres/upstream-socket.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseCommandLine, stringOption, UsageError, type Io, type Parsed } from './args.js';

export const SHIM_SUMMARY = 'run a shim in front of a resource (postgres)';

export const SHIM_USAGE = `Usage: taskgate shim postgres [--config taskgate.yaml [--name NAME]] [--listen ADDR]
                              [--upstream postgres://USER[:PASS]@HOST:PORT/DB] [--resource NAME] [--decider ADDR]
                              [--tls-cert FILE --tls-key FILE] [--hash-key-file FILE | --data-dir DIR]
                              [--approval-wait DURATION] [--decision-lease DURATION]

Speaks the Postgres protocol to clients, who log in with their task token (or OIDC token) as the password.
Every statement is analysed and decided by the decider before it reaches Postgres; the shim logs in to
Postgres with the credentials of --upstream, which clients never see. Stops on SIGINT or SIGTERM.
Settings come from the shim's entry under shims: in taskgate.yaml; options given here override them.

Options:
      --config FILE        taskgate.yaml, whose shims: section configures this shim
      --name NAME          which entry of shims: (needed when it lists several postgres shims)
      --listen ADDR        where clients connect, e.g. 127.0.0.1:6432
      --upstream URL       the database and the shim's own credentials; a shim beside Postgres may use its
                           Unix-domain socket: postgres://USER@/DB?host=/var/run/postgresql[&port=5432]
      --resource NAME      the resource name the decider and the grants know this database by
      --decider ADDR       the decider's gRPC address (default: decider.listen of --config, else ${DEFAULT_DECIDER_ADDRESS})
      --tls-cert FILE      PEM certificate offered to clients that ask for TLS (with --tls-key)
      --tls-key FILE       its PEM private key
      --hash-key-file FILE the key of the hash mask method, created (mode 0600) when missing; shims that must
                           hash alike share it (default DIR/${HASH_KEY_FILE_NAME})
      --data-dir DIR       where the default hash key lives (default: decider.data_dir of --config, else ${DEFAULT_DATA_DIR}/)
      --approval-wait D    how long a statement that needs approval is held, e.g. 5m
      --decision-lease D   how long a session reuses a decision for the same statement shape, and a prepared
                           statement keeps its decision, before asking the decider again (default 1s; 0s: never)`;

const OPTIONS = {
  config: { type: 'string' },
  name: { type: 'string' },
  listen: { type: 'string' },
  upstream: { type: 'string' },
  resource: { type: 'string' },
  decider: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'hash-key-file': { type: 'string' },
  'data-dir': { type: 'string' },
  'approval-wait': { type: 'string' },
  'decision-lease': { type: 'string' },
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
    config = configFrom(parsed, await fileSettings(parsed));
  } catch (e) {
    if (e instanceof ShimConfigError) throw new UsageError(e.message, SHIM_USAGE);
    if (e instanceof ConfigError) {
      io.stderr(`taskgate: ${e.message}\n`);
      return EXIT_FAILURE;
    }
    throw e;
  }
  let shim;
  try {
    shim = await startPostgresShim(config, log);
  } catch (e) {
    io.stderr(`taskgate: cannot start the postgres shim: ${(e as Error).message}\n`);
    return EXIT_FAILURE;
  }
  log(`listening on ${shim.address} for resource ${config.resource}; upstream ${upstreamPlace(config.upstream)}/${config.upstream.database} as ${config.upstream.user}; decider ${config.decider}${config.tls ? '; TLS offered' : ''}`);
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

/** What taskgate.yaml says for this shim: its shims: entry and the file's decider settings. */
interface FileSettings {
  readonly file: TaskgateConfig;
  readonly section: ShimSection | undefined;
}

async function fileSettings(parsed: Parsed): Promise<FileSettings | undefined> {
  const path = stringOption(parsed, 'config');
  const name = stringOption(parsed, 'name');
  if (path === undefined) {
    if (name !== undefined) throw new ShimConfigError('--name chooses an entry of the shims: section of --config; give --config too');
    return undefined;
  }
  const file = await loadConfigFile(path);
  const postgres = file.shims.filter((s) => s.kind === 'postgres');
  const names = postgres.map((s) => s.name).join(', ') || 'none';
  if (name !== undefined) {
    const section = postgres.find((s) => s.name === name);
    if (section === undefined) throw new ConfigError(`${path}: shims: has no postgres shim named "${name}" (configured: ${names})`);
    return { file, section };
  }
  if (postgres.length > 1) throw new ConfigError(`${path}: shims: lists several postgres shims (${names}); choose one with --name`);
  return { file, section: postgres[0] };
}

/** A setting's text and how an error names it: the option, or the taskgate.yaml position and key. */
interface Setting {
  readonly value: string;
  readonly source: string;
  readonly fromFile: boolean;
}

function configFrom(parsed: Parsed, file: FileSettings | undefined): PostgresShimConfig {
  const section = file?.section;
  const setting = (option: string, key: keyof ShimSection & string, yamlKey: string): Setting | undefined => {
    const flag = stringOption(parsed, option);
    if (flag !== undefined) return { value: flag, source: `--${option}`, fromFile: false };
    const value = section?.[key];
    return typeof value === 'string' ? { value, source: section!.where(yamlKey), fromFile: true } : undefined;
  };
  const required = (option: string, key: keyof ShimSection & string, yamlKey: string): Setting => {
    const found = setting(option, key, yamlKey);
    if (found === undefined) throw new ShimConfigError(`--${option} is required (or ${yamlKey}: in the shim's entry under shims: of taskgate.yaml)`);
    return found;
  };
  const listenSetting = required('listen', 'listen', 'listen');
  const listen = checked(listenSetting, (text, source) => parseListenAddress(text, source));
  const upstream = checked(required('upstream', 'upstream', 'upstream'), (text, source) => parseUpstreamUrl(text, source));
  const deciderSetting = setting('decider', 'decider', 'decider');
  const decider = deciderSetting?.value ?? file?.file.decider.listen ?? DEFAULT_DECIDER_ADDRESS;
  if (deciderSetting) checked(deciderSetting, (text, source) => parseListenAddress(text, source));
  const cert = setting('tls-cert', 'tlsCert', 'tls_cert');
  const key = setting('tls-key', 'tlsKey', 'tls_key');
  if ((cert === undefined) !== (key === undefined)) throw new ShimConfigError('give --tls-cert and --tls-key together (or tls_cert and tls_key in taskgate.yaml)');
  const dataDir = stringOption(parsed, 'data-dir') ?? file?.file.decider.dataDir ?? DEFAULT_DATA_DIR;
  return {
    listenHost: listen.host,
    listenPort: listen.port,
    upstream,
    resource: required('resource', 'resource', 'resource').value,
    decider,
    tls: cert !== undefined && key !== undefined ? { cert: cert.value, key: key.value } : undefined,
    shimId: `postgres@${hostname()}:${listen.port}`,
    hashKeyFile: setting('hash-key-file', 'hashKeyFile', 'hash_key_file')?.value ?? join(dataDir, HASH_KEY_FILE_NAME),
    approvalWaitMs: approvalWaitMs(parsed, section),
    decisionLeaseMs: decisionLeaseMs(parsed, section),
  };
}

function decisionLeaseMs(parsed: Parsed, section: ShimSection | undefined): number | undefined {
  const text = stringOption(parsed, 'decision-lease');
  if (text === undefined) return section?.decisionLeaseMs;
  const duration = parseDuration(text);
  if ('error' in duration) throw new ShimConfigError(`--decision-lease: ${duration.error}`);
  return duration.seconds * 1000;
}

function approvalWaitMs(parsed: Parsed, section: ShimSection | undefined): number | undefined {
  const text = stringOption(parsed, 'approval-wait');
  if (text === undefined) return section?.approvalWaitMs;
  const duration = parseDuration(text);
  if ('error' in duration) throw new ShimConfigError(`--approval-wait: ${duration.error}`);
  if (duration.seconds === 0) throw new ShimConfigError('--approval-wait must be longer than 0s');
  return duration.seconds * 1000;
}

/** Parses a setting; a bad value from the file is a ConfigError (exit 1, no usage text), from an option a usage error. */
function checked<T>(setting: Setting, parse: (text: string, source: string) => T): T {
  try {
    return parse(setting.value, setting.source);
  } catch (e) {
    if (e instanceof ShimConfigError && setting.fromFile) throw new ConfigError(e.message);
    throw e;
  }
}
