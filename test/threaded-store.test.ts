// The store on its own thread (decider/store/threaded-store.ts), as the decider opens it: the same answers and
// errors as the store on the main thread, approval events that race still decided as under the write lock,
// exports longer than a page, and a clean end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalService } from '../decider/approvals/approvals.js';
import type { ApproverPolicy } from '../decider/approvals/approver-policy.js';
import { ApprovalError, type ApprovalIdentity, type OperationContext } from '../decider/approvals/types.js';
import { revokedTaskReason, StoreError, type AuditRecord, type Store } from '../decider/store/index.js';
import { openThreadedStore } from '../decider/store/threaded-store.js';
import { shippedApproverPolicy } from './fixtures/approver-policy.js';
import { rejection } from './fixtures/rejection.js';
import { decision, removeTempDirs, task, tempDbFile } from './fixtures/store.js';

afterAll(removeTempDirs);

async function withThreadedStore(run: (store: Store) => Promise<void>): Promise<void> {
  const store = await openThreadedStore({ file: tempDbFile() });
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

describe('the store on its own thread', () => {
  it('appends, checks revocations and verifies as the store does, and keeps StoreError codes', async () => {
    await withThreadedStore(async (store) => {
      await store.issueTask(task());
      const allowed = await store.appendDecision(decision());
      expect(allowed).toMatchObject({ seq: 2, revocation: null });
      await store.revokeTask('tsk_1', 'bob', 'leaked');
      const denied = await store.appendDecision(decision());
      expect(denied.revocation).toMatchObject({ by: 'bob', reason: 'leaked' });
      const [last] = await store.list({ kind: 'decision', limit: 1 });
      expect(last).toMatchObject({ seq: denied.seq, verdict: 'deny', reasons: [revokedTaskReason(task(), denied.revocation)] });
      expect(await store.isRevoked('tsk_1')).toBe(true);
      expect(await store.verify()).toEqual({ ok: true, count: 4, head: await store.head() });

      const duplicate = await rejection(store.issueTask(task()), StoreError);
      expect(duplicate.code).toBe('task_exists');
      const malformed = await rejection(store.append({ ...decision(), verdict: 'maybe' as 'allow' }), StoreError);
      expect([malformed.code, malformed.message]).toEqual(['invalid_record', expect.stringMatching(/verdict/)]);
    });
  });

  it('commits concurrent appends together and answers each its own receipt', async () => {
    await withThreadedStore(async (store) => {
      const receipts = await Promise.all(Array.from({ length: 300 }, (_, i) => store.append(decision({ latencyUs: i }))));
      expect(receipts.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      const records = await store.list({ limit: 300 });
      for (const [i, receipt] of receipts.entries()) {
        expect(records.find((r) => r.seq === receipt.seq)).toMatchObject({ latencyUs: i, hash: receipt.hash });
      }
    });
  });

  it('exports more records than one page, in order, and a reader may stop early', async () => {
    await withThreadedStore(async (store) => {
      await Promise.all(Array.from({ length: 1_234 }, () => store.append(decision())));
      const seqs: number[] = [];
      for await (const record of store.export()) seqs.push(record.seq);
      expect(seqs).toEqual(Array.from({ length: 1_234 }, (_, i) => i + 1));
      const firstFew: AuditRecord[] = [];
      for await (const record of store.export()) {
        firstFew.push(record);
        if (firstFew.length === 3) break;
      }
      expect(firstFew.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(await store.verify()).toMatchObject({ ok: true, count: 1_234 });
    });
  });

  it('refuses a call whose arguments cannot cross to the thread, and writes the others sent with it', async () => {
    await withThreadedStore(async (store) => {
      const [good, bad, alsoGood] = await Promise.allSettled([
        store.append(decision()),
        store.append(decision({ operation: { run: () => 'not data' } as never })),
        store.append(decision()),
      ]);
      expect([good.status, alsoGood.status]).toEqual(['fulfilled', 'fulfilled']);
      expect(bad.status).toBe('rejected');
      expect(((bad as PromiseRejectedResult).reason as StoreError).code).toBe('invalid_record');
      expect(await store.verify()).toMatchObject({ ok: true, count: 2 });
    });
  });

  it('is closed for good after close()', async () => {
    const store = await openThreadedStore({ file: tempDbFile() });
    await store.append(decision());
    await store.close();
    expect((await rejection(store.append(decision()), StoreError)).code).toBe('store_closed');
    expect((await rejection(store.head(), StoreError)).code).toBe('store_closed');
  });

  it('refuses to open a database it cannot create, saying where', async () => {
    const error = await rejection(openThreadedStore({ file: '/proc/taskgate-cannot-be-here/taskgate.db' }), StoreError);
    expect([error.code, error.message]).toEqual(['store_unavailable', expect.stringContaining('/proc/taskgate-cannot-be-here/taskgate.db')]);
  });
});

describe('approval events through the thread', () => {
  let approverPolicy: ApproverPolicy;
  beforeAll(async () => {
    approverPolicy = await shippedApproverPolicy();
  }, 120_000);

  const person = (subject: string, groups: string[]): ApprovalIdentity => ({ subject, issuer: 'https://sso.example', groups, claims: {}, method: 'oidc' });
  const requester = person('ci-backup', ['ops']);
  const dbas = ['bob', 'dana', 'erin', 'frank'].map((name) => person(name, ['dba']));
  const ctx = (text: string): OperationContext => ({
    sessionId: 'ses_1',
    identity: requester,
    task: { id: 'tsk_1', name: 'orders-cleanup' },
    resource: 'orders-db',
    operation: { kind: 'postgres', action: 'write', postgres: { text, fingerprint: text, statements: [] } },
  });
  const required = (min: number) => ({
    reasons: ['needs a dba'],
    approval: { approvers: ['group:dba'], min, ttl_seconds: 900, scope: 'once' as const },
  });

  it('counts every one of several votes cast at the same moment', async () => {
    await withThreadedStore(async (store) => {
      const service = new ApprovalService({ store, approverPolicy, pollIntervalMs: 50 });
      const request = await service.request(ctx('DELETE FROM public.orders'), required(4));
      await Promise.all(dbas.map((dba) => service.approve(request.id, dba)));
      const approval = await service.get(request.id);
      expect(approval?.state.status).toBe('approved');
      expect([...(approval?.state.approvedBy ?? [])].sort()).toEqual(['bob', 'dana', 'erin', 'frank']);
      expect(await store.verify()).toMatchObject({ ok: true });
    });
  });

  it('lets exactly one of a racing approve and deny decide, and refuses the other', async () => {
    await withThreadedStore(async (store) => {
      const service = new ApprovalService({ store, approverPolicy, pollIntervalMs: 50 });
      for (const text of ['DELETE FROM public.a', 'DELETE FROM public.b', 'DELETE FROM public.c']) {
        const request = await service.request(ctx(text), required(1));
        const outcomes = await Promise.allSettled([service.approve(request.id, dbas[0]), service.deny(request.id, dbas[1], 'no')]);
        const refused = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
        expect(refused).toHaveLength(1);
        expect(refused[0].reason).toBeInstanceOf(ApprovalError);
        expect((refused[0].reason as ApprovalError).code).toBe('approval_final');
        const stored = await store.getApproval(request.id);
        expect(stored?.events.map((e) => e.action)).toHaveLength(1);
      }
    });
  });
});
