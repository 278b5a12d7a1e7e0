// The decider as a service: decisions/s and p50/p99 latency over gRPC (one DecideStream, as shims use it) at
// concurrency 1, 16 and 64, audit on (durable group commit), against the same policy and input evaluated
// in-process through the same engine. The ratio is what the service adds: gRPC, sessions, validation, audit.
// The decider runs in its own process, as in production; client and server share this machine's cores.
// Two more figures per level make a run on a busy machine readable: the decider's CPU time per decision (all its
// threads; it changes little with load, unlike rates), and the same client against a gRPC server that answers
// at once (./grpc-floor.ts), the most grpc-js allows here at that moment. And one for the disk: no answer leaves
// before its record's fsync, so the latency of fdatasync on the data directory's disk bounds every p99 from below.
//
// Run: node --import ./test/fixtures/ts-loader/register.mjs bench/decider.ts [seconds-per-level]
//  or: make bench (runs it from dist/)
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as cliMain } from '../cli/main.js';
import { connectDecider } from '../decider/server/client.js';
import { policyInputJson } from '../decider/server/policy-input.js';
import type { Session } from '../decider/server/sessions.js';
import { PolicyEngine } from '../decider/engine/policy-engine.js';
import { percentile, report } from './stats.js';

const CONCURRENCIES = [1, 16, 64];
const TARGET_PER_SECOND = 10_000;
const TARGET_P99_MS = 5;

/** A grant-and-mask decision: a read of two tables, one with catalogued personal columns. */
const OPERATION = {
  kind: 'postgres',
  action: 'read',
  postgres: {
    text: 'SELECT u.id, u.email, o.status FROM public.users u JOIN public.orders o ON o.user_id = u.id WHERE o.id = $1',
    fingerprint: 'a1b2c3d4e5f60718',
    statements: [
      {
        command: 'SELECT',
        reads: ['public.users', 'public.orders'],
        writes: [],
        columns: [
          { table: 'public.users', column: 'id', use: 'select' },
          { table: 'public.users', column: 'email', use: 'select' },
          { table: 'public.orders', column: 'status', use: 'select' },
          { table: 'public.orders', column: 'user_id', use: 'filter' },
          { table: 'public.orders', column: 'id', use: 'filter' },
        ],
        functions: [],
        settings: [],
        has_where: true,
      },
    ],
  },
};
const GRANTS = ['orders-db:read:public.users,public.orders'];

interface Level {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  verdict: string;
  /** CPU time the server process spent per decision, all threads; undefined where /proc is not there. */
  serverCpuUs?: number;
}

const fromSource = import.meta.url.endsWith('.ts');
const projectRoot = fileURLToPath(new URL(fromSource ? '..' : '../..', import.meta.url));

function taskgateArgs(args: string[]): string[] {
  return fromSource
    ? ['--import', join(projectRoot, 'test/fixtures/ts-loader/register.mjs'), join(projectRoot, 'test/fixtures/decider/taskgate-from-source.ts'), ...args]
    : [join(projectRoot, 'bin/taskgate.js'), ...args];
}

function floorArgs(): string[] {
  const script = fileURLToPath(new URL(`./grpc-floor.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return fromSource ? ['--import', join(projectRoot, 'test/fixtures/ts-loader/register.mjs'), script] : [script];
}

async function startFloorProcess(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, floorArgs(), { stdio: ['ignore', 'pipe', 'inherit'], cwd: projectRoot });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`gRPC floor server exited (${code})`)));
  });
  return { child, port };
}

/** User plus system CPU time of a process, in microseconds (Linux /proc; USER_HZ is 100 there). */
async function cpuMicros(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startDeciderProcess(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    taskgateArgs(['decider', '--policies', join(projectRoot, 'policies'), '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--http', '127.0.0.1:0']),
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: projectRoot },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('ready: policy revision')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`decider exited (${code}):\n${log}`)));
  });
  return child;
}

async function issueToken(dataDir: string): Promise<string> {
  let token = '';
  const code = await cliMain(
    ['task', 'issue', '--subject', 'bench', '--task', 'bench-read', '--ttl', '1h', '--data-dir', dataDir, ...GRANTS.flatMap((g) => ['--grant', g])],
    { stdout: (t) => void (token += t), stderr: () => undefined },
  );
  if (code !== 0) throw new Error('bench: task issue failed');
  return token.trim();
}

/** `concurrency` requests kept in flight on one stream for `seconds`; latencies in ms. */
async function measureGrpc(address: string, token: string, concurrency: number, seconds: number, serverPid?: number): Promise<Level> {
  const client = connectDecider(address);
  const { session_id } = await client.openSession({ credential: token, resource: 'orders-db', kind: 'postgres' });
  const stream = client.stream();
  const operation_json = JSON.stringify(OPERATION);
  let verdict = '';
  const run = async (durationMs: number, samples: number[] | undefined) => {
    const end = performance.now() + durationMs;
    let count = 0;
    const worker = async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const answer = await stream.decide({ session_id, operation_json });
        samples?.push(performance.now() - t0);
        if (answer.error_code !== '') throw new Error(`bench: ${answer.error_code}: ${answer.error_message}`);
        verdict = answer.verdict;
        count++;
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return count / ((performance.now() - t0) / 1000);
  };
  await run(1000, undefined);
  const samples: number[] = [];
  const cpuBefore = await cpuMicros(serverPid);
  const perSecond = await run(seconds * 1000, samples);
  const cpuAfter = await cpuMicros(serverPid);
  stream.end();
  await client.closeSession(session_id);
  client.close();
  samples.sort((a, b) => a - b);
  const serverCpuUs = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / samples.length;
  return { perSecond, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), verdict, serverCpuUs };
}

/** The same decision in-process: the engine the decider uses, the input it would build. */
async function measureInProcess(seconds: number): Promise<Level> {
  const engine = new PolicyEngine({
    source: { kind: 'directory', path: join(projectRoot, 'policies') },
    evaluationTimeoutMs: 60_000,
    log: () => undefined,
  });
  const loaded = await engine.reload();
  if (loaded.status !== 'loaded') throw new Error(`bench: cannot load policies/: ${JSON.stringify(loaded)}`);
  const now = new Date();
  const session: Session = {
    id: 'ses_bench',
    identity: { subject: 'bench', issuer: 'taskgate', groups: [], claims: {}, method: 'task-token' },
    task: {
      id: 'tsk_bench', name: 'bench-read', purpose: '',
      grants: [{ resource: 'orders-db', actions: ['read'], objects: ['public.users', 'public.orders'] }],
      issued_at: new Date(now.getTime() - 60_000).toISOString(), expires_at: new Date(now.getTime() + 3_600_000).toISOString(),
    },
    resource: { name: 'orders-db', kind: 'postgres', labels: {} },
    sourceIp: '127.0.0.1', startedAt: now.toISOString(), expiresAtMs: now.getTime() + 3_600_000,
  };
  const samples: number[] = [];
  let verdict = '';
  const operationJson = JSON.stringify(OPERATION);
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    const s = performance.now();
    // What the service does per decision besides gRPC and audit: read the operation, write the input, evaluate.
    const operation = JSON.stringify(JSON.parse(operationJson));
    verdict = engine.decide(policyInputJson(session, operation, new Date())).decision.verdict;
    samples.push(performance.now() - s);
  }
  const perSecond = samples.length / ((performance.now() - t0) / 1000);
  samples.sort((a, b) => a - b);
  return { perSecond, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), verdict };
}

/** fdatasync after an 8 KiB write, as a group commit's WAL append ends, for `seconds`; latencies in ms. */
function measureFsync(dir: string, seconds: number): { p50Ms: number; p99Ms: number } {
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const page = Buffer.alloc(8192, 1);
  const samples: number[] = [];
  try {
    const end = performance.now() + seconds * 1000;
    for (let at = 0; performance.now() < end; at = (at + page.length) % (4 << 20)) {
      writeSync(fd, page, 0, page.length, at);
      const t0 = performance.now();
      fdatasyncSync(fd);
      samples.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
  }
  samples.sort((a, b) => a - b);
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
}

export async function main(seconds = 5): Promise<void> {
  console.log(`== decider: decisions over gRPC (DecideStream, audit on) vs the same policy in-process, ${seconds} s per level`);
  const inProcess = await measureInProcess(seconds);
  report(`in-process decisions/s (${inProcess.verdict})`, inProcess.perSecond, '/s', { name: 'target', value: TARGET_PER_SECOND });
  report('in-process p50', inProcess.p50Ms, 'ms', { name: 'target p99', value: TARGET_P99_MS });
  report('in-process p99', inProcess.p99Ms, 'ms', { name: 'target p99', value: TARGET_P99_MS });

  const dir = await mkdtemp(join(tmpdir(), 'taskgate-bench-decider-'));
  const dataDir = join(dir, 'var');
  let child: ChildProcess | undefined;
  let floor: { child: ChildProcess; port: number } | undefined;
  try {
    await mkdir(dataDir, { recursive: true });
    const disk = measureFsync(dataDir, Math.min(seconds, 3));
    report('fdatasync p50, data directory\'s disk', disk.p50Ms, 'ms', { name: 'target p99', value: TARGET_P99_MS });
    report('fdatasync p99, data directory\'s disk', disk.p99Ms, 'ms', { name: 'target p99', value: TARGET_P99_MS });
    const token = await issueToken(dataDir);
    const port = await freePort();
    child = await startDeciderProcess(dataDir, port);
    floor = await startFloorProcess();
    const baseline = { name: 'in-process', value: Math.round(inProcess.perSecond) };
    const inProcessCpuUs = { name: 'in-process', value: Number((1e6 / inProcess.perSecond).toFixed(1)) };
    for (const concurrency of CONCURRENCIES) {
      const ceiling = await measureGrpc(`127.0.0.1:${floor.port}`, token, concurrency, seconds);
      const level = await measureGrpc(`127.0.0.1:${port}`, token, concurrency, seconds, child.pid);
      report(`gRPC decisions/s, concurrency ${concurrency} (${level.verdict})`, level.perSecond, '/s', baseline);
      report(`gRPC p50, concurrency ${concurrency}`, level.p50Ms, 'ms', { name: 'in-process p50', value: Number(inProcess.p50Ms.toFixed(3)) });
      report(`gRPC p99, concurrency ${concurrency}`, level.p99Ms, 'ms', { name: 'target p99', value: TARGET_P99_MS });
      if (level.serverCpuUs !== undefined) report(`decider CPU per decision, concurrency ${concurrency}`, level.serverCpuUs, 'µs', inProcessCpuUs);
      report(`gRPC floor (fixed answers) /s, concurrency ${concurrency}`, ceiling.perSecond, '/s', { name: 'target', value: TARGET_PER_SECOND });
    }
  } finally {
    for (const process of [child, floor?.child]) {
      if (process === undefined || process.exitCode !== null) continue;
      process.kill('SIGTERM');
      await new Promise((resolve) => process.once('exit', resolve));
    }
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main(Number(process.argv[2] ?? 5));
