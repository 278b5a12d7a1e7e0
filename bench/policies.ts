// µs per evaluation for three policies of different shapes, so a regression in one shape shows even when the
// others hide it: the shipped decision policy (rule-heavy, 2 KB input), a task with 1,000 grants (iteration and
// glob.match over a large input) and an HTTP request classifier (string and regex builtins, mostly host calls).
//
// Baseline: a constant policy evaluated with the same input in the same run, i.e. the SDK's JSON round trip of
// that input (stringify, copy into the module, parse, dump the result). Every policy pays it whatever its rules do,
// and for the 1,000-grant input it is a large share of the total, so the ratio shows the policy's own work where
// a fixed one-rule baseline would mix it with input size.
import { readFile } from 'node:fs/promises';
import { compilePolicy } from '../rego/compile.js';
import { loadEngine, type Engine } from '../rego/engine.js';
import { loadPaths } from '../rego/loader.js';
import { realisticInput } from './rego.js';
import { median, report, timeCalls } from './stats.js';

export interface BenchPolicy {
  name: string;
  /** The Rego source file under bench/policies/. */
  file: string;
  entrypoint: string;
  input: unknown;
  /** Timed evaluations (after as many warm-up ones, up to 1,000): fewer for the slow ones, to keep the run short. */
  iterations: number;
  /** Throws when the result is not the one the input was built to give, so a broken policy is never timed. */
  verify(result: unknown): void;
}

const GRANT_COUNT = 1000;
const RESOURCES = ['orders-db', 'billing-db', 'crm-db', 'events-db', 'search-db'];

/** A task holding 1,000 grants over five databases; the operation reads three tables of one of them. */
export function manyGrantsInput(): unknown {
  const grants = Array.from({ length: GRANT_COUNT }, (_, i) => ({
    id: `grant-${String(i).padStart(4, '0')}`,
    resource: RESOURCES[i % RESOURCES.length],
    actions: i % 3 === 0 ? ['read', 'write'] : ['read'],
    objects: [`tenant_${i}.*`, `archive_${i}.orders_*`, `public.table_${i}`],
  }));
  return {
    identity: { subject: 'ci-reporting', groups: ['reporting'] },
    task: { id: 'tsk_bench_grants', name: 'quarterly-report', grants },
    resource: { name: 'orders-db', kind: 'postgres' },
    // tenant_995.invoices is reached by grant-0995 (orders-db, read); archive_500.orders_2019 by grant-0500.
    operation: { kind: 'postgres', action: 'read', objects: ['tenant_995.invoices', 'archive_500.orders_2019', 'public.table_5'] },
  };
}

function verifyManyGrants(result: unknown): void {
  const r = result as { allow?: unknown; matching_grants?: unknown; uncovered?: unknown } | undefined;
  const want = ['grant-0005', 'grant-0500', 'grant-0995'];
  if (r?.allow !== true || JSON.stringify(r.matching_grants) !== JSON.stringify(want)) {
    throw new Error(`bench: the 1,000-grant policy gave ${JSON.stringify(result)}, expected allow with grants ${want.join(', ')}`);
  }
}

/** An HTTP request with 24 headers, a 12-parameter query string and 30 log notes: about 3 KB of JSON. */
export function httpRequestInput(): unknown {
  const headers: Record<string, string> = {
    'user-agent': 'reporting-client/4.2 (linux; x86_64)',
    accept: 'application/json',
    'x-forwarded-for': '10.1.2.3, 172.16.0.9',
    referer: 'https://intranet.example.com/reports/../admin',
    'x-request-id': 'req-01JDQ3Z9X8W7V6',
  };
  for (let i = 0; i < 19; i++) headers[`x-trace-${i}`] = `span=${i * 7919};sampled=${i % 2};parent=${(i * 104729).toString(16)}`;
  const query = [
    'page=3', 'per_page=100', 'sort=created_at', 'order=desc', 'from=2026-01-01', 'to=2026-03-31',
    'status=paid', 'currency=EUR', 'customer_id=c-1234-5678', 'fields=id,total,status', 'q=late%20fee', 'debug=1',
  ].join('&');
  const notes = Array.from({ length: 30 }, (_, i) => ({
    level: ['info', 'warn', 'debug'][i % 3],
    text: `step ${i}\tfetched ${i * 37} rows\nfrom shard ${i % 4}`,
  }));
  return {
    request: { method: 'get', path: '/API/v2//Invoices/./20260331', query, headers },
    notes,
  };
}

function verifyHttpRequest(result: unknown): void {
  const r = result as { routes?: unknown; suspicious?: unknown[]; notes?: unknown } | undefined;
  if (JSON.stringify(r?.routes) !== '["invoice"]' || r?.suspicious?.length !== 2 || r.notes !== 30) {
    throw new Error(`bench: the string and regex policy gave ${JSON.stringify(result)}, expected route invoice, 2 suspicious, 30 notes`);
  }
}

export function benchPolicies(): BenchPolicy[] {
  return [
    { name: '1,000 grants', file: 'grants.rego', entrypoint: 'bench/grants/decision', input: manyGrantsInput(), iterations: 300, verify: verifyManyGrants },
    { name: 'strings and regex', file: 'strings.rego', entrypoint: 'bench/strings/decision', input: httpRequestInput(), iterations: 5_000, verify: verifyHttpRequest },
  ];
}

/** Compiles one bench policy through the toolchain and loads it in the SDK; paths are from the project root, as
 * for policies/ in bench/rego.ts (make bench runs there). */
export async function loadBenchPolicy(policy: BenchPolicy): Promise<Engine> {
  const file = `bench/policies/${policy.file}`;
  const compiled = await compilePolicy([{ file, text: await readFile(file, 'utf8') }], [policy.entrypoint]);
  return loadEngine(compiled.wasm);
}

/** The baseline: a constant policy, whose evaluation is the SDK's JSON round trip of the input it is given. */
async function roundTripEngine(): Promise<Engine> {
  return loadEngine((await compilePolicy([{ file: 'bench.rego', text: 'package bench\nt := true' }], ['bench/t'])).wasm);
}

async function measure(
  name: string,
  [engine, entrypoint]: [Engine, string],
  roundTrip: Engine,
  input: unknown,
  iterations: number,
): Promise<void> {
  const bytes = JSON.stringify(input).length;
  const baseline = median(timeCalls(() => roundTrip.evaluate(input, 'bench/t'), iterations));
  const us = median(timeCalls(() => engine.evaluate(input, entrypoint), iterations));
  report(`${name}, ${(bytes / 1024).toFixed(1)} KB input`, us, 'µs', {
    name: 'same input round trip',
    value: Number(baseline.toFixed(2)),
  });
}

export async function main(): Promise<void> {
  console.log('== policies: µs per evaluation by policy shape (ratio: against a constant policy given the same input)');
  const roundTrip = await roundTripEngine();
  const shipped = await loadPaths(['policies']);
  const decision = await loadEngine((await compilePolicy(shipped.sources, ['taskgate/decision'])).wasm, shipped.data);
  await measure('shipped decision', [decision, 'taskgate/decision'], roundTrip, realisticInput(), 20_000);
  for (const policy of benchPolicies()) {
    const engine = await loadBenchPolicy(policy);
    policy.verify(engine.evaluate(policy.input, policy.entrypoint));
    await measure(policy.name, [engine, policy.entrypoint], roundTrip, policy.input, policy.iterations);
  }
}
