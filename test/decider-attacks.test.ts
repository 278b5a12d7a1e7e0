// The decider as an attacker sees it: someone who reaches its ports with a compromised shim or one narrow task token
// and tries to get an allow the policy would not give, speak for someone else, use someone else's approval, leave
// no audit record, or wedge the decider. Each case asserts the refusal a user relies on, that the decider still
// serves afterwards, and that the audit chain verifies.
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:http2';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { credentials, status, type ClientDuplexStream } from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey } from '../decider/identity/keys.js';
import { connectDecider, DeciderCallError, type DeciderClient } from '../decider/server/client.js';
import { loadProtos, type DecideBatch, type DecisionBatch } from '../decider/server/proto.js';
import { cli, issueToken, pgOperation, removeTempDirs, startTestDecider, taskIdOf, tempDir, type TestDecider } from './fixtures/decider/harness.js';
import { rejection } from './fixtures/rejection.js';

afterAll(removeTempDirs);

const RESOURCES = [{ name: 'orders-db', kind: 'postgres' as const, labels: { env: 'prod' } }];
const readOrders = pgOperation('SELECT', { reads: ['public.orders'] }, [['public.orders', 'id', 'select']]);

/** `taskgate task issue` for a subject of the test's choosing (the harness's issueToken always says ci-bot). */
async function issueFor(dataDir: string, subject: string, task: string, grants: string[], ttl = '15m'): Promise<string> {
  const issued = await cli(['task', 'issue', '--subject', subject, '--task', task, '--ttl', ttl, '--data-dir', dataDir, ...grants.flatMap((g) => ['--grant', g])]);
  if (issued.code !== 0) throw new Error(`task issue failed: ${issued.stderr}`);
  return issued.stdout.trim();
}

/** A GET sent with its path exactly as written (fetch would resolve dots and percent-escapes first). */
function rawGet(address: string, path: string): Promise<{ status: number; body: string }> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('the decider attacked with the shipped policy', { timeout: 60_000 }, () => {
  let decider: TestDecider;
  let client: DeciderClient;
  const dataDir = join(tempDir(), 'var');

  let shortLived: { token: string; sessionId: string; expiresAt: number };
  /** An OIDC ID token for an approver in group dba, from an identity provider the decider trusts. */
  let dbaToken: (subject: string) => Promise<string>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwks = join(tempDir(), 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
    const now = () => Math.floor(Date.now() / 1000);
    dbaToken = (sub) =>
      new SignJWT({ iss: 'https://sso.attacks.test', aud: 'taskgate', sub, groups: ['dba'], iat: now(), exp: now() + 600 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    const identity = { oidc: [{ issuer: 'https://sso.attacks.test', audience: 'taskgate', jwks_file: jwks }] };
    decider = await startTestDecider({ dataDir, resources: RESOURCES, identity });
    expect(decider.decider.initialLoad.status).toBe('loaded');
    client = connectDecider(decider.address);
    // Opened now, used by the last tests once its 10 s (the shortest task) have run out.
    const token = await issueFor(dataDir, 'ci-bot', 'short-lived', ['orders-db:read:public.orders'], '10s');
    const opened = await client.openSession({ credential: token, resource: 'orders-db', kind: 'postgres' });
    shortLived = { token, sessionId: opened.session_id, expiresAt: Date.parse(opened.expires_at) };
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await decider?.close();
  });

  async function session(grants = ['orders-db:read:public.orders'], subject = 'ci-bot', task = 'nightly-orders-backup') {
    const token = await issueFor(dataDir, subject, task, grants);
    const opened = await client.openSession({ credential: token, resource: 'orders-db', kind: 'postgres', source_ip: '10.0.0.9', shim_id: 'pg-attacked' });
    return { token, sessionId: opened.session_id };
  }

  /** A DecideStream without the client's batching and answer matching, to misbehave with. */
  function rawStream(): ClientDuplexStream<DecideBatch, DecisionBatch> {
    const Decider = loadProtos().decider;
    const raw = new Decider(decider.address, credentials.createInsecure()) as unknown as { DecideStream(): ClientDuplexStream<DecideBatch, DecisionBatch> };
    const call = raw.DecideStream();
    call.on('error', () => undefined);
    return call;
  }

  async function stillServes(): Promise<void> {
    const { sessionId } = await session();
    expect((await client.decide({ session_id: sessionId, operation_json: readOrders })).verdict).toBe('allow');
  }

  it('refuses a token signed with the real key but carrying a critical header it does not understand', async () => {
    const genuine = await issueToken(dataDir, 'nightly-orders-backup', ['orders-db:read:public.orders']);
    const key = await loadSigningKey(dataDir);
    // Same claims, same key: only the header says "you must understand urn:x:scope to trust this". jose refuses to
    // sign such a header, so it is signed by hand.
    const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: key.kid, crit: ['urn:x:scope'], 'urn:x:scope': 'admin' })).toString('base64url');
    const signingInput = `${header}.${genuine.split('.')[1]}`;
    const signature = Buffer.from(await webcrypto.subtle.sign('Ed25519', key.privateKey as CryptoKey, Buffer.from(signingInput))).toString('base64url');
    const crit = `${signingInput}.${signature}`;
    const refused = await rejection(client.openSession({ credential: crit, resource: 'orders-db', kind: 'postgres' }), DeciderCallError);
    expect(refused.grpcCode).toBe(status.UNAUTHENTICATED);
    expect(refused.reason).toBe('malformed_token');
    expect(refused.message).toContain('urn:x:scope');
  });

  it('lets one token hold only its share of the session table, and says so; other holders are not affected', { timeout: 120_000 }, async () => {
    const token = await issueFor(dataDir, 'ci-bot', 'session-hog', ['orders-db:read:public.orders']);
    const open = () => client.openSession({ credential: token, resource: 'orders-db', kind: 'postgres' });
    const opened: string[] = [];
    let refused: DeciderCallError | undefined;
    while (refused === undefined && opened.length < 5000) {
      const round = await Promise.allSettled(Array.from({ length: 64 }, open));
      for (const r of round) {
        if (r.status === 'fulfilled') opened.push(r.value.session_id);
        else refused ??= r.reason as DeciderCallError;
      }
    }
    expect(opened).toHaveLength(1024);
    expect(refused).toBeInstanceOf(DeciderCallError);
    expect(refused!.grpcCode).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused!.reason).toBe('too_many_sessions');
    expect(refused!.message).toContain(`task session-hog (${taskIdOf(token)}) of ci-bot (taskgate) holds 1024 open sessions`);
    // Another task of the same subject, and the hog's own sessions, still work; closing one makes room for one.
    await stillServes();
    expect((await client.decide({ session_id: opened[0], operation_json: readOrders })).verdict).toBe('allow');
    await client.closeSession(opened[0]);
    await open();
    await rejection(open(), DeciderCallError);
    expect(decider.logs.filter((l) => l.includes('internal error'))).toEqual([]);
  });

  it('refuses operation_json nested 100 000 levels deep as invalid, without an internal error, and keeps serving', async () => {
    const { sessionId } = await session();
    const depth = 100_000;
    const deep = `{"kind":"postgres","action":"read","postgres":{"statements":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const refused = await rejection(client.decide({ session_id: sessionId, operation_json: deep }), DeciderCallError);
    expect(refused.grpcCode).toBe(status.INVALID_ARGUMENT);
    expect(refused.reason).toBe('invalid_operation');
    expect(refused.message).toContain('nests deeper than 64 levels');
    // On the stream too: an error for that request, the stream open for the next.
    const stream = client.stream();
    expect(await stream.decide({ session_id: sessionId, operation_json: deep })).toMatchObject({ verdict: '', error_code: 'invalid_operation' });
    expect((await stream.decide({ session_id: sessionId, operation_json: readOrders })).verdict).toBe('allow');
    stream.end();
    expect(decider.logs.filter((l) => l.includes('internal error'))).toEqual([]);
  });

  it('refuses an operation just deep enough to break the approval fingerprint, instead of a deny that blames the store', async () => {
    const { sessionId } = await session(['orders-db:write:public.orders']);
    // 130 levels: within what JSON.stringify and the policy take, past the 128 levels of the canonical encoding
    // that fingerprints an approval; that failure used to answer "the approval could not be recorded".
    const held = JSON.parse(pgOperation('DELETE', { writes: ['public.orders'] })) as { postgres: Record<string, unknown> };
    held.postgres.comment = JSON.parse(`${'['.repeat(130)}${']'.repeat(130)}`);
    const refused = await rejection(client.decide({ session_id: sessionId, operation_json: JSON.stringify(held) }), DeciderCallError);
    expect(refused.reason).toBe('invalid_operation');
    expect(refused.message).toContain('operation_json.postgres.comment[0]');
    const deepValues = await rejection(
      client.decide({ session_id: sessionId, operation_json: pgOperation('DELETE', { writes: ['public.orders'] }), parameters_json: `[${'['.repeat(130)}${']'.repeat(130)}]` }),
      DeciderCallError,
    );
    expect(deepValues.reason).toBe('invalid_operation');
    expect(deepValues.message).toContain('parameters_json[0]');
    expect(decider.logs.filter((l) => l.startsWith('approvals: cannot hold'))).toEqual([]);
  });

  it('refuses numbers too large for a double rather than deciding (and auditing) them as null', async () => {
    const { sessionId } = await session();
    // JSON.parse reads 1e400 as Infinity, which JSON.stringify writes as null: the policy would decide on a value
    // the shim never sent.
    const huge = readOrders.replace('"fingerprint":"f0"', '"fingerprint":1e400');
    const refused = await rejection(client.decide({ session_id: sessionId, operation_json: huge }), DeciderCallError);
    expect(refused.reason).toBe('invalid_operation');
    expect(refused.message).toContain('operation_json.postgres.fingerprint is a number too large');
    const values = await rejection(client.decide({ session_id: sessionId, operation_json: readOrders, parameters_json: '[1, -1e999]' }), DeciderCallError);
    expect(values.message).toContain('parameters_json[1] is a number too large');
  });

  it('refuses bound values that would bind an approval to two different numbers at once', async () => {
    const { sessionId } = await session(['orders-db:write:public.orders']);
    const wipe = pgOperation('DELETE', { writes: ['public.orders'] }, [['public.orders', 'id', 'filter']], true);
    // Each reads as another number once parsed (9007199254740992, 0.1): an approval for one would admit the other.
    for (const value of ['9007199254740993', '0.1000000000000000055511151231257827']) {
      const refused = await rejection(client.decide({ session_id: sessionId, operation_json: wipe, parameters_json: `[${value}]` }), DeciderCallError);
      expect(refused.reason, value).toBe('invalid_operation');
      expect(refused.message, value).toContain('parameters_json[0]');
      expect(refused.message, value).toContain('send it as a string');
    }
    expect((await client.decide({ session_id: sessionId, operation_json: wipe, parameters_json: '["9007199254740993", 7, null]' })).verdict).toBe('allow');
  });

  it('does not take a look-alike or lone-surrogate table name for the granted one, and records exactly what was decided', async () => {
    const { sessionId } = await session();
    const names = ['public.\u03bfrders', 'public.orders\\ud800', 'public.orders\u200b', 'PUBLIC.ORDERS', 'public.orders.', 'public..orders', 'public.*'];
    for (const table of names) {
      const operation = pgOperation('SELECT', { reads: [table] }).replace('\\\\ud800', '\\ud800');
      const d = await client.decide({ session_id: sessionId, operation_json: operation });
      expect(d.verdict, table).toBe('deny');
      const [record] = (await decider.store.list({ verdict: 'deny' })).filter((r) => r.seq === Number(d.audit_seq));
      expect(record.operation, table).toEqual(JSON.parse(operation));
    }
    expect(await decider.store.verify()).toMatchObject({ ok: true });
  });

  it('reads __proto__ and constructor members as plain data: a write stays a write', async () => {
    const { sessionId } = await session();
    const write = pgOperation('UPDATE', { writes: ['public.orders'] }, [], true)
      .replace('"kind":"postgres"', '"__proto__":{"action":"read"},"constructor":{"prototype":{"action":"read"}},"kind":"postgres"');
    const d = await client.decide({ session_id: sessionId, operation_json: write });
    expect(d.verdict).toBe('deny');
    expect(d.reasons.join('\n')).toContain('has no grant for write on orders-db');
    expect(({} as Record<string, unknown>).action).toBeUndefined();
  });

  it('decides each request of one stream in its own session, whichever sessions are interleaved', async () => {
    const reader = await session(['orders-db:read:public.orders'], 'reader', 'may-read');
    const outsider = await session(['orders-db:read:public.other'], 'outsider', 'may-not-read');
    const stream = client.stream();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => stream.decide({ session_id: i % 2 === 0 ? reader.sessionId : outsider.sessionId, operation_json: readOrders })),
    );
    stream.end();
    const records = new Map((await decider.store.list({ limit: 1000 })).map((r) => [r.seq, r]));
    answers.forEach((a, i) => {
      expect(a.verdict).toBe(i % 2 === 0 ? 'allow' : 'deny');
      expect(records.get(Number(a.audit_seq))).toMatchObject({ subject: i % 2 === 0 ? 'reader' : 'outsider', verdict: a.verdict });
    });
  });

  it('stops reading a stream whose client never reads an answer, and keeps serving others', async () => {
    const { sessionId } = await session(['orders-db:read:public.orders'], 'silent-client', 'never-reads');
    const decidedForSilent = async () => (await decider.store.list({ subject: 'silent-client', limit: 10_000 })).length;
    // A bare HTTP/2 client that writes DecideBatches and never consumes a byte of the answers, so flow control
    // (not a client library's buffer) is what the decider meets.
    const session2 = connect(`http://${decider.address}`);
    const call = session2.request({ ':method': 'POST', ':path': '/taskgate.v1.Decider/DecideStream', 'content-type': 'application/grpc', te: 'trailers' });
    call.pause();
    call.on('error', () => undefined);
    const serialize = loadProtos().decider.service.DecideStream.requestSerialize as (batch: DecideBatch) => Buffer;
    const batches = 200;
    for (let batch = 0; batch < batches; batch++) {
      const message = serialize({
        requests: Array.from({ length: 256 }, (_, i) => ({ request_id: String(batch * 256 + i), session_id: sessionId, operation_json: readOrders, approval_id: '', parameters_json: '' })),
      });
      const frame = Buffer.alloc(5);
      frame.writeUInt32BE(message.length, 1);
      call.write(Buffer.concat([frame, message]));
    }
    // Wait until the decider has stopped deciding for the silent stream; others are served meanwhile.
    let decided = -1;
    for (let seen = await decidedForSilent(); seen !== decided; seen = await decidedForSilent()) {
      decided = seen;
      await stillServes();
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(decided).toBeGreaterThan(0);
    expect(decided).toBeLessThan(10_000);
    call.close();
    session2.close();
    await stillServes();
    expect(await decider.store.verify()).toMatchObject({ ok: true });
  });

  it('answers a thousand streams opened at once, each with its own request', { timeout: 120_000 }, async () => {
    const { sessionId } = await session();
    const streams = Array.from({ length: 1000 }, () => client.stream());
    const answers = await Promise.all(streams.map((s) => s.decide({ session_id: sessionId, operation_json: readOrders })));
    for (const s of streams) s.end();
    expect(answers.every((a) => a.verdict === 'allow' && Number(a.audit_seq) > 0)).toBe(true);
    await stillServes();
  });

  it('keeps a stream cancelled mid-flight from losing or forging records', async () => {
    const { sessionId } = await session();
    const before = (await decider.store.list({ limit: 1 }))[0]?.seq ?? 0;
    const call = rawStream();
    const answered: string[] = [];
    call.on('data', (batch: DecisionBatch) => answered.push(...batch.decisions.map((d) => d.audit_seq)));
    call.write({ requests: Array.from({ length: 256 }, (_, i) => ({ request_id: String(i), session_id: sessionId, operation_json: readOrders, approval_id: '', parameters_json: '' })) });
    await new Promise((r) => setTimeout(r, 5));
    call.cancel();
    await stillServes();
    const after = await decider.store.verify();
    expect(after.ok).toBe(true);
    const records = (await decider.store.list({ limit: 1000 })).filter((r) => r.seq > before && r.sessionId === sessionId);
    expect(records.every((r) => r.verdict === 'allow' && r.subject === 'ci-bot')).toBe(true);
    // Every answer that reached the client has its record.
    const seqs = new Set(records.map((r) => String(r.seq)));
    expect(answered.filter((seq) => !seqs.has(seq))).toEqual([]);
  });

  it('serves only GET /healthz and /metrics over HTTP, whatever is sent to it', async () => {
    const base = `http://${decider.decider.httpAddress}`;
    const big = await fetch(`${base}/healthz`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(5 * 1024 * 1024) }).catch((e: Error) => e);
    if (!(big instanceof Error)) expect([404, 413]).toContain(big.status);
    // Sent as written (fetch would resolve the dots itself).
    for (const path of ['/healthz/../metrics', '/..%2f..%2fetc%2fpasswd', '/metrics%00', '/%2e%2e/healthz', '/x/../../var/taskgate.db']) {
      const answer = await rawGet(decider.decider.httpAddress, path);
      expect(answer.status, path).toBe(404);
      expect(answer.body, path).not.toContain('taskgate_decisions_total');
    }
    const xml = await fetch(`${base}/metrics`, { method: 'PUT', headers: { 'content-type': 'application/xml' }, body: '<x/>' });
    expect(xml.status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await stillServes();
  });

  it('does not let another identity use, consume or withdraw an approval by naming its id', async () => {
    const owner = await session(['orders-db:write:public.orders'], 'alice', 'orders-cleanup');
    const thief = await session(['orders-db:write:public.orders'], 'mallory', 'orders-cleanup');
    const wipe = pgOperation('DELETE', { writes: ['public.orders'] });
    const held = await client.decide({ session_id: owner.sessionId, operation_json: wipe });
    expect(held.verdict).toBe('require_approval');
    // Watching alice's request with mallory's session id and cancelling withdraws nothing.
    const watch = client.watchApproval({ approval_id: held.approval_id, session_id: thief.sessionId });
    await new Promise((r) => setTimeout(r, 100));
    watch.cancel();
    await watch.answer.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect((await client.listApprovals()).find((a) => a.approval_id === held.approval_id)?.status).toBe('pending');
    // Mallory's own task token does not make her an approver.
    expect((await client.approve({ approval_id: held.approval_id, credential: thief.token })).error_code).toBe('approver_not_allowed');
    expect((await client.approve({ approval_id: held.approval_id, credential: await dbaToken('bob') })).status).toBe('approved');
    // Mallory repeats the very operation naming alice's approved request: it is held for a request of her own.
    const named = await client.decide({ session_id: thief.sessionId, operation_json: wipe, approval_id: held.approval_id });
    expect(named.verdict).toBe('require_approval');
    expect(named.approval_id).not.toBe(held.approval_id);
    // Alice's approval was neither used nor spent by that: her re-ask runs, once.
    const run = await client.decide({ session_id: owner.sessionId, operation_json: wipe, approval_id: held.approval_id });
    expect(run).toMatchObject({ verdict: 'allow', approval_id: held.approval_id });
    expect((await client.decide({ session_id: owner.sessionId, operation_json: wipe, approval_id: held.approval_id })).verdict).toBe('require_approval');
  });

  it('keeps ListApprovals working when a task holds operations too large to list together', async () => {
    const modest = await session(['orders-db:write:public.orders'], 'erin', 'orders-cleanup');
    const waiting = await client.decide({ session_id: modest.sessionId, operation_json: pgOperation('DELETE', { writes: ['public.orders'] }) });
    const hoarder = await session(['orders-db:write:public.orders'], 'hoarder', 'orders-cleanup');
    const hoarded: string[] = [];
    for (let i = 0; i < 3; i++) {
      const op = JSON.parse(pgOperation('DELETE', { writes: ['public.orders'] })) as { postgres: { text: string } };
      op.postgres.text = `DELETE FROM public.orders -- ${i} ${'x'.repeat(700_000)}`;
      const d = await client.decide({ session_id: hoarder.sessionId, operation_json: JSON.stringify(op) });
      expect(d.verdict).toBe('require_approval');
      hoarded.push(d.approval_id);
    }
    // Together they are over the reply limit: the list leaves out what does not fit instead of failing for everyone.
    for (const pendingOnly of [false, true]) {
      const listed = (await client.listApprovals(pendingOnly)).map((a) => a.approval_id);
      expect(listed).toContain(waiting.approval_id);
      expect(listed.filter((id) => hoarded.includes(id))).toEqual([hoarded[2]]);
    }
    const listedByCli = await cli(['approvals', 'ls', '--pending', '--decider', decider.address]);
    expect(listedByCli.code, listedByCli.stderr).toBe(0);
    expect(listedByCli.stdout).toContain(waiting.approval_id);
    // What was left out is still decided by id.
    expect((await client.deny({ approval_id: hoarded[0], credential: await dbaToken('bob'), reason: 'too large to review' })).status).toBe('denied');
  });

  it('refuses vote reasons and summary text that would display as other lines or in another order', async () => {
    const { sessionId } = await session(['orders-db:write:public.orders'], 'carol', 'orders-cleanup');
    const held = await client.decide({ session_id: sessionId, operation_json: pgOperation('DELETE', { writes: ['public.orders'] }) });
    for (const reason of ['looks fine\u2028bob approved apr_0 as admin', 'ok \u202edenied\u202c', 'next\u0085line']) {
      const vote = await client.approve({ approval_id: held.approval_id, credential: await dbaToken('dave'), reason });
      expect(vote.error_code, JSON.stringify(reason)).toBe('invalid_request');
    }
    const refused = await rejection(client.closeSession(sessionId, JSON.stringify({ statements: 1, note: 'a\u2029b' })), DeciderCallError);
    expect(refused.grpcCode).toBe(status.INVALID_ARGUMENT);
    expect(refused.message).toContain('summary_json.note holds a control character');
    // Nothing was counted, and the session is still open.
    expect((await client.listApprovals()).find((a) => a.approval_id === held.approval_id)?.status).toBe('pending');
    await client.closeSession(sessionId, JSON.stringify({ statements: 1 }));
  });

  it('denies, and audits, every operation of a session whose credential ran out mid-session; a new session is refused', { timeout: 30_000 }, async () => {
    const stream = client.stream();
    expect((await stream.decide({ session_id: shortLived.sessionId, operation_json: readOrders })).verdict).toBe('allow');
    await new Promise((r) => setTimeout(r, Math.max(0, shortLived.expiresAt - Date.now()) + 50));
    for (const d of [await client.decide({ session_id: shortLived.sessionId, operation_json: readOrders }), await stream.decide({ session_id: shortLived.sessionId, operation_json: readOrders })]) {
      expect(d.verdict).toBe('deny');
      expect(d.reasons[0]).toContain("the session's credential expired at");
      expect(Number(d.audit_seq)).toBeGreaterThan(0);
    }
    stream.end();
    // The token itself is still inside the 5 s clock skew for a moment, but the task has ended: refused either way.
    const refused = await rejection(client.openSession({ credential: shortLived.token, resource: 'orders-db', kind: 'postgres' }), DeciderCallError);
    expect(refused.grpcCode).toBe(status.UNAUTHENTICATED);
    expect(refused.reason).toBe('expired');
  });

  it('leaves an audit chain that verifies after all of it', async () => {
    expect(await decider.store.verify()).toMatchObject({ ok: true });
  });
});

describe('the decider attacked through an OIDC issuer whose keys it fetches', { timeout: 60_000 }, () => {
  const ISSUER = 'https://sso.fetched.test';
  let decider: TestDecider;
  let client: DeciderClient;
  let jwksServer: HttpsServer;
  let fetches = 0;
  let signer: (kid: string) => Promise<string>;

  beforeAll(async () => {
    const root = tempDir();
    const keyFile = join(root, 'tls-key.pem');
    const caFile = join(root, 'tls-cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-keyout', keyFile, '-out', caFile, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwksServer = createHttpsServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    const now = () => Math.floor(Date.now() / 1000);
    signer = (kid) => new SignJWT({ iss: ISSUER, aud: 'taskgate', sub: 'bob', iat: now(), exp: now() + 600 }).setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey);
    const identity = { oidc: [{ issuer: ISSUER, audience: 'taskgate', jwks_url: `https://127.0.0.1:${port}/jwks.json`, jwks_ca_file: caFile }] };
    decider = await startTestDecider({ dataDir: join(root, 'var'), resources: RESOURCES, identity });
    client = connectDecider(decider.address);
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await decider?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  it('does not fetch the issuer\'s keys again for every token that names an unknown kid', async () => {
    expect((await client.openSession({ credential: await signer('k1'), resource: 'orders-db', kind: 'postgres' })).session_id).toMatch(/^ses_/);
    const first = fetches;
    // Anyone can write such a token: the kid is looked up before any signature is checked.
    const refusals = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => rejection(client.openSession({ credential: await signer(`made-up-${i}`), resource: 'orders-db', kind: 'postgres' }), DeciderCallError)),
    );
    expect(new Set(refusals.map((r) => `${r.grpcCode} ${r.reason}`))).toEqual(new Set([`${status.UNAUTHENTICATED} unknown_kid`]));
    expect(fetches - first).toBeLessThanOrEqual(1);
    expect((await client.openSession({ credential: await signer('k1'), resource: 'orders-db', kind: 'postgres' })).session_id).toMatch(/^ses_/);
  });
});
