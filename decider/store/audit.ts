// Reading the audit log: verifying the chain, listing and exporting records. Writing is group-commit.ts's job.
import { recordOfRow, type AuditRow } from './audit-row.js';
import { StoreError } from './errors.js';
import { GENESIS_HASH, hashAuditRow } from './hash.js';
import type { AuditFilter, AuditRecord, VerifyResult } from './index.js';
import type { SqlValue, SqliteConnection } from './sqlite.js';

/** Rows per query when walking the whole log: large enough to amortize the query, small enough to stream. */
const PAGE_SIZE = 2000;
const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 10_000;

/** Yields every row with seq > after, in seq order, one page in memory at a time. */
async function* rowsAfter(db: SqliteConnection, after: number): AsyncGenerator<AuditRow> {
  let last = after;
  for (;;) {
    const page = await db.all<AuditRow>('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?', [last, PAGE_SIZE]);
    yield* page;
    if (page.length < PAGE_SIZE) return;
    last = page[page.length - 1].seq as number;
  }
}

/**
 * Recomputes the chain from seq 1. A record is `missing` when its seq is skipped, `altered` when its contents no
 * longer match its own hash, and `reordered` when it is intact but does not chain to the record before it (it was
 * moved, replaced, or its predecessor was rewritten together with that predecessor's hash).
 * Records deleted from the end leave no gap, so the highest seq SQLite ever handed out (sqlite_sequence) is
 * checked too; someone able to rewrite that as well can only be caught by a copy of the head kept elsewhere.
 */
export async function verifyChain(db: SqliteConnection): Promise<VerifyResult> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for await (const row of rowsAfter(db, 0)) {
    const seq = row.seq as number;
    if (seq !== expectedSeq) {
      return {
        ok: false,
        seq: expectedSeq,
        problem: 'missing',
        reason: `record ${expectedSeq} is missing: the record after ${expectedSeq - 1} is ${seq}`,
      };
    }
    if (hashAuditRow(row) !== row.hash) {
      return { ok: false, seq, problem: 'altered', reason: `record ${seq} was altered: its contents do not match its hash` };
    }
    if (row.prev_hash !== prevHash) {
      return {
        ok: false,
        seq,
        problem: 'reordered',
        reason:
          seq === 1
            ? 'record 1 does not start the chain: its prev_hash is not the genesis value'
            : `record ${seq} does not chain to record ${seq - 1}: records were reordered or replaced, ` +
              `or record ${seq - 1} was rewritten along with its hash`,
      };
    }
    prevHash = row.hash;
    expectedSeq = seq + 1;
  }
  const highest = await highestSeqIssued(db);
  if (highest >= expectedSeq) {
    return {
      ok: false,
      seq: expectedSeq,
      problem: 'missing',
      reason: `records ${expectedSeq} to ${highest} are missing: they were removed from the end of the log`,
    };
  }
  return { ok: true, count: expectedSeq - 1, head: { seq: expectedSeq - 1, hash: prevHash } };
}

async function highestSeqIssued(db: SqliteConnection): Promise<number> {
  const row = await db.get<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'audit'");
  return row?.seq ?? 0;
}

export async function* exportRecords(db: SqliteConnection): AsyncGenerator<AuditRecord> {
  for await (const row of rowsAfter(db, 0)) yield recordOfRow(row);
}

export async function listRecords(db: SqliteConnection, filter: AuditFilter): Promise<AuditRecord[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.subject !== undefined) {
    where.push('subject = ?');
    params.push(filter.subject);
  }
  if (filter.task !== undefined) {
    where.push('(task_id = ? OR task_name = ?)');
    params.push(filter.task, filter.task);
  }
  if (filter.verdict !== undefined) {
    where.push('verdict = ?');
    params.push(filter.verdict);
  }
  if (filter.kind !== undefined) {
    where.push('kind = ?');
    params.push(filter.kind);
  }
  if (filter.since !== undefined) {
    // Stored times are all toISOString() output (same length, UTC), so text order is time order.
    where.push('time >= ?');
    params.push(instant(filter.since).toISOString());
  }
  params.push(listLimit(filter.limit));
  const sql =
    `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` + 'ORDER BY seq DESC LIMIT ?';
  const rows = await db.all<AuditRow>(sql, params);
  return rows.reverse().map(recordOfRow);
}

function instant(since: Date | string): Date {
  const date = typeof since === 'string' ? new Date(since) : since;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new StoreError('invalid_filter', `since must be a date or an RFC 3339 timestamp, got ${String(since)}`);
  }
  return date;
}

function listLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new StoreError('invalid_filter', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`);
  }
  return limit;
}
