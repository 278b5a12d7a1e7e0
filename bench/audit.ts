// Audit log append throughput with durable commits (WAL, synchronous=FULL), at 1, 16 and 64 concurrent callers.
// Baseline, measured in the same run: the same appends with group commit off (maxBatch 1: one transaction, one
// fsync per record). fsync time swings widely on a shared disk, so baseline and group commit runs alternate,
// ROUNDS times each, and the median of each is reported.
//
// Run: make bench (or `node dist/bench/run.js audit`).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type DecisionEntry } from '../decider/store/index.js';
import { median, report } from './stats.js';

const CONCURRENCIES = [1, 16, 64];
const ROUNDS = 3;
/** Appends per caller and run: the total grows with concurrency so every run lasts long enough to measure. */
const APPENDS_PER_CALLER = 30;

/** A decision of realistic size: a SQL operation with its statement analysis and one mask. */
function sampleDecision(i: number): DecisionEntry {
  return {
    kind: 'decision',
    sessionId: `ses_${i % 97}`,
    subject: 'ci-backup',
    issuer: 'https://taskgate.example',
    taskId: 'tsk_01JDQ3',
    taskName: 'nightly-orders-backup',
    resource: 'orders-db',
    operationKind: 'postgres',
    operationAction: 'read',
    operation: {
      kind: 'postgres',
      action: 'read',
      postgres: {
        text: `SELECT id, email, ssn FROM public.users WHERE id = ${i}`,
        fingerprint: 'a1b2c3d4e5f60718',
        statements: [
          {
            command: 'SELECT',
            reads: ['public.users'],
            writes: [],
            columns: [{ table: 'public.users', column: 'ssn', use: 'select' }],
            functions: [],
            settings: [],
            has_where: true,
          },
        ],
      },
    },
    verdict: 'mask',
    reasons: ['ssn is masked for this task'],
    masks: [{ table: 'public.users', column: 'ssn', method: 'redact' }],
    policyRevision: 'rev-42',
    latencyUs: 180 + (i % 50),
  };
}

/** Numbers the database files, so that every run starts from an empty log. */
let runs = 0;

/** Appends `total` records from `concurrency` callers, each awaiting its append before the next; returns appends/s. */
async function measure(dir: string, label: string, maxBatch: number, concurrency: number, total: number): Promise<number> {
  const store = await openSqliteStore({ file: join(dir, `${label}-${concurrency}-${runs++}.db`), maxBatch });
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < total) await store.append(sampleDecision(next++));
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, caller));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const verified = await store.verify();
  await store.close();
  if (!verified.ok || verified.count !== total) throw new Error(`${label}: chain check failed: ${JSON.stringify(verified)}`);
  return total / seconds;
}

export async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'taskgate-bench-audit-'));
  try {
    console.log(
      `audit append: ${APPENDS_PER_CALLER} appends per caller, median of ${ROUNDS} runs, ` +
        'durable commit (WAL, synchronous=FULL)',
    );
    for (const concurrency of CONCURRENCIES) {
      const total = APPENDS_PER_CALLER * concurrency;
      const baseline: number[] = [];
      const grouped: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        baseline.push(await measure(dir, 'one-tx-per-append', 1, concurrency, total));
        grouped.push(await measure(dir, 'group-commit', 512, concurrency, total));
      }
      report(`appends/s, group commit, concurrency ${concurrency}`, median(grouped.sort((a, b) => a - b)), '/s', {
        name: 'one transaction per append',
        value: Math.round(median(baseline.sort((a, b) => a - b))),
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
