// Which tasks are revoked, as the audit writer sees it inside its own transaction.
//
// A decision's record is written in the writer's BEGIN IMMEDIATE ... COMMIT, which holds the database's write
// lock; revocations (from this decider or any other sharing the file) commit under that same lock. So reading
// "revocations after the last one I saw" inside the batch transaction shows every revocation committed before the
// batch commits, and a decision is answered only after that commit: one round trip per batch, none per decision.
import type { Revocation } from './index.js';
import type { SqliteConnection } from './sqlite.js';

export interface RevocationRow {
  seq: number;
  task_id: string;
  revoked_at: string;
  revoked_by: string;
  reason: string;
}

export class RevocationLedger {
  private readonly known = new Map<string, Revocation>();
  private lastSeq = 0;

  /**
   * Reads the revocations after the last one seen. Call it only inside the writer's transaction: seq order is
   * commit order there, so nothing committed can hide behind a seq already seen.
   */
  async catchUp(db: SqliteConnection): Promise<void> {
    this.learn(
      await db.all<RevocationRow>(
        'SELECT seq, task_id, revoked_at, revoked_by, reason FROM revocations WHERE seq > ? ORDER BY seq',
        [this.lastSeq],
      ),
    );
  }

  /** The seq after which `learn()` needs the revocations, for a caller that reads them along with other things. */
  get lastSeenSeq(): number {
    return this.lastSeq;
  }

  /** Revocations after `lastSeenSeq`, in seq order, read inside the writer's transaction (see catchUp). */
  learn(rows: readonly RevocationRow[]): void {
    for (const row of rows) {
      this.known.set(row.task_id, { at: row.revoked_at, by: row.revoked_by, reason: row.reason });
      this.lastSeq = row.seq;
    }
  }

  revocationOf(taskId: string): Revocation | null {
    return this.known.get(taskId) ?? null;
  }

  /**
   * After a transaction that did not commit: it may have shown this ledger a revocation of its own that was rolled
   * back, whose seq SQLite can hand out again. Starting over rereads only what is committed.
   */
  forget(): void {
    this.known.clear();
    this.lastSeq = 0;
  }
}
