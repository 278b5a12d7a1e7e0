// Answers "is this task revoked?" for every decision without a query per decision.
//
// Revocations are permanent, so a task once seen revoked is remembered forever. A task not (yet) seen revoked
// needs a fresh look, because another decider sharing the store may have revoked it a moment ago. That look is
// one query for "revocations after the last one I saw" (usually no rows), shared by every caller waiting at the
// time: under load many decisions ride on one query, and none relies on a query that began before it did.

/**
 * Where revocations come from. Correctness needs seq order to be commit order, or a revocation that commits
 * late with a lower seq would be skipped. SQLite gives that for free (one write transaction at a time); a
 * PostgreSQL store must make it so, e.g. by taking `LOCK TABLE revocations IN EXCLUSIVE MODE` in the revoking
 * transaction before drawing the seq.
 */
export interface RevocationFeed {
  /** Revocations committed after `afterSeq`, in commit order. */
  since(afterSeq: number): Promise<readonly { seq: number; task_id: string }[]>;
}

export class RevocationCache {
  private readonly revoked = new Set<string>();
  private lastSeq = 0;
  /** The refresh whose query is (or is about to be) running. */
  private running: Promise<void> | null = null;
  /** The refresh that will start after `running`; callers arriving now may join it. */
  private waiting: Promise<void> | null = null;

  constructor(private readonly feed: RevocationFeed) {}

  async isRevoked(taskId: string): Promise<boolean> {
    if (this.revoked.has(taskId)) return true;
    await this.refresh();
    return this.revoked.has(taskId);
  }

  /** Called after this process commits a revocation, so it is known without waiting for a refresh. */
  remember(taskId: string): void {
    this.revoked.add(taskId);
  }

  /** Resolves once a query that began after this call has been applied (or rejects with its error). */
  private refresh(): Promise<void> {
    if (!this.waiting) this.waiting = this.refreshAfter(this.running);
    return this.waiting;
  }

  private async refreshAfter(previous: Promise<void> | null): Promise<void> {
    await previous?.catch(() => undefined);
    // Until now `waiting` could only have been this very refresh (refresh() replaces it only when empty).
    // From here on the query starts, so later callers must wait for another one.
    const self = this.waiting;
    this.waiting = null;
    this.running = self;
    try {
      for (const revocation of await this.feed.since(this.lastSeq)) {
        this.revoked.add(revocation.task_id);
        this.lastSeq = Math.max(this.lastSeq, revocation.seq);
      }
    } finally {
      if (this.running === self) this.running = null;
    }
  }
}
