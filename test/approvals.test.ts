import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalService, requestDocument } from '../decider/approvals/approvals.js';
import { approvalDocument } from '../decider/approvals/document.js';
import type { ApproverPolicy } from '../decider/approvals/approver-policy.js';
import { ApprovalError, type ApprovalIdentity, type OperationContext, type RequiredApproval } from '../decider/approvals/types.js';
import {
  ApprovalWebhook,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  type WebhookBody,
} from '../decider/approvals/webhook.js';
import { ApprovalsConfigError, validateApprovalsConfig } from '../decider/approvals/config.js';
import { decideWithApprovals } from '../decider/approvals/gate.js';
import { validateDecision, type Decision } from '../decider/engine/decision.js';
import { DECISION_ENTRYPOINT, loadPolicySource } from '../decider/engine/policy-source.js';
import { loadEngine, type Engine } from '../rego/engine.js';
import { openSqliteStore, type Store } from '../decider/store/index.js';
import { SqliteConnection } from '../decider/store/sqlite.js';
import { removeTempDirs, tempDbFile } from './fixtures/store.js';
import { shippedApproverPolicy } from './fixtures/approver-policy.js';
import { rejection } from './fixtures/rejection.js';

let approverPolicy: ApproverPolicy;
beforeAll(async () => {
  approverPolicy = await shippedApproverPolicy();
}, 120_000);
afterAll(removeTempDirs);

const T0 = new Date('2026-11-29T10:00:00.000Z');

function person(subject: string, groups: string[] = []): ApprovalIdentity {
  return { subject, issuer: 'https://sso.example', groups, claims: {}, method: 'oidc' };
}

const requester = person('ci-backup', ['ops']);
const bob = person('bob', ['dba']);
const dana = person('dana', ['dba']);
const mallory = person('mallory', ['dev']);

function deleteAll(sessionId = 'ses_1', who: ApprovalIdentity = requester): OperationContext {
  return {
    sessionId,
    identity: who,
    task: { id: 'tsk_1', name: 'orders-cleanup' },
    resource: 'orders-db',
    operation: {
      kind: 'postgres',
      action: 'write',
      postgres: { text: 'DELETE FROM public.orders', fingerprint: 'abc', statements: [] },
    },
  };
}

function required(overrides: Partial<RequiredApproval['approval']> = {}): RequiredApproval {
  return {
    reasons: ['DELETE without WHERE changes every row of public.orders; this needs approval by group:dba'],
    approval: { approvers: ['group:dba'], min: 1, ttl_seconds: 900, scope: 'once', ...overrides },
  };
}

interface Harness {
  store: Store;
  service: ApprovalService;
  clock: { now: Date };
  file: string;
}

async function harness(file = tempDbFile(), options: { webhook?: ApprovalWebhook } = {}): Promise<Harness> {
  const clock = { now: T0 };
  const store = await openSqliteStore({ file });
  const service = new ApprovalService({
    store,
    approverPolicy,
    clock: () => clock.now,
    notifier: options.webhook,
    pollIntervalMs: 50,
  });
  return { store, service, clock, file };
}

function use(ctx: OperationContext, service: ApprovalService) {
  return { sessionId: ctx.sessionId, fingerprint: service.fingerprintOf(ctx), subject: ctx.identity.subject, taskId: ctx.task?.id };
}


async function approvalActions(store: Store, id: string): Promise<string[]> {
  const records = await store.list({ kind: 'approval' });
  return records.filter((r) => r.approvalId === id).map((r) => `${(r.detail as { action: string }).action}:${r.actor}`);
}

describe('once', () => {
  it('admits the approved operation once in the session that asked; a replay needs a new approval', async () => {
    const { store, service } = await harness();
    const ctx = deleteAll();
    const request = await service.request(ctx, required());
    expect(await service.inputFor(ctx)).toEqual({ id: request.id, status: 'pending', approved_by: [] });

    const waiting = service.waitFor(request.id);
    await service.approve(request.id, bob, 'cleanup agreed in ticket 42');
    expect((await waiting).state.status).toBe('approved');
    expect(await service.inputFor(ctx)).toEqual({ id: request.id, status: 'approved', approved_by: ['bob'] });

    // Another session of the same identity and task does not see a once approval.
    expect(await service.inputFor(deleteAll('ses_2'))).toBeUndefined();
    expect((await rejection(service.consume(request.id, use(deleteAll('ses_2'), service)), ApprovalError)).code).toBe('approval_final');

    expect((await service.consume(request.id, use(ctx, service))).state.status).toBe('used');
    expect(await service.inputFor(ctx)).toBeUndefined();
    expect((await rejection(service.consume(request.id, use(ctx, service)), ApprovalError)).message).toMatch(/is used, not approved/);

    expect(await approvalActions(store, request.id)).toEqual(['requested:ci-backup', 'approved:bob', 'used:ci-backup']);
    await store.close();
  });

  it('does not admit a different statement', async () => {
    const { store, service } = await harness();
    const request = await service.request(deleteAll(), required());
    await service.approve(request.id, bob);
    const other = { ...deleteAll(), operation: { kind: 'postgres', action: 'write', postgres: { text: 'DELETE FROM public.users' } } };
    expect(await service.inputFor(other)).toBeUndefined();
    expect((await rejection(service.consume(request.id, use(other, service)), ApprovalError)).message).toMatch(/different operation/);
    await store.close();
  });
});

describe('deciding', () => {
  it('a denial is final and shows as rejected to the policy', async () => {
    const { store, service } = await harness();
    const ctx = deleteAll();
    const request = await service.request(ctx, required());
    const denied = await service.deny(request.id, bob, 'not during business hours');
    expect(denied.state).toMatchObject({ status: 'denied', deniedBy: 'bob' });
    expect(await service.inputFor(ctx)).toEqual({ id: request.id, status: 'rejected', approved_by: [] });
    expect((await rejection(service.approve(request.id, dana), ApprovalError)).code).toBe('approval_final');
    expect((await rejection(service.consume(request.id, use(ctx, service)), ApprovalError)).code).toBe('approval_final');
    // The late vote is refused, and audited as refused.
    expect(await approvalActions(store, request.id)).toEqual(['requested:ci-backup', 'denied:bob', 'refused:dana']);
    await store.close();
  });

  it('expires a pending request at its deadline, and that is final', async () => {
    const { store, service, clock } = await harness();
    const ctx = deleteAll();
    const request = await service.request(ctx, required({ ttl_seconds: 60 }));
    clock.now = new Date(T0.getTime() + 59_999);
    expect(await service.expireDue()).toEqual([]);
    clock.now = new Date(T0.getTime() + 60_000);
    expect((await service.expireDue()).map((a) => [a.id, a.state.status])).toEqual([[request.id, 'expired']]);
    expect(await service.expireDue()).toEqual([]);
    const expired = await service.waitFor(request.id);
    expect(expired.state.status).toBe('expired');
    expect(await service.inputFor(ctx)).toBeUndefined();
    expect((await rejection(service.approve(request.id, bob), ApprovalError)).code).toBe('approval_final');
    expect(await approvalActions(store, request.id)).toEqual(['requested:ci-backup', 'expired:taskgate', 'refused:bob']);
    await store.close();
  });

  it('refuses self-approval even when the policy would allow it', async () => {
    const { store, service } = await harness();
    const dbaRequester = person('ci-backup', ['dba']);
    const request = await service.request(deleteAll('ses_1', dbaRequester), required());
    const err = await rejection(service.approve(request.id, dbaRequester), ApprovalError);
    expect(err.code).toBe('self_approval');
    expect(err.message).toMatch(/someone else must/);
    expect((await service.get(request.id))!.state.status).toBe('pending');
    await store.close();
  });

  it('refuses an approver that data.taskgate.approve does not allow', async () => {
    const { store, service } = await harness();
    const request = await service.request(deleteAll(), required());
    const err = await rejection(service.approve(request.id, mallory), ApprovalError);
    expect(err.code).toBe('approver_not_allowed');
    expect(err.message).toContain('mallory is not one of the approvers this request names (group:dba)');
    expect((await rejection(service.deny(request.id, mallory), ApprovalError)).code).toBe('approver_not_allowed');
    // Refused votes change nothing, but each is in the audit log with why.
    expect(await approvalActions(store, request.id)).toEqual(['requested:ci-backup', 'refused:mallory', 'refused:mallory']);
    const [refusedRecord] = (await store.list({ kind: 'approval' })).filter((r) => r.approvalId === request.id && r.actor === 'mallory');
    expect(refusedRecord.detail).toMatchObject({ action: 'refused', reason: expect.stringContaining('approve refused (approver_not_allowed)') });
    await store.close();
  });

  it('needs min distinct approvers', async () => {
    const { store, service } = await harness();
    const ctx = deleteAll();
    const request = await service.request(ctx, required({ min: 2 }));
    expect((await service.approve(request.id, bob)).state).toMatchObject({ status: 'pending', approvedBy: ['bob'] });
    const again = await rejection(service.approve(request.id, bob), ApprovalError);
    expect([again.code, again.message]).toEqual(['already_voted', expect.stringMatching(/bob already approved/)]);
    expect((await rejection(service.consume(request.id, use(ctx, service)), ApprovalError)).code).toBe('approval_final');
    expect((await service.approve(request.id, dana)).state).toMatchObject({ status: 'approved', approvedBy: ['bob', 'dana'] });
    expect(await service.inputFor(ctx)).toEqual({ id: request.id, status: 'approved', approved_by: ['bob', 'dana'] });
    await store.close();
  });

  it('withdraws a pending request when the client goes away, for good', async () => {
    const { store, service } = await harness();
    const ctx = deleteAll();
    const request = await service.request(ctx, required());
    const controller = new AbortController();
    const waiting = service.waitFor(request.id, controller.signal);
    controller.abort(new Error('client gone'));
    await expect(waiting).rejects.toThrow('client gone');
    expect((await service.withdraw(request.id)).state.status).toBe('withdrawn');
    expect((await rejection(service.approve(request.id, bob), ApprovalError)).code).toBe('approval_final');
    expect(await service.inputFor(ctx)).toBeUndefined();
    await store.close();
  });
});

describe('window', () => {
  it('admits the same operation again for that identity and task until the window ends', async () => {
    const { store, service, clock } = await harness();
    const first = deleteAll('ses_1');
    const request = await service.request(first, required({ scope: 'window', ttl_seconds: 600 }));
    clock.now = new Date(T0.getTime() + 100_000);
    await service.approve(request.id, bob);

    const later = deleteAll('ses_2');
    expect(await service.inputFor(later)).toMatchObject({ id: request.id, status: 'approved' });
    await service.consume(request.id, use(first, service));
    expect((await service.consume(request.id, use(later, service))).state.status).toBe('approved');

    // Another identity, or the same identity under another task, gets nothing from it.
    const stranger = deleteAll('ses_3', person('intern'));
    expect(await service.inputFor(stranger)).toBeUndefined();
    expect((await rejection(service.consume(request.id, use(stranger, service)), ApprovalError)).message).toMatch(/another task/);
    const otherTask = { ...later, task: { id: 'tsk_2', name: 'other' } };
    expect(await service.inputFor(otherTask)).toBeUndefined();

    // The window is ttl_seconds from the approval, not from the request.
    clock.now = new Date(T0.getTime() + 100_000 + 600_000);
    expect(await service.inputFor(later)).toBeUndefined();
    expect((await rejection(service.consume(request.id, use(later, service)), ApprovalError)).code).toBe('approval_final');
    expect((await service.get(request.id))!.state.status).toBe('expired');
    await store.close();
  });
});

describe('restart', () => {
  it('keeps a pending request across a decider restart, and a waiter on the new one gets the answer', async () => {
    const before = await harness();
    const ctx = deleteAll();
    const request = await before.service.request(ctx, required());
    await before.store.close();

    const after = await harness(before.file);
    expect(await after.service.list({ pending: true })).toMatchObject([{ id: request.id, state: { status: 'pending' } }]);
    const waiting = after.service.waitFor(request.id);
    await after.service.approve(request.id, bob);
    expect((await waiting).state.status).toBe('approved');
    expect((await after.store.verify()).ok).toBe(true);
    await after.store.close();
  });

  it('shows approvers the bound parameters they approve, also after a restart', async () => {
    const before = await harness();
    const ctx: OperationContext = { ...deleteAll(), parameters: [7, 'pending'] };
    const request = await before.service.request(ctx, required());
    await before.store.close();

    const after = await harness(before.file);
    const [listed] = await after.service.list({ pending: true });
    expect(approvalDocument(listed)).toMatchObject({ id: request.id, parameters: [7, 'pending'] });
    expect(requestDocument(listed)).toMatchObject({ id: request.id, parameters: [7, 'pending'] });
    // Without bound parameters the documents have none to show.
    const plain = await after.service.request(deleteAll('ses_2'), required());
    expect(approvalDocument(plain)).not.toHaveProperty('parameters');
    await after.store.close();
  });

  it('keeps requests and their events append-only in the database itself', async () => {
    const { store, service, file } = await harness();
    const request = await service.request(deleteAll(), required());
    await service.approve(request.id, bob);
    await store.close();
    const db = await SqliteConnection.open(file, { busyTimeoutMs: 1000 });
    try {
      await expect(db.run("UPDATE approvals SET min_approvals = 0")).rejects.toThrow(/immutable/);
      await expect(db.run("DELETE FROM approval_events")).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
    }
  });

  it('a waiter sees a decision made by another process sharing the store', async () => {
    const decider = await harness();
    const cli = await harness(decider.file);
    const request = await decider.service.request(deleteAll(), required());
    const waiting = decider.service.waitFor(request.id);
    await cli.service.deny(request.id, bob);
    expect((await waiting).state.status).toBe('denied');
    await cli.store.close();
    await decider.store.close();
  });
});

describe('webhook', () => {
  it('posts each new request and its outcome, signed with the shared secret', async () => {
    const secret = 'correct horse battery staple';
    const received: { body: string; timestamp: string | undefined; signature: string | undefined }[] = [];
    let failuresLeft = 1;
    const server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (failuresLeft-- > 0) {
        res.writeHead(503).end();
        return;
      }
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
        signature: req.headers[SIGNATURE_HEADER] as string | undefined,
      });
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const webhook = new ApprovalWebhook({ url: `http://127.0.0.1:${port}/hook`, secret, initialBackoffMs: 20, log: () => {} });
    const { store, service } = await harness(tempDbFile(), { webhook });
    try {
      const request = await service.request(deleteAll(), required());
      await service.approve(request.id, bob);
      await webhook.idle();

      expect(received).toHaveLength(2);
      for (const delivery of received) {
        expect(verifyWebhookSignature(secret, delivery, delivery.body)).toBe(true);
        expect(verifyWebhookSignature('wrong secret', delivery, delivery.body)).toBe(false);
        expect(verifyWebhookSignature(secret, delivery, delivery.body.replace('ci-backup', 'ci-backuq'))).toBe(false);
        const muchLater = new Date(Number(delivery.timestamp) * 1000 + 3_600_000);
        expect(verifyWebhookSignature(secret, delivery, delivery.body, { now: muchLater })).toBe(false);
      }
      const bodies = received.map((d) => JSON.parse(d.body) as WebhookBody).sort((a, b) => a.type.localeCompare(b.type));
      expect(bodies[0]).toMatchObject({ type: 'approval.decided', approval: { id: request.id, status: 'approved', approved_by: ['bob'] } });
      expect(bodies[1]).toMatchObject({
        type: 'approval.requested',
        approval: { id: request.id, status: 'pending', requester: 'ci-backup', approvers: ['group:dba'], task: 'orders-cleanup' },
      });
    } finally {
      await store.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('never blocks on a receiver that is down', async () => {
    const webhook = new ApprovalWebhook({ url: 'http://127.0.0.1:1/hook', secret: 's', maxAttempts: 2, initialBackoffMs: 10, log: () => {} });
    const { store, service } = await harness(tempDbFile(), { webhook });
    const started = Date.now();
    const request = await service.request(deleteAll(), required());
    expect(request.state.status).toBe('pending');
    expect(Date.now() - started).toBeLessThan(1000);
    await webhook.idle();
    await store.close();
  });
});

describe('decideWithApprovals with the shipped policy', () => {
  let engine: Engine;
  beforeAll(async () => {
    const loaded = await loadPolicySource({ kind: 'directory', path: 'policies' });
    engine = await loadEngine(loaded.wasm, loaded.data);
  }, 120_000);

  function policyInput(ctx: OperationContext, approval: unknown) {
    return {
      identity: ctx.identity,
      task: {
        id: 'tsk_1', name: 'orders-cleanup', purpose: 'clean up', issued_at: '2026-11-29T09:00:00Z', expires_at: '2026-11-29T11:00:00Z',
        grants: [{ resource: 'orders-db', actions: ['write'], objects: ['public.orders'] }],
      },
      resource: { name: 'orders-db', kind: 'postgres', labels: { env: 'prod' } },
      operation: ctx.operation,
      session: { id: ctx.sessionId, shim: 'postgres', source_ip: '127.0.0.1', started_at: '2026-11-29T09:59:00Z' },
      ...(approval === undefined ? {} : { approval }),
      now: '2026-11-29T10:00:00Z',
    };
  }

  const deleteEverything: OperationContext = {
    ...deleteAll(),
    operation: {
      kind: 'postgres', action: 'write',
      postgres: { text: 'DELETE FROM public.orders', fingerprint: 'f1',
        statements: [{ command: 'DELETE', reads: [], writes: ['public.orders'], columns: [], functions: [], settings: [], has_where: false }] },
    },
  };

  function decide(service: ApprovalService, ctx: OperationContext) {
    return decideWithApprovals(service, ctx, (approval): Decision =>
      validateDecision(engine.evaluate(policyInput(ctx, approval), DECISION_ENTRYPOINT)));
  }

  it('holds, reuses the pending request, allows once after approval, then holds the replay again', async () => {
    const { store, service } = await harness();
    const held = await decide(service, deleteEverything);
    expect(held.decision.verdict).toBe('require_approval');
    expect(held.decision.reasons.at(-1)).toContain(`taskgate approve ${held.approvalId}`);
    expect((await decide(service, deleteEverything)).approvalId).toBe(held.approvalId);

    await service.approve(held.approvalId!, bob);
    const allowed = await decide(service, deleteEverything);
    expect(allowed.decision.verdict).toBe('allow');
    expect(allowed.decision.reasons[0]).toContain(`approved by bob (approval ${held.approvalId})`);
    expect((await service.get(held.approvalId!))!.state.status).toBe('used');

    const replay = await decide(service, deleteEverything);
    expect(replay.decision.verdict).toBe('require_approval');
    expect(replay.approvalId).not.toBe(held.approvalId);
    await store.close();
  });

  it('denies once the request is denied', async () => {
    const { store, service } = await harness();
    const held = await decide(service, deleteEverything);
    await service.deny(held.approvalId!, bob, 'no');
    const after = await decide(service, deleteEverything);
    expect(after.decision.verdict).toBe('deny');
    expect(after.decision.reasons.join()).toContain('was rejected');
    await store.close();
  });
});

describe('approvals configuration', () => {
  const env = { HOOK_SECRET: 'a-long-random-shared-secret' };
  it('reads the webhook URL and takes the secret from the environment', () => {
    const settings = validateApprovalsConfig({ webhook: { url: 'https://chat.example/hook', secret_env: 'HOOK_SECRET' } }, { baseDir: '.', env });
    expect(settings.webhook).toEqual({ url: 'https://chat.example/hook', secret: env.HOOK_SECRET, maxAttempts: 5 });
    expect(validateApprovalsConfig(undefined, { baseDir: '.', env })).toEqual({});
  });

  it.each([
    [{ webhook: { url: 'ftp://x', secret_env: 'HOOK_SECRET' } }, /http:\/\/ or https:\/\//],
    [{ webhook: { url: 'https://x' } }, /exactly one of secret_env and secret_file/],
    [{ webhook: { url: 'https://x', secret_env: 'NOT_SET' } }, /NOT_SET is not set/],
    [{ webhook: { url: 'https://x', secret_file: '/nonexistent/secret' } }, /cannot read/],
    [{ webhook: { url: 'https://x', secret_env: 'HOOK_SECRET', retries: 3 } }, /unknown key "retries"/],
  ])('refuses %j', (raw, message) => {
    expect(() => validateApprovalsConfig(raw, { baseDir: '.', env })).toThrow(ApprovalsConfigError);
    expect(() => validateApprovalsConfig(raw, { baseDir: '.', env })).toThrow(message);
  });
});
