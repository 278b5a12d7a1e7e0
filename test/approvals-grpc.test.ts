// Just-in-time approvals through a running decider over real gRPC: a held operation gets a pending request,
// approvers vote with their own verified tokens, WatchApproval tells the waiting client, and the re-ask is
// decided with input.approval. Approvers are OIDC identities (groups come from their ID tokens); the requester
// holds a task token minted by the real CLI.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER, type WebhookBody } from '../decider/approvals/webhook.js';
import { ConfigError, parseConfig } from '../decider/config.js';
import { connectDecider, DeciderCallError, type DeciderClient } from '../decider/server/client.js';
import type { ApprovalReply } from '../decider/server/proto.js';
import { cli, issueToken, pgOperation, removeTempDirs, startTestDecider, tempDir, writePolicy, type TestDecider } from './fixtures/decider/harness.js';

afterAll(removeTempDirs);

const ISSUER = 'https://sso.approvals.test';
const AUDIENCE = 'taskgate-approvals';
const RESOURCES = [{ name: 'orders-db', kind: 'postgres' as const, labels: { env: 'prod' } }];

/** An OIDC provider for approvers: a signing key and its JWKS file, as taskgate.yaml's identity section names it. */
async function identityProvider(root: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  writeFileSync(join(root, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
  const now = () => Math.floor(Date.now() / 1000);
  return {
    identity: { oidc: [{ issuer: ISSUER, audience: AUDIENCE, jwks_file: join(root, 'jwks.json') }] },
    tokenFor: (sub: string, groups: string[]) =>
      new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub, groups, iat: now(), exp: now() + 600 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey),
  };
}

/** A table-driven policy: every write is held, and the table written says how (min, ttl, scope). */
const TABLE_POLICY = `package taskgate

holds := {
	"public.brief": {"approvers": ["group:dba"], "min": 1, "ttl_seconds": 1, "scope": "once"},
	"public.pairs": {"approvers": ["group:dba"], "min": 2, "ttl_seconds": 900, "scope": "once"},
	"public.windowed": {"approvers": ["group:dba"], "min": 1, "ttl_seconds": 900, "scope": "window"},
}

table := input.operation.postgres.statements[0].writes[0]

default decision := {"verdict": "deny", "reasons": ["not a held table"], "mask": []}

decision := {"verdict": "allow", "reasons": ["approved"], "mask": []} if input.approval.status == "approved"

decision := {"verdict": "deny", "reasons": ["the approval was rejected"], "mask": []} if input.approval.status == "rejected"

decision := {"verdict": "require_approval", "reasons": [concat("", ["writes to ", table, " need approval"])], "mask": [], "approval": holds[table]} if {
	not input.approval.status in {"approved", "rejected"}
}
`;

const deleteFrom = (table: string) => pgOperation('DELETE', { writes: [table] });

async function watched(client: DeciderClient, approvalId: string, sessionId = ''): Promise<ApprovalReply> {
  return client.watchApproval({ approval_id: approvalId, session_id: sessionId }).answer;
}

/** Polls until the request has the status (a watch cancelled by the client is acted on asynchronously). */
async function eventually(client: DeciderClient, approvalId: string, wanted: string): Promise<ApprovalReply> {
  let last: ApprovalReply | undefined;
  for (let i = 0; i < 100; i++) {
    last = (await client.listApprovals()).find((a) => a.approval_id === approvalId);
    if (last?.status === wanted) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`approval ${approvalId} is ${last?.status}, not ${wanted}`);
}

describe('approvals over gRPC with the shipped policy', { timeout: 60_000 }, () => {
  let decider: TestDecider;
  let client: DeciderClient;
  let approver: (sub: string, groups: string[]) => Promise<string>;
  let identity: unknown;
  const root = tempDir();
  const dataDir = join(root, 'var');

  beforeAll(async () => {
    const provider = await identityProvider(root);
    approver = provider.tokenFor;
    identity = provider.identity;
    decider = await startTestDecider({ dataDir, resources: RESOURCES, identity });
    client = connectDecider(decider.address);
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await decider?.close();
  });

  /** A requester with a fresh task (so earlier tests' approvals never match) and a session. */
  async function requester(grants = ['orders-db:write:public.orders']) {
    const token = await issueToken(dataDir, 'orders-cleanup', grants);
    const opened = await client.openSession({ credential: token, resource: 'orders-db', kind: 'postgres' });
    return { token, sessionId: opened.session_id };
  }

  it('holds, the approver approves, the watch answers, the re-ask runs once, and a replay is held again', async () => {
    const { sessionId } = await requester();
    const operation = deleteFrom('public.orders');
    const held = await client.decide({ session_id: sessionId, operation_json: operation });
    expect(held.verdict).toBe('require_approval');
    expect(held.approval_id).toMatch(/^apr_/);
    expect(held.reasons.join('\n')).toContain(`taskgate approve ${held.approval_id}`);
    expect(JSON.parse(held.approval_json)).toMatchObject({
      id: held.approval_id, status: 'pending', requester: { subject: 'ci-bot' }, task: { name: 'orders-cleanup' },
      resource: 'orders-db', approvers: ['group:dba'], min: 1, ttl_seconds: 900, scope: 'once', approved_by: [],
    });
    const [heldRecord] = (await decider.store.list({ verdict: 'require_approval' })).filter((r) => r.seq === Number(held.audit_seq));
    expect(heldRecord.approvalId).toBe(held.approval_id);

    // Asking again while it is pending reuses the request rather than piling up new ones.
    const again = await client.decide({ session_id: sessionId, operation_json: operation });
    expect(again.approval_id).toBe(held.approval_id);
    expect((await client.listApprovals(true)).map((a) => a.approval_id)).toContain(held.approval_id);

    const watch = client.watchApproval({ approval_id: held.approval_id, session_id: sessionId });
    const vote = await client.approve({ approval_id: held.approval_id, credential: await approver('bob', ['dba']), reason: 'ticket 42' });
    expect(vote).toMatchObject({ approval_id: held.approval_id, status: 'approved', approved_by: ['bob'], error_code: '' });
    const answer = await watch.answer;
    expect(answer).toMatchObject({ approval_id: held.approval_id, status: 'approved', approved_by: ['bob'] });
    expect(Date.parse(answer.usable_until)).toBeGreaterThan(Date.now());

    const run = await client.decide({ session_id: sessionId, operation_json: operation, approval_id: held.approval_id });
    expect(run).toMatchObject({ verdict: 'allow', approval_id: held.approval_id });
    expect(run.reasons.join('\n')).toContain(`approved by bob (approval ${held.approval_id})`);
    const [runRecord] = (await decider.store.list({ verdict: 'allow' })).filter((r) => r.seq === Number(run.audit_seq));
    expect(runRecord.approvalId).toBe(held.approval_id);

    const replay = await client.decide({ session_id: sessionId, operation_json: operation, approval_id: held.approval_id });
    expect(replay.verdict).toBe('require_approval');
    expect(replay.approval_id).not.toBe(held.approval_id);
    expect(await watched(client, held.approval_id)).toMatchObject({ status: 'used' });

    const actions = (await decider.store.list({ kind: 'approval' }))
      .filter((r) => r.approvalId === held.approval_id)
      .map((r) => `${(r.detail as { action: string }).action}:${r.actor}`);
    expect(actions).toEqual(['requested:ci-bot', 'approved:bob', 'used:ci-bot']);
  });

  it('binds the approval to the bound parameter values', async () => {
    const { sessionId } = await requester();
    const operation = deleteFrom('public.orders');
    const held = await client.decide({ session_id: sessionId, operation_json: operation, parameters_json: '[7]' });
    await client.approve({ approval_id: held.approval_id, credential: await approver('bob', ['dba']) });
    const other = await client.decide({ session_id: sessionId, operation_json: operation, parameters_json: '[8]', approval_id: held.approval_id });
    expect(other.verdict).toBe('require_approval');
    expect(other.approval_id).not.toBe(held.approval_id);
    const same = await client.decide({ session_id: sessionId, operation_json: operation, parameters_json: '[7]', approval_id: held.approval_id });
    expect(same).toMatchObject({ verdict: 'allow', approval_id: held.approval_id });
    const bad = await client.decide({ session_id: sessionId, operation_json: operation, parameters_json: '{"id": 7}' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(bad).toMatchObject({ grpcCode: status.INVALID_ARGUMENT, reason: 'invalid_operation' });
  });

  it('a denial answers the watch and keeps the operation denied', async () => {
    const { sessionId } = await requester();
    const operation = deleteFrom('public.orders');
    const held = await client.decide({ session_id: sessionId, operation_json: operation });
    const watch = client.watchApproval({ approval_id: held.approval_id, session_id: sessionId });
    const vote = await client.deny({ approval_id: held.approval_id, credential: await approver('dana', ['dba']), reason: 'not during business hours' });
    expect(vote).toMatchObject({ status: 'denied', denied_by: 'dana', error_code: '' });
    expect(await watch.answer).toMatchObject({ status: 'denied', denied_by: 'dana' });
    const after = await client.decide({ session_id: sessionId, operation_json: operation, approval_id: held.approval_id });
    expect(after.verdict).toBe('deny');
    expect(after.reasons.join('\n')).toContain(`approval ${held.approval_id} was rejected`);
    expect(after.approval_id).toBe(held.approval_id);
  });

  it('refuses self-approval, approvers the policy does not allow, bad tokens and late votes, and audits each', async () => {
    const { token, sessionId } = await requester();
    const held = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.orders') });
    const id = held.approval_id;

    const self = await client.approve({ approval_id: id, credential: token });
    expect(self).toMatchObject({ error_code: 'self_approval', status: '' });
    expect(self.error_message).toContain('someone else must');
    const outsider = await client.approve({ approval_id: id, credential: await approver('mallory', ['dev']) });
    expect(outsider.error_code).toBe('approver_not_allowed');
    expect(outsider.error_message).toContain('mallory is not one of the approvers this request names (group:dba)');
    const forged = await client.approve({ approval_id: id, credential: (await approver('bob', ['dba'])).slice(0, -4) + 'AAAA' });
    expect(forged.error_code).toBe('unauthenticated');
    const unknown = await client.approve({ approval_id: 'apr_00000000000000000000000000', credential: await approver('bob', ['dba']) });
    expect(unknown.error_code).toBe('approval_not_found');
    const malformed = await client.approve({ approval_id: 'nope', credential: await approver('bob', ['dba']) });
    expect(malformed.error_code).toBe('invalid_request');

    expect((await client.listApprovals(true)).find((a) => a.approval_id === id)).toMatchObject({ status: 'pending' });
    await client.approve({ approval_id: id, credential: await approver('bob', ['dba']) });
    const late = await client.deny({ approval_id: id, credential: await approver('dana', ['dba']) });
    expect(late.error_code).toBe('approval_final');

    const actions = (await decider.store.list({ kind: 'approval' }))
      .filter((r) => r.approvalId === id)
      .map((r) => `${(r.detail as { action: string }).action}:${r.actor}`);
    expect(actions).toEqual(['requested:ci-bot', 'refused:ci-bot', 'refused:mallory', 'approved:bob', 'refused:dana']);
  });

  it('a watch the asking client cancels withdraws the request; a bystander\'s cancel does not', async () => {
    const { sessionId } = await requester();
    const held = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.orders') });
    const bystander = client.watchApproval({ approval_id: held.approval_id });
    await new Promise((r) => setTimeout(r, 200));
    bystander.cancel();
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.listApprovals()).find((a) => a.approval_id === held.approval_id)?.status).toBe('pending');

    const asker = client.watchApproval({ approval_id: held.approval_id, session_id: sessionId });
    await new Promise((r) => setTimeout(r, 200));
    asker.cancel();
    await eventually(client, held.approval_id, 'withdrawn');
    const vote = await client.approve({ approval_id: held.approval_id, credential: await approver('bob', ['dba']) });
    expect(vote.error_code).toBe('approval_final');
    // Withdrawn is final: the same operation asks for a new approval.
    const again = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.orders') });
    expect(again.approval_id).not.toBe(held.approval_id);
  });

  it('taskgate approvals ls, approve and deny work against the running decider', async () => {
    const { sessionId } = await requester();
    const held = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.orders') });
    const at = ['--decider', decider.address];

    const pending = await cli(['approvals', 'ls', '--pending', '--json', ...at]);
    expect(pending.code).toBe(0);
    expect(JSON.parse(pending.stdout)).toContainEqual(expect.objectContaining({ id: held.approval_id, status: 'pending', approvers: ['group:dba'] }));

    const outsider = await cli(['approve', held.approval_id, '--token', await approver('mallory', ['dev']), ...at]);
    expect(outsider).toMatchObject({ code: 1, stderr: expect.stringContaining('mallory is not one of the approvers') });
    const approved = await cli(['approve', held.approval_id, '--token', await approver('bob', ['dba']), '--reason', 'checked', ...at]);
    expect(approved).toMatchObject({ code: 0, stdout: expect.stringContaining(`${held.approval_id} approved (bob)`) });
    const table = await cli(['approvals', 'ls', ...at]);
    expect(table.stdout).toMatch(new RegExp(`${held.approval_id}\\s+approved\\s+ci-bot\\s+orders-cleanup`));
    const late = await cli(['deny', held.approval_id, '--token', await approver('dana', ['dba']), ...at]);
    expect(late).toMatchObject({ code: 1, stderr: expect.stringContaining('already approved') });

    const unreachable = await cli(['approvals', 'ls', '--decider', '127.0.0.1:1']);
    expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringContaining('the decider at 127.0.0.1:1 did not answer') });
  });

  it('keeps a pending request across a decider restart; the client watches again from a new session, gets the answer, runs once', async () => {
    const { token, sessionId } = await requester();
    const operation = deleteFrom('public.orders');
    const held = await client.decide({ session_id: sessionId, operation_json: operation });
    const watch = client.watchApproval({ approval_id: held.approval_id, session_id: sessionId });
    await new Promise((r) => setTimeout(r, 200));
    await decider.close();
    const cut = await watch.answer.then(() => undefined, (e: unknown) => e);
    expect(cut).toBeInstanceOf(DeciderCallError);
    expect((cut as DeciderCallError).grpcCode).toBe(status.UNAVAILABLE);
    client.close();

    decider = await startTestDecider({ dataDir, resources: RESOURCES, identity });
    client = connectDecider(decider.address);
    // The shutdown withdrew nothing: the request waits in the store for the new decider.
    expect((await client.listApprovals(true)).find((a) => a.approval_id === held.approval_id)?.status).toBe('pending');
    const reopened = await client.openSession({ credential: token, resource: 'orders-db', kind: 'postgres' });
    const again = client.watchApproval({ approval_id: held.approval_id, session_id: reopened.session_id });
    await client.approve({ approval_id: held.approval_id, credential: await approver('bob', ['dba']) });
    expect(await again.answer).toMatchObject({ status: 'approved' });

    // Not naming the approval, the new session does not get the once approval of the old one.
    const unnamed = await client.decide({ session_id: reopened.session_id, operation_json: operation });
    expect(unnamed.verdict).toBe('require_approval');
    expect(unnamed.approval_id).not.toBe(held.approval_id);
    const run = await client.decide({ session_id: reopened.session_id, operation_json: operation, approval_id: held.approval_id });
    expect(run).toMatchObject({ verdict: 'allow', approval_id: held.approval_id });
    const replay = await client.decide({ session_id: reopened.session_id, operation_json: operation, approval_id: held.approval_id });
    expect(replay.verdict).toBe('require_approval');
  });
});

describe('approvals over gRPC: min, expiry, window, webhook', { timeout: 180_000 }, () => {
  let decider: TestDecider;
  let client: DeciderClient;
  let approver: (sub: string, groups: string[]) => Promise<string>;
  const root = tempDir();
  const dataDir = join(root, 'var');
  const secret = 'a webhook secret for the test receiver';
  const received: Array<{ body: string; timestamp: string | undefined; signature: string | undefined }> = [];
  const receiver = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ body, timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
    res.writeHead(204).end();
  });

  beforeAll(async () => {
    const provider = await identityProvider(root);
    approver = provider.tokenFor;
    writePolicy(join(root, 'policy'), {
      'decision.rego': TABLE_POLICY,
      'approve.rego': readFileSync('policies/taskgate/approve.rego', 'utf8'),
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    writeFileSync(join(root, 'hook-secret'), secret);
    decider = await startTestDecider({
      dataDir,
      policies: join(root, 'policy'),
      resources: RESOURCES,
      identity: provider.identity,
      approvals: { webhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret_file: join(root, 'hook-secret') } },
    });
    client = connectDecider(decider.address);
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await decider?.close();
    receiver.close();
  });

  async function requester() {
    const token = await issueToken(dataDir, 'maintenance', ['orders-db:write']);
    const opened = await client.openSession({ credential: token, resource: 'orders-db', kind: 'postgres' });
    return { token, sessionId: opened.session_id };
  }

  it('needs min distinct approvers before the watch answers', async () => {
    const { sessionId } = await requester();
    const held = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.pairs') });
    const watch = client.watchApproval({ approval_id: held.approval_id, session_id: sessionId });
    const first = await client.approve({ approval_id: held.approval_id, credential: await approver('bob', ['dba']) });
    expect(first).toMatchObject({ status: 'pending', approved_by: ['bob'] });
    const twice = await client.approve({ approval_id: held.approval_id, credential: await approver('bob', ['dba']) });
    expect(twice.error_code).toBe('already_voted');
    const early = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.pairs'), approval_id: held.approval_id });
    expect(early).toMatchObject({ verdict: 'require_approval', approval_id: held.approval_id });
    await client.approve({ approval_id: held.approval_id, credential: await approver('dana', ['dba']) });
    expect(await watch.answer).toMatchObject({ status: 'approved', approved_by: ['bob', 'dana'] });
    const run = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.pairs'), approval_id: held.approval_id });
    expect(run.verdict).toBe('allow');
  });

  it('answers the watch with expired when nobody decides in time', async () => {
    const { sessionId } = await requester();
    const held = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.brief') });
    const answer = await watched(client, held.approval_id, sessionId);
    expect(answer).toMatchObject({ approval_id: held.approval_id, status: 'expired' });
    const vote = await client.approve({ approval_id: held.approval_id, credential: await approver('bob', ['dba']) });
    expect(vote.error_code).toBe('approval_final');
    const again = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.brief'), approval_id: held.approval_id });
    expect(again.verdict).toBe('require_approval');
    expect(again.approval_id).not.toBe(held.approval_id);
  });

  it('window: the same operation runs again, in any session of that identity and task, but not for another task', async () => {
    const { token, sessionId } = await requester();
    const operation = deleteFrom('public.windowed');
    const held = await client.decide({ session_id: sessionId, operation_json: operation });
    await client.approve({ approval_id: held.approval_id, credential: await approver('bob', ['dba']) });
    for (let i = 0; i < 2; i++) {
      expect(await client.decide({ session_id: sessionId, operation_json: operation })).toMatchObject({ verdict: 'allow', approval_id: held.approval_id });
    }
    const second = await client.openSession({ credential: token, resource: 'orders-db', kind: 'postgres' });
    expect((await client.decide({ session_id: second.session_id, operation_json: operation })).verdict).toBe('allow');
    const other = await requester();
    expect((await client.decide({ session_id: other.sessionId, operation_json: operation })).verdict).toBe('require_approval');
  });

  it('posts each new request and its outcome to the configured webhook, signed', async () => {
    const { sessionId } = await requester();
    const held = await client.decide({ session_id: sessionId, operation_json: deleteFrom('public.pairs') });
    await client.deny({ approval_id: held.approval_id, credential: await approver('bob', ['dba']) });
    let mine: WebhookBody[] = [];
    for (let i = 0; i < 100 && mine.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      mine = received.map((d) => JSON.parse(d.body) as WebhookBody).filter((b) => b.approval.id === held.approval_id);
    }
    expect(mine.map((b) => `${b.type}:${b.approval.status}`).sort()).toEqual(['approval.decided:denied', 'approval.requested:pending']);
    for (const delivery of received) expect(verifyWebhookSignature(secret, delivery, delivery.body)).toBe(true);
  });
});

describe('the approvals section of taskgate.yaml', () => {
  it('is read with the rest of the file, and a bad one stops the decider before it listens', async () => {
    const config = parseConfig('approvals:\n  webhook:\n    url: https://chat.example/hook\n    secret_env: HOOK_SECRET\n', 'taskgate.yaml');
    expect(config.approvals).toEqual({ webhook: { url: 'https://chat.example/hook', secret_env: 'HOOK_SECRET' } });
    const started = await startTestDecider({ approvals: { webhook: { url: 'ftp://chat.example/hook', secret_env: 'HOOK_SECRET' } } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(started).toBeInstanceOf(ConfigError);
    expect((started as Error).message).toContain('approvals.webhook.url must be an http:// or https:// URL');
  });
});
