// The decider over real gRPC: the shipped policy's four verdicts, refusals, request validation, streams, health
// and metrics; then a policy built to misbehave, to show every failure comes back deny.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, credentials, status } from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDecider, DeciderCallError, type DeciderClient } from '../decider/server/client.js';
import { loadProtos } from '../decider/server/proto.js';
import { cli, httpOperation, issueToken, pgOperation, removeTempDirs, startTestDecider, taskIdOf, tempDir, writePolicy, type TestDecider } from './fixtures/decider/harness.js';
import { rejection } from './fixtures/rejection.js';

afterAll(removeTempDirs);


describe('decider with the shipped policy', () => {
  let decider: TestDecider;
  let client: DeciderClient;
  const dataDir = join(tempDir(), 'var');

  beforeAll(async () => {
    decider = await startTestDecider({ dataDir, resources: [{ name: 'orders-db', kind: 'postgres', labels: { env: 'prod' } }] });
    expect(decider.decider.initialLoad.status).toBe('loaded');
    client = connectDecider(decider.address);
  });
  afterAll(async () => {
    client?.close();
    await decider?.close();
  });

  async function session(grants: string[], resource = 'orders-db', kind = 'postgres') {
    const token = await issueToken(dataDir, 'nightly-orders-backup', grants);
    const opened = await client.openSession({ credential: token, resource, kind, source_ip: '10.0.0.7', shim_id: 'pg-1' });
    return { token, sessionId: opened.session_id, opened };
  }

  it('allows what the task grants, and audits it before answering', async () => {
    const { sessionId, opened } = await session(['orders-db:read:public.orders']);
    expect(JSON.parse(opened.identity_json)).toMatchObject({ subject: 'ci-bot', issuer: 'taskgate', method: 'task-token' });
    expect(JSON.parse(opened.task_json)).toMatchObject({ name: 'nightly-orders-backup', grants: [{ resource: 'orders-db', actions: ['read'] }] });
    const d = await client.decide({ request_id: '7', session_id: sessionId, operation_json: pgOperation('SELECT', { reads: ['public.orders'] }, [['public.orders', 'id', 'select']]) });
    expect(d).toMatchObject({ request_id: '7', verdict: 'allow', error_code: '', masks_json: '' });
    expect(d.reasons).toEqual(['task nightly-orders-backup grants read on orders-db (public.orders)']);
    expect(d.policy_revision).toBe(decider.decider.engine.current?.revision);
    const [record] = await decider.store.list({ verdict: 'allow' });
    expect(record).toMatchObject({
      seq: Number(d.audit_seq), kind: 'decision', sessionId, subject: 'ci-bot', taskName: 'nightly-orders-backup',
      resource: 'orders-db', operationKind: 'postgres', operationAction: 'read', verdict: 'allow', policyRevision: d.policy_revision,
    });
  });

  it('denies what the task does not grant, saying which grant is missing', async () => {
    const { sessionId } = await session(['orders-db:read:public.orders']);
    const d = await client.decide({ session_id: sessionId, operation_json: pgOperation('DELETE', { writes: ['public.orders'] }, [['public.orders', 'id', 'filter']], true) });
    expect(d.verdict).toBe('deny');
    expect(d.reasons.join('\n')).toContain('--grant orders-db:write:public.orders');
    expect(Number(d.audit_seq)).toBeGreaterThan(0);
  });

  it('masks catalogued columns', async () => {
    const { sessionId } = await session(['orders-db:read:public.users']);
    const d = await client.decide({
      session_id: sessionId,
      operation_json: pgOperation('SELECT', { reads: ['public.users'] }, [['public.users', 'id', 'select'], ['public.users', 'email', 'select']]),
    });
    expect(d.verdict).toBe('mask');
    expect(JSON.parse(d.masks_json)).toEqual([{ table: 'public.users', column: 'email', method: 'email' }]);
  });

  it('holds risky operations for approval, with who may approve', async () => {
    const { sessionId } = await session(['orders-db:write:public.orders']);
    const d = await client.decide({ session_id: sessionId, operation_json: pgOperation('DELETE', { writes: ['public.orders'] }) });
    expect(d.verdict).toBe('require_approval');
    expect(d.approval_id).toMatch(/^apr_/);
    expect(JSON.parse(d.approval_json)).toMatchObject({ id: d.approval_id, status: 'pending', approvers: ['group:dba'], min: 1, ttl_seconds: 900, scope: 'once' });
    expect(d.reasons[0]).toContain('needs approval');
  });

  it('refuses bad credentials at OpenSession with the reason in the trailer', async () => {
    const malformed = await rejection(client.openSession({ credential: 'not-a-jwt', resource: 'orders-db', kind: 'postgres' }), DeciderCallError);
    expect(malformed.grpcCode).toBe(status.UNAUTHENTICATED);
    expect(malformed.reason).toBe('malformed_token');

    const { token } = await session(['orders-db:read']);
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const bad = await rejection(client.openSession({ credential: tampered, resource: 'orders-db', kind: 'postgres' }), DeciderCallError);
    expect(bad.grpcCode).toBe(status.UNAUTHENTICATED);
    expect(bad.reason).toBe('bad_signature');

    const noGrant = await rejection(client.openSession({ credential: token, resource: 'billing-api', kind: 'http' }), DeciderCallError);
    expect(noGrant.grpcCode).toBe(status.PERMISSION_DENIED);
    expect(noGrant.reason).toBe('no_grant_for_resource');

    const wrongKind = await rejection(client.openSession({ credential: token, resource: 'orders-db', kind: 'ssh' }), DeciderCallError);
    expect(wrongKind.grpcCode).toBe(status.INVALID_ARGUMENT);
  });

  it('denies a revoked task at its next operation (audited), and refuses new sessions for it', async () => {
    const { token, sessionId } = await session(['orders-db:read:public.orders']);
    const op = pgOperation('SELECT', { reads: ['public.orders'] });
    expect((await client.decide({ session_id: sessionId, operation_json: op })).verdict).toBe('allow');
    const revoked = await cli(['task', 'revoke', taskIdOf(token), '--reason', 'leaked in a log', '--data-dir', dataDir]);
    expect(revoked.code).toBe(0);
    const d = await client.decide({ session_id: sessionId, operation_json: op });
    expect(d.verdict).toBe('deny');
    expect(d.reasons[0]).toMatch(/was revoked by \S+ at \S+ \(leaked in a log\)/);
    const [record] = (await decider.store.list({ verdict: 'deny' })).filter((r) => r.seq === Number(d.audit_seq));
    expect(record.reasons?.[0]).toContain('revoked');
    const again = await rejection(client.openSession({ credential: token, resource: 'orders-db', kind: 'postgres' }), DeciderCallError);
    expect(again.grpcCode).toBe(status.UNAUTHENTICATED);
    expect(again.reason).toBe('task_revoked');
  });

  it('refuses malformed and oversized requests with INVALID_ARGUMENT and keeps serving', async () => {
    const { sessionId } = await session(['orders-db:read:public.orders']);
    const cases: Array<[string, string, string]> = [
      ['{"kind": "postgres"', 'invalid_operation', 'not JSON'],
      ['[1,2]', 'invalid_operation', 'JSON object'],
      [httpOperation('GET', '/x'), 'invalid_operation', 'postgres resource'],
      [JSON.stringify({ kind: 'postgres', postgres: { text: 'x'.repeat(1024 * 1024) } }), 'operation_too_large', 'limit'],
      ['', 'invalid_operation', 'empty'],
    ];
    for (const [operation_json, reason, text] of cases) {
      const e = await rejection(client.decide({ session_id: sessionId, operation_json }), DeciderCallError);
      expect(e.grpcCode).toBe(status.INVALID_ARGUMENT);
      expect(e.reason).toBe(reason);
      expect(e.message).toContain(text);
    }
    const unknown = await rejection(client.decide({ session_id: 'ses_doesnotexist', operation_json: '{}' }), DeciderCallError);
    expect(unknown.grpcCode).toBe(status.NOT_FOUND);
    expect(unknown.reason).toBe('unknown_session');
    const tooBig = await rejection(client.decide({ session_id: sessionId, operation_json: 'x'.repeat(3 * 1024 * 1024) }), DeciderCallError);
    expect(tooBig.grpcCode).toBe(status.RESOURCE_EXHAUSTED);
    expect((await client.decide({ session_id: sessionId, operation_json: pgOperation('SELECT', { reads: ['public.orders'] }) })).verdict).toBe('allow');
  });

  it('answers a stream by request_id, reports bad requests per request, and keeps the stream open', async () => {
    const { sessionId } = await session(['orders-db:read:public.orders']);
    const stream = client.stream();
    const allow = pgOperation('SELECT', { reads: ['public.orders'] });
    const deny = pgOperation('SELECT', { reads: ['public.secrets'] });
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        stream.decide({ session_id: i % 10 === 9 ? 'ses_gone' : sessionId, operation_json: i % 3 === 0 ? deny : i % 10 === 5 ? 'nope' : allow }),
      ),
    );
    answers.forEach((a, i) => {
      if (i % 10 === 9) expect(a.error_code).toBe('unknown_session');
      else if (i % 3 === 0) expect(a.verdict).toBe('deny');
      else if (i % 10 === 5) expect(a).toMatchObject({ verdict: '', error_code: 'invalid_operation' });
      else expect(a.verdict).toBe('allow');
    });
    expect((await stream.decide({ session_id: sessionId, operation_json: allow })).verdict).toBe('allow');
    stream.end();
  });

  it('survives bytes that are not a DecideRequest on a stream', async () => {
    const { sessionId } = await session(['orders-db:read:public.orders']);
    const raw = new Client(decider.address, credentials.createInsecure());
    const call = raw.makeBidiStreamRequest('/taskgate.v1.Decider/DecideStream', (b: Buffer) => b, (b: Buffer) => b);
    const ended = new Promise<{ code: number }>((resolve) => {
      call.on('error', (e: { code: number }) => resolve(e));
      call.on('data', () => undefined);
    });
    call.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect((await ended).code).not.toBe(status.OK);
    raw.close();
    expect((await client.decide({ session_id: sessionId, operation_json: pgOperation('SELECT', { reads: ['public.orders'] }) })).verdict).toBe('allow');
  });

  it('gives up on a request past its deadline without harm', async () => {
    const { sessionId } = await session(['orders-db:read:public.orders']);
    const late = await rejection(client.decide({ session_id: sessionId, operation_json: pgOperation('SELECT', { reads: ['public.orders'] }) }, 0), DeciderCallError);
    expect(late.grpcCode).toBe(status.DEADLINE_EXCEEDED);
    expect((await client.decide({ session_id: sessionId, operation_json: pgOperation('SELECT', { reads: ['public.orders'] }) })).verdict).toBe('allow');
  });

  it('serves grpc.health.v1, /healthz and /metrics', async () => {
    const Health = loadProtos().health;
    const health = new Health(decider.address, credentials.createInsecure()) as unknown as {
      Check(req: { service: string }, cb: (e: Error | null, r: { status: string }) => void): void;
      close(): void;
    };
    const check = (service: string) => new Promise<{ status: string }>((resolve, reject) => health.Check({ service }, (e, r) => (e ? reject(e) : resolve(r))));
    expect(await check('')).toEqual({ status: 'SERVING' });
    expect(await check('taskgate.v1.Decider')).toEqual({ status: 'SERVING' });
    await expect(check('nope')).rejects.toMatchObject({ code: status.NOT_FOUND });
    health.close();

    const base = `http://${decider.decider.httpAddress}`;
    const healthz = await fetch(`${base}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toEqual({ status: 'ok', policy_revision: decider.decider.engine.current?.revision });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/taskgate_decisions_total\{verdict="allow"\} [1-9]/);
    expect(metrics).toMatch(/taskgate_decisions_total\{verdict="mask"\} [1-9]/);
    expect(metrics).toContain(`taskgate_policy_info{revision="${decider.decider.engine.current?.revision}"} 1`);
    expect(metrics).toMatch(/taskgate_decision_duration_seconds_count [1-9]/);
    expect(metrics).toContain('taskgate_audit_write_failures_total 0');
    expect(metrics).toContain('taskgate_policy_reloads_total{status="loaded"} 1');
  });

  it('answers `taskgate decide` with the decision as JSON, and says why a refusal happened', async () => {
    const token = await issueToken(dataDir, 'nightly-orders-backup', ['orders-db:read:public.orders']);
    const file = join(tempDir(), 'op.json');
    writeFileSync(file, pgOperation('DELETE', { writes: ['public.orders'] }, [], true));
    const args = ['decide', '--resource', 'orders-db', '--kind', 'postgres', '--operation', file, '--decider', decider.address];
    const decided = await cli([...args, '--token', token]);
    expect(decided.code, decided.stderr).toBe(0);
    const printed = JSON.parse(decided.stdout);
    expect(printed).toMatchObject({ verdict: 'deny', mask: [], policy_revision: decider.decider.engine.current?.revision, identity: { subject: 'ci-bot' }, task: { name: 'nightly-orders-backup' } });
    expect(printed.reasons[0]).toContain('has no grant for write on orders-db');
    expect(printed.audit_seq).toBeGreaterThan(0);

    const refused = await cli([...args, '--token', 'garbage']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refused: malformed_token');
    const usage = await cli(['decide', '--resource', 'orders-db', '--kind', 'mysql', '--operation', file, '--token', token]);
    expect(usage.code).toBe(2);
  });

  it('leaves an audit chain that verifies', async () => {
    expect(await decider.store.verify()).toMatchObject({ ok: true });
  });
});

const MISBEHAVING_POLICY = `package taskgate

path := input.operation.http.path

decision := {"verdict": "allow", "reasons": ["ok"], "mask": []} if path == "/ok"
decision := {"verdict": "allow", "reasons": [json.marshal(object.remove(input, {"operation"}))], "mask": []} if path == "/echo"
decision := "allow" if path == "/string"
decision := {"verdict": "allow"} if path == "/no-reasons"
decision := {"verdict": "yes", "reasons": [], "mask": []} if path == "/bad-verdict"
decision := {"verdict": "mask", "reasons": [], "mask": []} if path == "/empty-mask"
decision := {"verdict": "mask", "reasons": [], "mask": [{"table": "public.t", "column": "c", "method": "rot13"}]} if path == "/bad-method"
decision := {"verdict": "require_approval", "reasons": ["risky"], "mask": []} if path == "/no-approval"
decision := {"verdict": "deny", "reasons": [], "mask": []} if path == "/silent-deny"
decision := {"verdict": "allow", "reasons": ["a"], "mask": []} if path == "/conflict"
decision := {"verdict": "deny", "reasons": ["b"], "mask": []} if path == "/conflict"
`;

describe('decider failing closed', () => {
  let decider: TestDecider;
  let client: DeciderClient;
  let sessionId: string;
  const root = tempDir();
  const dataDir = join(root, 'var');

  beforeAll(async () => {
    writePolicy(join(root, 'policy'), { 'decision.rego': MISBEHAVING_POLICY });
    decider = await startTestDecider({ dataDir, policies: join(root, 'policy'), resources: [{ name: 'api', kind: 'http', labels: { env: 'prod' } }] });
    expect(decider.decider.initialLoad.status).toBe('loaded');
    client = connectDecider(decider.address);
    const token = await issueToken(dataDir, 'api-task', ['api:read']);
    sessionId = (await client.openSession({ credential: token, resource: 'api', kind: 'http', source_ip: '10.1.2.3', shim_id: 'http-1' })).session_id;
  });
  afterAll(async () => {
    client?.close();
    await decider?.close();
  });

  const ask = (path: string) => client.decide({ session_id: sessionId, operation_json: httpOperation('GET', path) });

  it('allows only a well-formed allow', async () => {
    expect(await ask('/ok')).toMatchObject({ verdict: 'allow', reasons: ['ok'] });
  });

  it('builds input as the policy contract says: identity, task, resource with labels, session, now', async () => {
    const before = Date.now();
    const input = JSON.parse((await ask('/echo')).reasons[0]);
    expect(Object.keys(input).sort()).toEqual(['identity', 'now', 'resource', 'session', 'task']);
    expect(input.identity).toMatchObject({ subject: 'ci-bot', issuer: 'taskgate', groups: [], method: 'task-token' });
    expect(input.task).toMatchObject({ name: 'api-task', purpose: '', grants: [{ resource: 'api', actions: ['read'] }] });
    expect(input.task.id).toMatch(/^tsk_/);
    expect(input.resource).toEqual({ name: 'api', kind: 'http', labels: { env: 'prod' } });
    expect(input.session).toEqual({ id: sessionId, shim: 'http', source_ip: '10.1.2.3', started_at: expect.stringMatching(/Z$/) });
    expect(Date.parse(input.now)).toBeGreaterThanOrEqual(before - 1000);
    expect(input.now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('reads a key the shim sent twice as its last value, for the policy and the audit record alike', async () => {
    const http = (path: string) => `{"method": "GET", "path": "${path}", "query": {}, "headers": {}}`;
    const operation_json = `{"kind": "http", "action": "read", "http": ${http('/conflict')}, "http": ${http('/ok')}}`;
    const d = await client.decide({ session_id: sessionId, operation_json });
    expect(d).toMatchObject({ verdict: 'allow', reasons: ['ok'] });
    const record = (await decider.store.list({ kind: 'decision' })).find((r) => r.seq === Number(d.audit_seq));
    expect(record?.operation).toEqual({ kind: 'http', action: 'read', http: { method: 'GET', path: '/ok', query: {}, headers: {} } });
  });

  it.each([
    ['/undefined', 'undefined'],
    ['/string', 'not an object'],
    ['/no-reasons', 'reasons'],
    ['/bad-verdict', 'not one of allow, deny, mask, require_approval'],
    ['/empty-mask', 'mask list is empty'],
    ['/bad-method', 'rot13'],
    ['/no-approval', 'require_approval but'],
    ['/conflict', 'evaluating the policy failed (eval_conflict_error'],
  ])('denies %s, naming the cause', async (path, cause) => {
    const d = await ask(path);
    expect(d.verdict).toBe('deny');
    expect(d.reasons.join(' ')).toContain(cause);
    expect(Number(d.audit_seq)).toBeGreaterThan(0);
  });

  it('gives a reason to a deny the policy left without one', async () => {
    const d = await ask('/silent-deny');
    expect(d.verdict).toBe('deny');
    expect(d.reasons[0]).toContain('without giving a reason');
  });

  it('denies when the audit record cannot be written, and counts it', async () => {
    await decider.store.close();
    const d = await ask('/ok');
    expect(d).toMatchObject({ verdict: 'deny', audit_seq: '0' });
    expect(d.reasons[0]).toContain('audit log');
    expect(decider.decider.metrics.render()).toContain('taskgate_audit_write_failures_total 1');
  });
});

describe('decider without a policy', () => {
  it('starts, reports NOT_SERVING and 503, and denies everything', async () => {
    const root = tempDir();
    const dataDir = join(root, 'var');
    writePolicy(join(root, 'policy'), { 'broken.rego': 'package taskgate\n\ndecision := {"verdict": "allow"} if {\n' });
    const decider = await startTestDecider({ dataDir, policies: join(root, 'policy') });
    const client = connectDecider(decider.address);
    try {
      expect(decider.decider.initialLoad.status).toBe('failed');
      expect(decider.logs.join('\n')).toMatch(/broken\.rego:\d+:\d+/);
      expect((await fetch(`http://${decider.decider.httpAddress}/healthz`)).status).toBe(503);
      const health = new (loadProtos().health)(decider.address, credentials.createInsecure()) as unknown as {
        Check(req: { service: string }, cb: (e: Error | null, r: { status: string }) => void): void;
        close(): void;
      };
      const checked = await new Promise((resolve, reject) => health.Check({ service: 'taskgate.v1.Decider' }, (e, r) => (e ? reject(e) : resolve(r))));
      health.close();
      expect(checked).toEqual({ status: 'NOT_SERVING' });
      const token = await issueToken(dataDir, 'api-task', ['api:read']);
      const { session_id } = await client.openSession({ credential: token, resource: 'api', kind: 'http' });
      const d = await client.decide({ session_id, operation_json: httpOperation('GET', '/ok') });
      expect(d.verdict).toBe('deny');
      expect(d.reasons[0]).toContain('no policy loaded');
      expect(d.policy_revision).toBe('');
    } finally {
      client.close();
      await decider.close();
    }
  });
});

describe('decider with an OIDC issuer', () => {
  const ISSUER = 'https://idp.test';
  const AUDIENCE = 'taskgate-test';
  let decider: TestDecider;
  let client: DeciderClient;
  let sign: (claims: Record<string, unknown>, options?: { kid?: string }) => Promise<string>;

  beforeAll(async () => {
    const root = tempDir();
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    writeFileSync(join(root, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
    sign = (claims, options = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'k1' }).sign(privateKey);
    writePolicy(join(root, 'policy'), { 'decision.rego': MISBEHAVING_POLICY });
    decider = await startTestDecider({
      dataDir: join(root, 'var'),
      policies: join(root, 'policy'),
      identity: { oidc: [{ issuer: ISSUER, audience: AUDIENCE, jwks_file: join(root, 'jwks.json') }] },
    });
    client = connectDecider(decider.address);
  });
  afterAll(async () => {
    client?.close();
    await decider?.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: ISSUER, aud: AUDIENCE, sub: 'alice', groups: ['dba'], iat: now(), exp: now() + 600, ...overrides,
  });
  const open = (credential: string) => client.openSession({ credential, resource: 'api', kind: 'http' });

  it('opens a session for a valid ID token, with no task, and decides in it', async () => {
    const opened = await open(await sign(claims()));
    expect(JSON.parse(opened.identity_json)).toMatchObject({ subject: 'alice', issuer: ISSUER, groups: ['dba'], method: 'oidc' });
    expect(opened.task_json).toBe('');
    expect(Date.parse(opened.expires_at)).toBeLessThanOrEqual((now() + 600) * 1000);
    const d = await client.decide({ session_id: opened.session_id, operation_json: httpOperation('GET', '/ok') });
    expect(d.verdict).toBe('allow');
    const [record] = (await decider.store.list({ subject: 'alice' })).slice(-1);
    expect(record).toMatchObject({ issuer: ISSUER, taskId: null, verdict: 'allow' });
  });

  it('refuses every bad token with UNAUTHENTICATED and its own reason', async () => {
    const good = await sign(claims());
    const [header, payload] = good.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims({ sub: 'mallory' }))).toString('base64url')}.${good.split('.')[2]}`;
    const cases: Array<[string, string]> = [
      [unsigned, 'alg_none'],
      [await sign(claims({ iss: 'https://evil.test' })), 'wrong_issuer'],
      [await sign(claims({ aud: 'someone-else' })), 'wrong_audience'],
      [await sign(claims({ iat: now() - 7200, exp: now() - 3600 })), 'expired'],
      [await sign(claims({ nbf: now() + 3600 })), 'not_yet_valid'],
      [tampered, 'bad_signature'],
      [await sign(claims(), { kid: 'k2' }), 'unknown_kid'],
    ];
    for (const [token, reason] of cases) {
      const e = await rejection(open(token), DeciderCallError);
      expect({ reason: e.reason, code: e.grpcCode }).toEqual({ reason, code: status.UNAUTHENTICATED });
      expect(e.message.length).toBeGreaterThan(20);
    }
  });
});
