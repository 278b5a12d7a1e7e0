// The Postgres shim's throughput: `pgbench -S` (a point select per transaction) at 8 clients, simple and
// `-M prepared` protocol, in the same run straight to Postgres, through the shim, through pgbouncer in session
// mode and through a bare Node.js relay (each for --seconds, in two interleaved halves); each ratio is against
// direct. pgbench reaches every target over TCP 127.0.0.1, as clients reach Postgres; the proxies reach Postgres
// over its Unix-domain socket, as each would beside its target. pgbouncer proxies without deciding anything: the
// fair bar for a proxy process on this machine. The relay (./pg-relay-floor.ts) copies bytes and nothing else: the
// ceiling for any Node.js process in the data path, the shim included. The shim and the decider (shipped
// policies, audit on) each run in their own process, as in production, and share this machine's cores with
// Postgres, the other proxies and pgbench.
//
// Needs pgbouncer (Debian: apt-get install -y pgbouncer).
// Run: node dist/bench/run.js pgbench [--seconds N] [--profile DIR]   (--profile: the shim runs with --cpu-prof)
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { main as cliMain } from '../cli/main.js';
import { startPostgres, type PostgresServer } from '../test/fixtures/postgres.js';
import { report } from './stats.js';
import { freePort } from '../test/fixtures/free-port.js';

const CLIENTS = 8;
const THREADS = 2;
const RESOURCE = 'bench-db';
// pgbench reads pgbench_branches once per client to learn the scale.
const GRANT = `${RESOURCE}:read:public.pgbench_accounts,public.pgbench_branches`;
const MODES = ['simple', 'prepared'] as const;
type Mode = (typeof MODES)[number];
const PGBOUNCER = '/usr/sbin/pgbouncer';
/** pgbouncer refuses to run as root; it runs as the cluster's OS user, as Postgres does. */
const PGBOUNCER_USER = 'postgres';

interface Run {
  tps: number;
  latencyMs: number;
  failed: number;
}

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const taskgate = join(projectRoot, 'bin/taskgate.js');
const relayFloor = fileURLToPath(new URL('./pg-relay-floor.js', import.meta.url));


/** Starts `node [nodeFlags] bin/taskgate.js args` and resolves once its stderr shows `readyLine`. */
async function startTaskgate(args: string[], readyLine: string, nodeFlags: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeFlags, taskgate, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: projectRoot });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`taskgate ${args[0]} exited (${code}):\n${log}`));
    child.once('exit', onExit);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(readyLine)) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  return child;
}

const STOP_TIMEOUT_MS = 15_000;

/** SIGTERM, as an operator stops it; a process still running after STOP_TIMEOUT_MS is killed and reported. */
async function stop(child: ChildProcess | undefined, what: string): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS)));
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome !== 'late') return;
  child.kill('SIGKILL');
  await exited;
  throw new Error(`bench: the ${what} did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM`);
}

/** The bare relay to `socketPath`; resolves with its process and the loopback port it listens on. */
async function startRelayFloor(socketPath: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [relayFloor, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`bench: the relay floor exited (${code})`)));
  });
  return { child, port };
}

async function issueToken(dataDir: string): Promise<string> {
  let token = '';
  let errors = '';
  const code = await cliMain(['task', 'issue', '--subject', 'bench', '--task', 'pgbench', '--ttl', '1h', '--data-dir', dataDir, '--grant', GRANT], {
    stdout: (t) => void (token += t),
    stderr: (t) => void (errors += t),
  });
  if (code !== 0) throw new Error(`bench: task issue failed: ${errors}`);
  return token.trim();
}

function pgbench(args: string[], password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('pgbench', args, { env: { ...process.env, PGPASSWORD: password } }, (error, stdout, stderr) =>
      error ? reject(new Error(`pgbench ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

function figure(output: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(output);
  if (match === null) throw new Error(`bench: pgbench printed no ${what}:\n${output}`);
  return Number(match[1]);
}

function combined(a: Run, b: Run): Run {
  return { tps: (a.tps + b.tps) / 2, latencyMs: (a.latencyMs + b.latencyMs) / 2, failed: a.failed + b.failed };
}

async function runSelectOnly(port: number, user: string, password: string, mode: Mode, seconds: number): Promise<Run> {
  const out = await pgbench(
    ['-S', '-n', '-M', mode, '-T', String(seconds), '-c', String(CLIENTS), '-j', String(THREADS), '-h', '127.0.0.1', '-p', String(port), '-U', user, 'postgres'],
    password,
  );
  return {
    tps: figure(out, /tps = ([0-9.]+)/, 'tps'),
    latencyMs: figure(out, /latency average = ([0-9.]+) ms/, 'latency'),
    failed: figure(out, /number of failed transactions: (\d+)/, 'failed transaction count'),
  };
}

/**
 * pgbouncer in session mode on a free loopback port, its upstream the cluster's Unix-domain socket. `dir` (its
 * configuration) is given to pgbouncer's OS user, so it must not sit inside a directory only root may enter.
 */
async function startPgbouncer(postgres: PostgresServer, dir: string): Promise<{ child: ChildProcess; port: number }> {
  if (!existsSync(PGBOUNCER)) throw new Error(`bench: pgbouncer is not installed (${PGBOUNCER}); apt-get install -y pgbouncer`);
  const uid = Number(execFileSync('id', ['-u', PGBOUNCER_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', PGBOUNCER_USER]).toString().trim());
  await chown(dir, uid, gid);
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  await writeFile(join(dir, 'users.txt'), `"${postgres.user}" ""\n`);
  await writeFile(
    ini,
    [
      '[databases]',
      `postgres = host=${postgres.socketDir} port=${postgres.port} dbname=postgres user=${postgres.user}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir = ''",
      'pool_mode = session',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      `default_pool_size = ${CLIENTS * 2}`,
      `max_client_conn = ${CLIENTS * 4}`,
      '',
    ].join('\n'),
  );
  const child = spawn(PGBOUNCER, [ini], { uid, gid, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench: pgbouncer exited (${code}):\n${log}`));
    child.once('exit', onExit);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('process up')) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  return { child, port };
}

export async function main(argv: readonly string[] = []): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { seconds: { type: 'string', default: '20' }, profile: { type: 'string' } } });
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 2 || seconds % 2 !== 0) throw new Error(`bench: --seconds must be an even number of seconds, at least 2; got ${values.seconds}`);
  console.log(`== pgbench -S, ${CLIENTS} clients, ${seconds} s per run: through the shim, pgbouncer and a bare Node.js relay (each reaching Postgres over its Unix socket) vs straight to Postgres (TCP)`);
  const dir = await mkdtemp(join(tmpdir(), 'taskgate-bench-pgbench-'));
  const dataDir = join(dir, 'var');
  const pgbouncerDir = await mkdtemp(join(tmpdir(), 'taskgate-bench-pgbouncer-'));
  let postgres: PostgresServer | undefined;
  let decider: ChildProcess | undefined;
  let shim: ChildProcess | undefined;
  let pgbouncer: ChildProcess | undefined;
  let relay: ChildProcess | undefined;
  try {
    postgres = await startPostgres();
    await pgbench(['-i', '-q', '-s', '1', '-h', postgres.socketDir, '-p', String(postgres.port), '-U', postgres.user, 'postgres'], '');
    const token = await issueToken(dataDir);
    const deciderPort = await freePort();
    decider = await startTaskgate(
      ['decider', '--policies', join(projectRoot, 'policies'), '--data-dir', dataDir, '--listen', `127.0.0.1:${deciderPort}`, '--http', '127.0.0.1:0'],
      'ready: policy revision',
    );
    const shimPort = await freePort();
    const profile = values.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${values.profile}`];
    const upstream = `postgres://${postgres.user}@/postgres?host=${encodeURIComponent(postgres.socketDir)}&port=${postgres.port}`;
    shim = await startTaskgate(
      ['shim', 'postgres', '--listen', `127.0.0.1:${shimPort}`, '--upstream', upstream, '--resource', RESOURCE, '--decider', `127.0.0.1:${deciderPort}`],
      'listening on',
      profile,
    );
    const bouncer = await startPgbouncer(postgres, pgbouncerDir);
    pgbouncer = bouncer.child;
    const floor = await startRelayFloor(join(postgres.socketDir, `.s.PGSQL.${postgres.port}`));
    relay = floor.child;
    const targets = [
      { name: 'direct', run: (mode: Mode, runSeconds: number) => runSelectOnly(postgres!.port, postgres!.user, '', mode, runSeconds) },
      { name: 'the shim (upstream: Unix socket)', run: (mode: Mode, runSeconds: number) => runSelectOnly(shimPort, 'bench', token, mode, runSeconds) },
      { name: 'pgbouncer session mode (upstream: Unix socket)', run: (mode: Mode, runSeconds: number) => runSelectOnly(bouncer.port, postgres!.user, '', mode, runSeconds) },
      { name: 'a bare Node.js relay (upstream: Unix socket)', run: (mode: Mode, runSeconds: number) => runSelectOnly(floor.port, postgres!.user, '', mode, runSeconds) },
    ];
    for (const mode of MODES) {
      // Each target twice, for half the time, in the order direct, shim, pgbouncer, relay, then the reverse: a load
      // that drifts during the run (the machine is shared) weighs on every target alike instead of on the later ones.
      const half = seconds / 2;
      const firsts: Run[] = [];
      for (const target of targets) firsts.push(await target.run(mode, half));
      const lasts: Run[] = [];
      for (const target of [...targets].reverse()) lasts.unshift(await target.run(mode, half));
      const [direct, ...proxied] = targets.map((target, i) => ({ name: target.name, run: combined(firsts[i]!, lasts[i]!) }));
      for (const { name, run } of proxied) {
        if (run.failed > 0) throw new Error(`bench: ${run.failed} transactions failed through ${name} (${mode})`);
        report(`pgbench -S ${mode}: tps through ${name}`, run.tps, 'tps', { name: 'direct', value: Math.round(direct!.run.tps) });
        report(`pgbench -S ${mode}: latency through ${name}`, run.latencyMs, 'ms', { name: 'direct', value: Number(direct!.run.latencyMs.toFixed(3)) });
      }
      const [shimRun, , relayRun] = proxied.map((p) => p.run);
      report(`pgbench -S ${mode}: tps through the shim`, shimRun!.tps, 'tps', { name: 'bare Node.js relay', value: Math.round(relayRun!.tps) });
    }
  } finally {
    try {
      await stop(pgbouncer, 'pgbouncer');
      await stop(relay, 'relay floor');
      await stop(shim, 'shim');
      await stop(decider, 'decider');
    } finally {
      await postgres?.stop();
      await rm(dir, { recursive: true, force: true });
      await rm(pgbouncerDir, { recursive: true, force: true });
    }
  }
}
