import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, revokedTaskReason, StoreError, type Store } from '../decider/store/index.js';
import { RevocationCache } from '../decider/store/revocation-cache.js';
import { openThreadedStore } from '../decider/store/threaded-store.js';
import { SqliteConnection } from '../decider/store/sqlite.js';
import { decision, removeTempDirs, task, tempDbFile } from './fixtures/store.js';

afterAll(removeTempDirs);

async function withStore<T>(file: string, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore({ file, clock: () => new Date('2026-11-29T10:00:00.000Z') });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

async function expectStoreError(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => new Error(`expected StoreError ${code}, but it resolved`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
}

describe('issueTask', () => {
  it('records the task and a task_issued audit record, and both survive a reopen', async () => {
    const file = tempDbFile();
    await withStore(file, async (store) => {
      const receipt = await store.issueTask(task({ issuedBy: 'alice' }));
      expect(receipt.seq).toBe(1);
    });
    await withStore(file, async (store) => {
      expect(await store.getTask('tsk_1')).toEqual({ ...task({ issuedBy: 'alice' }), revocation: null });
      const [record] = await store.list();
      expect(record).toMatchObject({
        kind: 'task_issued',
        taskId: 'tsk_1',
        taskName: 'nightly-orders-backup',
        subject: 'ci-backup',
        actor: 'alice',
        detail: {
          purpose: 'back up the orders tables',
          grants: [{ resource: 'orders-db', actions: ['read'], objects: ['public.orders'] }],
          issued_at: '2026-11-29T09:00:00Z',
          expires_at: '2026-11-29T11:00:00Z',
        },
      });
      expect(await store.verify()).toMatchObject({ ok: true, count: 1 });
    });
  });

  it('lists tasks newest first', async () => {
    await withStore(tempDbFile(), async (store) => {
      for (const id of ['tsk_a', 'tsk_b', 'tsk_c']) await store.issueTask(task({ id }));
      expect((await store.listTasks()).map((t) => t.id)).toEqual(['tsk_c', 'tsk_b', 'tsk_a']);
      expect(await store.getTask('tsk_nope')).toBeUndefined();
    });
  });

  it('refuses a reused id without failing the appends that share its transaction', async () => {
    await withStore(tempDbFile(), async (store) => {
      await store.issueTask(task());
      const [before, duplicate, after] = await Promise.allSettled([
        store.append(decision()),
        store.issueTask(task({ name: 'impostor' })),
        store.append(decision()),
      ]);
      expect(before.status).toBe('fulfilled');
      expect(after.status).toBe('fulfilled');
      expect(duplicate.status).toBe('rejected');
      expect(((duplicate as PromiseRejectedResult).reason as StoreError).code).toBe('task_exists');
      expect((await store.getTask('tsk_1'))?.name).toBe('nightly-orders-backup');
      expect((await store.list()).map((r) => r.kind)).toEqual(['task_issued', 'decision', 'decision']);
      expect(await store.verify()).toMatchObject({ ok: true, count: 3 });
    });
  });

  it('refuses malformed tasks with invalid_record', async () => {
    await withStore(tempDbFile(), async (store) => {
      const bad = [
        task({ id: '' }),
        task({ subject: undefined as never }),
        task({ issuedAt: 'yesterday' }),
        task({ expiresAt: '2026-11-29T08:00:00Z' }),
        task({ grants: [{ resource: 'db', actions: 'read' as never }] }),
        task({ grants: [{ resource: 'db', actions: ['read'], admin: true } as never] }),
        task({ grants: 'all' as never }),
        task({ purpose: 7 as never }),
      ];
      for (const t of bad) await expectStoreError(store.issueTask(t), 'invalid_record');
      expect(await store.listTasks()).toEqual([]);
      expect((await store.head()).seq).toBe(0);
    });
  });
});

describe('revokeTask', () => {
  it('revokes for good, with an audit record, and refuses to do it twice', async () => {
    const file = tempDbFile();
    await withStore(file, async (store) => {
      await store.issueTask(task());
      expect(await store.isRevoked('tsk_1')).toBe(false);
      const receipt = await store.revokeTask('tsk_1', 'bob', 'leaked in a CI log');
      expect(receipt.seq).toBe(2);
      expect(await store.isRevoked('tsk_1')).toBe(true);
      await expectStoreError(store.revokeTask('tsk_1', 'carol', 'again'), 'task_already_revoked');
      await expectStoreError(store.revokeTask('tsk_nope', 'bob', ''), 'task_not_found');
      await expectStoreError(store.revokeTask('tsk_1', '', 'no one'), 'invalid_record');
    });
    await withStore(file, async (store) => {
      expect(await store.isRevoked('tsk_1')).toBe(true);
      expect((await store.getTask('tsk_1'))?.revocation).toEqual({
        at: '2026-11-29T10:00:00.000Z',
        by: 'bob',
        reason: 'leaked in a CI log',
      });
      const records = await store.list();
      expect(records.map((r) => r.kind)).toEqual(['task_issued', 'task_revoked']);
      expect(records[1]).toMatchObject({ taskId: 'tsk_1', actor: 'bob', detail: { reason: 'leaked in a CI log' } });
      expect(await store.verify()).toMatchObject({ ok: true, count: 2 });
    });
  });

  it('is seen at once by another decider sharing the store', async () => {
    const file = tempDbFile();
    // As in production: a decider's store on its own thread, the other side (CLI, another decider) apart from it.
    const [deciderA, deciderB] = [await openThreadedStore({ file }), await openSqliteStore({ file })];
    try {
      await deciderA.issueTask(task());
      expect(await deciderA.isRevoked('tsk_1')).toBe(false);
      await deciderB.revokeTask('tsk_1', 'bob', 'done');
      expect(await deciderA.isRevoked('tsk_1')).toBe(true);
    } finally {
      await Promise.all([deciderA.close(), deciderB.close()]);
    }
  });

  it('is seen by every check that starts after it commits, even under a stream of checks', async () => {
    const file = tempDbFile();
    // As in production: a decider's store on its own thread, the other side (CLI, another decider) apart from it.
    const [deciderA, deciderB] = [await openThreadedStore({ file }), await openSqliteStore({ file })];
    try {
      await deciderA.issueTask(task());
      let revoked = false;
      let checksAfterRevoke = 0;
      let staleAnswers = 0;
      // Keep checking until 500 checks have started after the revocation committed.
      const checker = async () => {
        while (checksAfterRevoke < 500) {
          const startedAfterRevoke = revoked;
          if (startedAfterRevoke) checksAfterRevoke++;
          if (!(await deciderA.isRevoked('tsk_1')) && startedAfterRevoke) staleAnswers++;
        }
      };
      const load = Promise.all(Array.from({ length: 32 }, checker));
      await deciderB.revokeTask('tsk_1', 'bob', 'done');
      revoked = true;
      await load;
      expect(staleAnswers).toBe(0);
      expect(await deciderA.isRevoked('tsk_1')).toBe(true);
    } finally {
      await Promise.all([deciderA.close(), deciderB.close()]);
    }
  });

  it('turns every decision committed after it into a deny, even under a stream of decisions from another decider', async () => {
    const file = tempDbFile();
    // As in production: a decider's store on its own thread, the other side (CLI, another decider) apart from it.
    const [deciderA, deciderB] = [await openThreadedStore({ file }), await openSqliteStore({ file })];
    try {
      await deciderA.issueTask(task());
      let revokedAtSeq = 0;
      let decisionsAfterRevoke = 0;
      const wrong: number[] = [];
      // Keep deciding until 500 decisions have started after the revocation committed.
      const decider = async () => {
        while (decisionsAfterRevoke < 500) {
          const startedAfterRevoke = revokedAtSeq > 0;
          if (startedAfterRevoke) decisionsAfterRevoke++;
          const receipt = await deciderA.appendDecision(decision());
          if (startedAfterRevoke && receipt.revocation === null) wrong.push(receipt.seq);
        }
      };
      const load = Promise.all(Array.from({ length: 32 }, decider));
      revokedAtSeq = (await deciderB.revokeTask('tsk_1', 'bob', 'done')).seq;
      await load;
      expect(wrong).toEqual([]);
      // What was recorded is what the receipts said: allows before the revocation's record, denies after it.
      const reason = revokedTaskReason(task(), (await deciderA.getTask('tsk_1'))!.revocation);
      expect(reason).toMatch(/^task .* \(tsk_1\) was revoked by bob at .* \(done\): ask for a new task token/);
      const records = await deciderA.list({ kind: 'decision', limit: 10_000 });
      for (const record of records) {
        if (record.seq < revokedAtSeq) expect(record.verdict).toBe('allow');
        else expect(record).toMatchObject({ verdict: 'deny', reasons: [reason], masks: [] });
      }
      expect(await deciderA.verify()).toMatchObject({ ok: true });
    } finally {
      await Promise.all([deciderA.close(), deciderB.close()]);
    }
  });

  it('sees a revocation queued in the same batch before the decision, and leaves other tasks alone', async () => {
    const file = tempDbFile();
    await withStore(file, async (store) => {
      await store.issueTask(task());
      await store.issueTask(task({ id: 'tsk_2' }));
      const [before, , after, other] = await Promise.all([
        store.appendDecision(decision()),
        store.revokeTask('tsk_1', 'bob', 'done'),
        store.appendDecision(decision()),
        store.appendDecision(decision({ taskId: 'tsk_2' })),
      ]);
      expect(before.revocation).toBeNull();
      expect(after.revocation).toEqual({ at: '2026-11-29T10:00:00.000Z', by: 'bob', reason: 'done' });
      expect(other.revocation).toBeNull();
      const verdicts = (await store.list({ kind: 'decision' })).map((r) => [r.taskId, r.verdict]);
      expect(verdicts).toEqual([['tsk_1', 'allow'], ['tsk_1', 'deny'], ['tsk_2', 'allow']]);
    });
  });

  it('cannot be undone through the database', async () => {
    const file = tempDbFile();
    await withStore(file, async (store) => {
      await store.issueTask(task());
      await store.revokeTask('tsk_1', 'bob', 'done');
    });
    const db = await SqliteConnection.open(file, { busyTimeoutMs: 1000 });
    try {
      await expect(db.run('DELETE FROM revocations')).rejects.toThrow(/permanent: DELETE refused/);
      await expect(db.run("UPDATE revocations SET task_id = 'x'")).rejects.toThrow(/permanent: UPDATE refused/);
      await expect(db.run("UPDATE tasks SET expires_at = '2099-01-01T00:00:00Z'")).rejects.toThrow(/immutable/);
      await expect(db.run('DELETE FROM tasks')).rejects.toThrow(/immutable/);
    } finally {
      await db.close();
    }
  });
});

describe('RevocationCache', () => {
  /** A feed whose queries finish only when the test says so. */
  function manualFeed() {
    const rows: { seq: number; task_id: string }[] = [];
    const queries: { after: number; finish: () => void }[] = [];
    const feed = {
      since(after: number) {
        return new Promise<{ seq: number; task_id: string }[]>((resolve) => {
          // Like a database: the query sees the rows committed when it runs, i.e. when it is issued.
          const seen = rows.filter((r) => r.seq > after);
          queries.push({ after, finish: () => resolve(seen) });
        });
      },
    };
    return { rows, queries, feed };
  }

  const tick = () => new Promise((r) => setImmediate(r));

  it('shares one query among callers waiting together, and remembers what it learned', async () => {
    const { rows, queries, feed } = manualFeed();
    const cache = new RevocationCache(feed);
    rows.push({ seq: 1, task_id: 'tsk_1' });
    const answers = Promise.all(Array.from({ length: 100 }, () => cache.isRevoked('tsk_1')));
    await tick();
    expect(queries.length).toBe(1);
    queries[0].finish();
    expect(await answers).toEqual(Array(100).fill(true));
    expect(await cache.isRevoked('tsk_1')).toBe(true);
    expect(queries.length).toBe(1); // known revoked: no query needed
  });

  it('does not let a caller rely on a query that began before it did', async () => {
    const { rows, queries, feed } = manualFeed();
    const cache = new RevocationCache(feed);
    const early = cache.isRevoked('tsk_1');
    await tick();
    expect(queries.length).toBe(1); // running, saw no revocation
    rows.push({ seq: 1, task_id: 'tsk_1' }); // committed elsewhere while that query runs
    const late = cache.isRevoked('tsk_1');
    const alsoLate = cache.isRevoked('tsk_1');
    queries[0].finish();
    expect(await early).toBe(false);
    await tick();
    expect(queries.length).toBe(2); // one more query, shared by both late callers
    expect(queries[1].after).toBe(0);
    queries[1].finish();
    expect(await late).toBe(true);
    expect(await alsoLate).toBe(true);
  });

  it('fails the checks (so the decider denies) when the query fails, and recovers after', async () => {
    let fail = true;
    const cache = new RevocationCache({
      since: async () => {
        if (fail) throw new Error('database is locked');
        return [{ seq: 3, task_id: 'tsk_9' }];
      },
    });
    await expect(cache.isRevoked('tsk_9')).rejects.toThrow('database is locked');
    fail = false;
    expect(await cache.isRevoked('tsk_9')).toBe(true);
  });
});
