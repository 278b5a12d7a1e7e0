// The decider as a service: decisions/s and p50/p99 latency over gRPC (one DecideStream, as shims use it) at
// concurrency 1, 16 and 64, audit on (durable group commit), against the same policy and input evaluated
// in-process through the same engine. The ratio is what the service adds: gRPC, sessions, validation, audit.
// The decider runs in its own process, as in production; client and server share this machine's cores.
//
// Run: node --import ./test/fixtures/ts-loader/register.mjs bench/decider.ts [seconds-per-level]
//  or: make bench (runs it from dist/)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as cliMain } from '../cli/main.js';
import { buildInput } from '../decider/server/decision-service.js';
import { connectDecider } from '../decider/server/client.js';
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
}

const fromSource = import.meta.url.endsWith('.ts');
const projectRoot = fileURLToPath(new URL(fromSource ? '..' : '../..', import.meta.url));

function taskgateArgs(args: string[]): string[] {
  return fromSource
    ? ['--import', join(projectRoot, 'test/fixtures/ts-loader/register.mjs'), join(projectRoot, 'test/fixtures/decider/taskgate-from-source.ts'), ...args]
    : [join(projectRoot, 'bin/taskgate.js'), ...args];
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
async function measureGrpc(address: string, token: string, concurrency: number, seconds: number): Promise<Level> {
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
  const perSecond = await run(seconds * 1000, samples);
  stream.end();
  await client.closeSession(session_id);
  client.close();
  samples.sort((a, b) => a - b);
  return { perSecond, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), verdict };
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
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    const s = performance.now();
    // What the service does per decision besides gRPC and audit: parse the operation, build input, evaluate.
    verdict = engine.decide(buildInput(session, JSON.parse(JSON.stringify(OPERATION)), new Date())).decision.verdict;
    samples.push(performance.now() - s);
  }
  const perSecond = samples.length / ((performance.now() - t0) / 1000);
  samples.sort((a, b) => a - b);
  return { perSecond, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), verdict };
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
  try {
    const token = await issueToken(dataDir);
    const port = await freePort();
    child = await startDeciderProcess(dataDir, port);
    const baseline = { name: 'in-process', value: Math.round(inProcess.perSecond) };
    for (const concurrency of CONCURRENCIES) {
      const level = await measureGrpc(`127.0.0.1:${port}`, token, concurrency, seconds);
      report(`gRPC decisions/s, concurrency ${concurrency} (${level.verdict})`, level.perSecond, '/s', baseline);
      report(`gRPC p50, concurrency ${concurrency}`, level.p50Ms, 'ms', { name: 'in-process p50', value: Number(inProcess.p50Ms.toFixed(3)) });
      report(`gRPC p99, concurrency ${concurrency}`, level.p99Ms, 'ms', { name: 'target p99', value: TARGET_P99_MS });
    }
  } finally {
    child?.kill('SIGTERM');
    if (child) await new Promise((resolve) => child!.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main(Number(process.argv[2] ?? 5));
