// The single audit writer. Appends queue here; each flush writes everything queued so far in one
// BEGIN IMMEDIATE ... COMMIT, so many callers share one fsync and each learns only after the commit.
import { chainedRow, type AuditContent, type AuditRow } from './audit-row.js';
import { StoreError } from './errors.js';
import { GENESIS_HASH, HASHED_COLUMNS, hashAuditRow } from './hash.js';
import type { AuditHead, AuditReceipt, Revocation } from './index.js';
import { RevocationLedger, type RevocationRow } from './revocation-ledger.js';
import type { PreparedStatement, SqlValue, SqliteConnection } from './sqlite.js';

/** What a job sees inside the batch transaction. */
export interface BatchTransaction {
  /** The writer's connection, inside the open transaction. */
  readonly db: SqliteConnection;
  /** Adds one record to the chain; it is written before the transaction commits (or its savepoint is released). */
  appendRecord(content: AuditContent): AuditReceipt;
  /** The task's revocation as committed by now (or earlier in this transaction), null if it is not revoked. */
  revocationOf(taskId: string): Promise<Revocation | null>;
}

/** A decision's receipt, and the revocation that turned it into a deny at commit time (null if none). */
export interface CheckedReceipt extends AuditReceipt {
  readonly revocation: Revocation | null;
}

interface QueuedJob {
  /**
   * Jobs that also change other tables run inside a SAVEPOINT, so their own refusal does not fail the batch.
   * The others append at most one record, as their last step, so a StoreError they throw has written nothing.
   */
  readonly isolated: boolean;
  run(tx: BatchTransaction): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitOptions {
  /** Most jobs per transaction; bounds how long one commit holds the write lock. */
  readonly maxBatch: number;
  readonly clock: () => Date;
}

/**
 * There is no batching timer: while one batch is being fsynced, new appends pile up in the queue and form the
 * next batch, so batches grow with load by themselves and a lone caller never waits for company. A flush starts
 * on setImmediate so that appends made in the same turn of the event loop already share the first transaction.
 */
export class GroupCommitWriter {
  private queue: QueuedJob[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly db: SqliteConnection,
    private readonly inserter: AuditInserter,
    private readonly revocations: RevocationLedger,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Prepared once: a statement prepared per use costs a second trip to the sqlite3 worker thread. */
  private batchStart: PreparedStatement | null = null;

  static create(db: SqliteConnection, options: GroupCommitOptions): GroupCommitWriter {
    return new GroupCommitWriter(db, new AuditInserter(db), new RevocationLedger(), options);
  }

  append(content: AuditContent): Promise<AuditReceipt> {
    return this.enqueue(false, async (tx) => tx.appendRecord(content));
  }

  /**
   * Appends a decision about `taskId`, unless the task is revoked by the time the batch commits: then the record
   * written is `ifRevoked(revocation)` instead. Checking in the batch costs one query per batch, not per decision.
   */
  appendChecked(
    content: AuditContent,
    taskId: string | null,
    ifRevoked: (revocation: Revocation) => AuditContent,
  ): Promise<CheckedReceipt> {
    return this.enqueue(false, async (tx) => {
      const revocation = taskId === null ? null : await tx.revocationOf(taskId);
      const receipt = tx.appendRecord(revocation === null ? content : ifRevoked(revocation));
      return { ...receipt, revocation };
    });
  }

  /**
   * Runs `job` inside the next batch transaction. A StoreError it throws rolls back only its own writes and
   * rejects only its own promise; any other error is a storage failure and fails the whole batch.
   */
  transact<T>(job: (tx: BatchTransaction) => Promise<T>): Promise<T> {
    return this.enqueue(true, job);
  }

  /** Stops taking jobs and waits for the queued ones to commit. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.inserter.finalize();
    await this.batchStart?.finalize();
    this.batchStart = null;
  }

  private enqueue<T>(isolated: boolean, run: (tx: BatchTransaction) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('store_closed', 'the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ isolated, run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = new Promise<void>((done) => setImmediate(done)).then(() => this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      await this.commit(batch);
    }
    this.flushing = null;
  }

  private async commit(batch: QueuedJob[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await this.runInTransaction(batch);
    } catch (err) {
      await this.db.exec('ROLLBACK').catch(() => undefined); // fails only when SQLite already rolled back
      this.revocations.forget();
      const failure = new StoreError(
        'audit_write_failed',
        `audit transaction of ${batch.length} record(s) did not commit: ${(err as Error).message}`,
        { cause: err },
      );
      for (const job of batch) job.reject(failure);
      return;
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  private async runInTransaction(batch: QueuedJob[]): Promise<Outcome[]> {
    // Every trip to the sqlite3 worker thread waits, on its way back, behind the requests the event loop is busy
    // deciding (measured: ~0.5 ms each on a quiet machine, 2-3 ms on a loaded one), while the batch holds the
    // write lock and the next batch waits. Hence exec() for BEGIN and COMMIT (one trip, where run() takes two),
    // prepared statements, and one query for both the head and the new revocations.
    await this.db.exec('BEGIN IMMEDIATE');
    // Read the tail inside the transaction rather than trusting memory: a rolled-back batch or another process
    // that appended in between cannot make the chain fork.
    this.batchStart ??= await this.db.prepare(BATCH_START_SQL);
    const start = await readBatchStart(this.batchStart, this.revocations.lastSeenSeq);
    this.revocations.learn(start.revocations);
    const chain = new ChainCursor(this.db, this.inserter, this.revocations, this.options.clock, start.head);
    const outcomes: Outcome[] = [];
    for (const job of batch) {
      outcomes.push(job.isolated ? await this.runIsolated(job, chain) : await runPlain(job, chain));
    }
    await chain.flush();
    await this.db.exec('COMMIT');
    return outcomes;
  }

  private async runIsolated(job: QueuedJob, chain: ChainCursor): Promise<Outcome> {
    await chain.flush();
    const head = chain.head();
    await this.db.exec('SAVEPOINT job');
    try {
      const value = await job.run(chain);
      await chain.flush();
      await this.db.exec('RELEASE job');
      return { ok: true, value };
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      await this.db.exec('ROLLBACK TO job');
      await this.db.exec('RELEASE job');
      chain.rewind(head);
      return { ok: false, error };
    } finally {
      // It may have revoked a task (or tried to): later decisions in this batch must look again.
      chain.revocationsChanged();
    }
  }
}

async function runPlain(job: QueuedJob, chain: ChainCursor): Promise<Outcome> {
  try {
    return { ok: true, value: await job.run(chain) };
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    return { ok: false, error };
  }
}

/** The last record's seq and hash, as committed (or as this transaction sees it). */
export async function readHead(db: SqliteConnection): Promise<AuditHead> {
  const row = await db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
  return row ? { seq: row.seq, hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
}

interface BatchStartRow extends RevocationRow {
  row_kind: 'head' | 'revocation';
  hash: string;
}

/** The chain's head, then the revocations after the bound seq, in seq order. */
const BATCH_START_SQL = `
  SELECT * FROM (SELECT 'head' AS row_kind, seq, hash, NULL AS task_id, NULL AS revoked_at, NULL AS revoked_by,
                        NULL AS reason
                 FROM audit ORDER BY seq DESC LIMIT 1)
  UNION ALL
  SELECT 'revocation', seq, NULL, task_id, revoked_at, revoked_by, reason FROM revocations WHERE seq > ?
  ORDER BY 1, 2`;

/** The chain's head and the revocations after `revocationsAfter`, as this transaction sees them, in one query. */
async function readBatchStart(
  statement: PreparedStatement,
  revocationsAfter: number,
): Promise<{ head: AuditHead; revocations: RevocationRow[] }> {
  const rows = await statement.all<BatchStartRow>([revocationsAfter]);
  const headRow = rows.find((row) => row.row_kind === 'head');
  return {
    head: headRow ? { seq: headRow.seq, hash: headRow.hash } : { seq: 0, hash: GENESIS_HASH },
    revocations: rows.filter((row) => row.row_kind === 'revocation'),
  };
}

/** Rows per INSERT statement: 64 rows x 22 columns stays far below SQLite's limit on bound parameters. */
const ROWS_PER_INSERT = 64;

/**
 * Writes audit rows with as few statements as possible: each statement is a round trip to the sqlite3 worker
 * thread, which costs far more than inserting one row. One prepared statement per row count, made on first use.
 */
class AuditInserter {
  private readonly statements = new Map<number, PreparedStatement>();

  constructor(private readonly db: SqliteConnection) {}

  async insert(rows: readonly AuditRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      // One flat array, filled in place: this runs on the main thread for every record written.
      const params: SqlValue[] = [];
      for (const row of chunk) {
        for (const column of HASHED_COLUMNS) params.push(row[column]);
        params.push(row.hash);
      }
      await (await this.statementFor(chunk.length)).run(params);
    }
  }

  async finalize(): Promise<void> {
    await Promise.all([...this.statements.values()].map((s) => s.finalize()));
    this.statements.clear();
  }

  private async statementFor(rowCount: number): Promise<PreparedStatement> {
    let statement = this.statements.get(rowCount);
    if (!statement) {
      const placeholders = `(${Array.from({ length: HASHED_COLUMNS.length + 1 }, () => '?').join(', ')})`;
      statement = await this.db.prepare(
        `INSERT INTO audit (${HASHED_COLUMNS.join(', ')}, hash) VALUES ` +
          Array.from({ length: rowCount }, () => placeholders).join(', '),
      );
      this.statements.set(rowCount, statement);
    }
    return statement;
  }
}

/**
 * Extends the chain inside one transaction: numbers, stamps and hashes each record at once (so its receipt is
 * known) and holds the rows until flush(), which the writer calls before COMMIT and around savepoints.
 */
class ChainCursor implements BatchTransaction {
  private seq: number;
  private hash: string;
  private pending: AuditRow[] = [];
  /** Whether the ledger knows the revocations this transaction can see: true from the batch's first query. */
  private revocationsRead = true;

  constructor(
    readonly db: SqliteConnection,
    private readonly inserter: AuditInserter,
    private readonly revocations: RevocationLedger,
    private readonly clock: () => Date,
    head: AuditHead,
  ) {
    this.seq = head.seq;
    this.hash = head.hash;
  }

  head(): AuditHead {
    return { seq: this.seq, hash: this.hash };
  }

  /** Forgets every record after `head`; their rows must not have been flushed (or were rolled back). */
  rewind(head: AuditHead): void {
    this.pending = this.pending.filter((row) => (row.seq as number) <= head.seq);
    this.seq = head.seq;
    this.hash = head.hash;
  }

  appendRecord(content: AuditContent): AuditReceipt {
    const seq = this.seq + 1;
    const time = this.clock().toISOString();
    const row = chainedRow(content, seq, time, this.hash);
    row.hash = hashAuditRow(row);
    this.pending.push(row);
    this.seq = seq;
    this.hash = row.hash;
    return { seq, time, hash: row.hash };
  }

  async revocationOf(taskId: string): Promise<Revocation | null> {
    if (!this.revocationsRead) {
      await this.revocations.catchUp(this.db);
      this.revocationsRead = true;
    }
    return this.revocations.revocationOf(taskId);
  }

  revocationsChanged(): void {
    this.revocationsRead = false;
  }

  async flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    await this.inserter.insert(rows);
  }
}
