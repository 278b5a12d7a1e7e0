// Just-in-time approval end to end: psql (and node-postgres for bound parameters) through the Postgres shim to a
// real PostgreSQL, a real decider with the shipped policies (or a copy with other approval settings), approvers
// acting with the CLI and over gRPC with OIDC tokens, and a real HTTP server receiving the signed webhook.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../decider/approvals/webhook.js';
import { connectDecider, type DeciderClient } from '../decider/server/client.js';
import { cli, issueToken, removeTempDirs, tempDir } from './fixtures/decider/harness.js';
import { startPostgres, type PostgresServer } from './fixtures/postgres.js';
import { startShimStack, type ShimStack } from './fixtures/shim-stack.js';

const RESOURCE = 'orders-db';
const ISSUER = 'https://sso.test';
const AUDIENCE = 'taskgate-approvers';
const WEBHOOK_SECRET = 'a-long-webhook-secret-for-the-test';
const GRANTS = [`${RESOURCE}:read,write:public.orders`];
/** The shipped policy holds an UPDATE without WHERE for approval by group:dba. */
const RISKY = 'UPDATE public.orders SET total = total + 1';
/** How long the shims of this test hold a statement: longer than a decider restart takes on a busy machine. */
const APPROVAL_WAIT_MS = 300_000;

let postgres: PostgresServer;
let root: string;
let dataDir: string;
let sign: (subject: string, groups: string[]) => Promise<string>;
const webhooks: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
let webhookServer: Server;

/**
 * A decider with one policy and the shim in front of it, on the file's cluster, and an approver's gRPC client; all
 * share the data directory (tokens, store).
 */
interface Stack {
  readonly parts: ShimStack;
  readonly grpc: DeciderClient;
}

let shipped: Stack;
let shortTtl: Stack;
let twoInWindow: Stack;

/** A copy of the shipped policies whose approval settings (data.taskgate.catalog.approval) differ. */
function policiesWith(name: string, approval: Record<string, unknown>): string {
  const dir = join(root, `policies-${name}`);
  cpSync('policies', dir, { recursive: true });
  const dataFile = join(dir, 'taskgate', 'data.json');
  const data = JSON.parse(readFileSync(dataFile, 'utf8')) as { catalog: { approval: Record<string, unknown> } };
  Object.assign(data.catalog.approval, approval);
  writeFileSync(dataFile, JSON.stringify(data));
  return dir;
}

async function startStack(policies: string): Promise<Stack> {
  const parts = await startShimStack({
    postgres,
    dataDir,
    policies,
    resource: RESOURCE,
    labels: { env: 'test' },
    shimId: 'pg-approvals-e2e',
    shim: { approvalWaitMs: APPROVAL_WAIT_MS },
    identity: { oidc: [{ issuer: ISSUER, audience: AUDIENCE, jwks_file: join(root, 'jwks.json') }] },
    approvals: { webhook: { url: `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/hook`, secret_env: 'E2E_WEBHOOK_SECRET', max_attempts: 2 } },
  });
  return { parts, grpc: connectDecider(parts.decider.address) };
}

/** Stops the stack's decider and starts it again on the same port and data directory. */
async function restartDecider(stack: Stack): Promise<void> {
  await stack.parts.restartDecider();
  // The shim's gRPC channel reconnects with a backoff; until then new logins are refused (and say so).
  await eventually(() => shimLogsIn(stack), 'the shim reaches the restarted decider', 120_000);
}

async function shimLogsIn(stack: Stack): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port: stack.parts.shim.port, user: 'ci-bot', database: 'postgres', password: await issueToken(dataDir, 'probe', GRANTS) });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  process.env.E2E_WEBHOOK_SECRET = WEBHOOK_SECRET;
  root = tempDir('taskgate-approvals-e2e-');
  dataDir = join(root, 'var');
  postgres = await startPostgres();
  await postgres.psql(`
    CREATE TABLE public.orders (id int PRIMARY KEY, total numeric NOT NULL);
    INSERT INTO public.orders SELECT g, g * 10 FROM generate_series(1, 5) g;
  `);
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  writeFileSync(join(root, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
  sign = (subject, groups) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: subject, groups, iat: now, exp: now + 3600 })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(privateKey);
  };
  webhookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      webhooks.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhookServer.listen(0, '127.0.0.1', resolve));
  // The first start makes the data directory (and the task signing key) the later stacks share.
  shipped = await startStack('policies');
}, 300_000);

afterAll(async () => {
  for (const stack of [shipped, shortTtl, twoInWindow]) {
    stack?.grpc.close();
    await stack?.parts.stop();
  }
  await postgres?.stop();
  await new Promise((resolve) => webhookServer?.close(resolve));
  removeTempDirs();
});

interface Psql {
  readonly child: ChildProcess;
  /** Resolves with the approval id from the shim's notice, as soon as psql prints it. */
  readonly approvalId: Promise<string>;
  /** Resolves when psql exits. */
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** psql running one statement through the shim, the task token as password; the shim's notices arrive on stderr. */
function psql(sql: string, token: string, port: number): Psql {
  const child = spawn(
    'psql',
    ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-v', 'VERBOSITY=verbose', '-h', '127.0.0.1', '-p', String(port), '-U', 'ci-bot', '-d', 'postgres', '-c', sql],
    { env: { ...process.env, PGPASSWORD: token, PGCONNECT_TIMEOUT: '10' } },
  );
  let stdout = '';
  let stderr = '';
  let found: (id: string) => void;
  const approvalId = new Promise<string>((resolve) => (found = resolve));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    const id = /waiting up to \S+ for approval (apr_\w+)/.exec(stderr)?.[1];
    if (id !== undefined) found(id);
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  const noticed = Promise.race([approvalId, done.then((r) => Promise.reject(new Error(`psql ended without a notice: ${r.stderr}`)))]);
  // Runs that are not held never read it.
  noticed.catch(() => undefined);
  return { child, approvalId: noticed, done };
}

async function approveWithCli(stack: Stack, id: string, token: string, reason?: string) {
  return cli(['approve', id, '--token', token, '--decider', stack.parts.decider.address, ...(reason ? ['--reason', reason] : [])]);
}

async function totals(): Promise<string> {
  return postgres.psql('SELECT string_agg(total::text, \',\' ORDER BY id) FROM public.orders');
}

async function approval(stack: Stack, id: string) {
  // Right after a decider restart the client may still be reconnecting: ask again until it is through.
  let list: Awaited<ReturnType<DeciderClient['listApprovals']>> | undefined;
  await eventually(async () => (list = await stack.grpc.listApprovals().catch(() => undefined)) !== undefined, 'the decider answers', 30_000);
  const found = list!.find((a) => a.approval_id === id);
  if (found === undefined) throw new Error(`no approval ${id}`);
  return found;
}

/** Polls until `check` holds: for state that another process reaches a moment later (a withdrawal, a webhook). */
async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}


describe('approval with the shipped policy (once, 1 approver from group:dba)', () => {
  it('holds the statement with a notice, runs it once approved, and refuses a replay until approved anew', async () => {
    const token = await issueToken(dataDir, 'orders-fix', GRANTS);
    const before = await totals();
    const held = psql(RISKY, token, shipped.parts.shim.port);
    const id = await held.approvalId;
    // Held: nothing reached Postgres.
    expect(await totals()).toBe(before);
    expect(held.child.exitCode).toBeNull();
    expect((await approval(shipped, id)).status).toBe('pending');
    const approved = await approveWithCli(shipped, id, await sign('bob', ['dba']), 'ticket 42');
    expect(approved).toMatchObject({ code: 0, stderr: "" });
    const result = await held.done;
    expect(result.stderr).toContain(`taskgate approve ${id} --token`);
    expect(result.stderr).toContain('group:dba');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('UPDATE 5');
    expect(await totals()).toBe('11,21,31,41,51\n');
    expect((await approval(shipped, id)).status).toBe('used');

    // The same statement again, same token: a new request, which bob denies this time.
    const replay = psql(RISKY, token, shipped.parts.shim.port);
    const second = await replay.approvalId;
    expect(second).not.toBe(id);
    const denied = await shipped.grpc.deny({ approval_id: second, credential: await sign('bob', ['dba']), reason: 'once was enough' });
    expect(denied.error_code).toBe('');
    const refused = await replay.done;
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('42501');
    expect(refused.stderr).toContain(`approval ${second} was denied by bob: once was enough`);
    expect(await totals()).toBe('11,21,31,41,51\n');
  }, 60_000);

  it('keeps the session usable after a denial: the next statement of the same connection runs', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: shipped.parts.shim.port, user: 'ci-bot', database: 'postgres', password: await issueToken(dataDir, 'session', GRANTS) });
    const notices: string[] = [];
    client.on('notice', (n) => notices.push(n.message ?? ''));
    await client.connect();
    try {
      const running = client.query(RISKY).then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
      await eventually(() => notices.length > 0, 'the shim sent its notice');
      const id = /approval (apr_\w+)/.exec(notices[0]!)![1]!;
      expect((await shipped.grpc.deny({ approval_id: id, credential: await sign('dana', ['dba']) })).error_code).toBe('');
      const error = await running;
      expect(error?.code).toBe('42501');
      const { rows } = await client.query('SELECT count(*)::int AS n FROM public.orders');
      expect(rows[0].n).toBe(5);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('refuses self-approval and an approver the policy does not name; the request stays pending for a real approver', async () => {
    const token = await issueToken(dataDir, 'orders-self', GRANTS);
    const held = psql(RISKY, token, shipped.parts.shim.port);
    const id = await held.approvalId;
    // The requester's own task token, and an SSO login of the same subject that is even in group:dba.
    const own = await approveWithCli(shipped, id, token);
    expect(own.code).toBe(1);
    expect(own.stderr).toContain(`ci-bot asked for approval ${id}, so they cannot approve it`);
    const ownSso = await shipped.grpc.approve({ approval_id: id, credential: await sign('ci-bot', ['dba']) });
    expect(ownSso.error_code).toBe('self_approval');
    const mallory = await approveWithCli(shipped, id, await sign('mallory', ['dev']));
    expect(mallory.code).toBe(1);
    expect(mallory.stderr).toContain(`mallory may not approve approval ${id}: mallory is not one of the approvers this request names (group:dba)`);
    expect((await approval(shipped, id)).status).toBe('pending');
    expect((await shipped.grpc.deny({ approval_id: id, credential: await sign('dana', ['dba']) })).error_code).toBe('');
    expect((await held.done).stderr).toContain(`approval ${id} was denied by dana`);
  }, 60_000);

  it('ends the wait and withdraws the request when the client cancels (psql on SIGINT sends a CancelRequest)', async () => {
    const before = await totals();
    const held = psql(RISKY, await issueToken(dataDir, 'orders-cancel', GRANTS), shipped.parts.shim.port);
    const id = await held.approvalId;
    held.child.kill('SIGINT');
    const result = await held.done;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('57014');
    expect(result.stderr).toContain('the client cancelled the statement');
    await eventually(async () => (await approval(shipped, id)).status === 'withdrawn', 'the request was withdrawn');
    expect(await totals()).toBe(before);
  }, 60_000);

  it('withdraws the request when the client disconnects while held', async () => {
    const held = psql(RISKY, await issueToken(dataDir, 'orders-gone', GRANTS), shipped.parts.shim.port);
    const id = await held.approvalId;
    held.child.kill('SIGKILL');
    await held.done;
    await eventually(async () => (await approval(shipped, id)).status === 'withdrawn', 'the request was withdrawn');
  }, 60_000);

  it('gives up after the shim\'s approval wait with a clear error, and withdraws the request', async () => {
    const impatient = await shipped.parts.startShim({ approvalWaitMs: 1_500 });
    try {
      const held = psql(RISKY, await issueToken(dataDir, 'orders-wait', GRANTS), impatient.port);
      const id = await held.approvalId;
      const result = await held.done;
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('42501');
      expect(result.stderr).toContain(`approval ${id} was not decided within 2s, the longest this shim waits`);
      await eventually(async () => (await approval(shipped, id)).status === 'withdrawn', 'the request was withdrawn');
    } finally {
      await impatient.close();
    }
  }, 60_000);

  it('binds the approval to the Bind values of a prepared statement (node-postgres): 7 approved does not admit 8', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: shipped.parts.shim.port, user: 'ci-bot', database: 'postgres', password: await issueToken(dataDir, 'bound', GRANTS) });
    const notices: string[] = [];
    client.on('notice', (n) => notices.push(n.message ?? ''));
    await client.connect();
    try {
      const sql = 'UPDATE public.orders SET total = $1';
      const first = client.query(sql, [7]);
      await eventually(() => notices.length === 1, 'the first notice');
      const id = /approval (apr_\w+)/.exec(notices[0]!)![1]!;
      const request = JSON.parse((await approval(shipped, id)).approval_json) as { operation: { postgres: { text: string } } };
      expect(request.operation.postgres.text).toBe(sql);
      expect((await shipped.grpc.approve({ approval_id: id, credential: await sign('bob', ['dba']) })).status).toBe('approved');
      expect((await first).rowCount).toBe(5);
      expect(await totals()).toBe('7,7,7,7,7\n');
      // Same statement, another value: held again under a new request.
      const second = client.query(sql, [8]).catch((e: Error & { code?: string }) => e);
      await eventually(() => notices.length === 2, 'the second notice');
      const other = /approval (apr_\w+)/.exec(notices[1]!)![1]!;
      expect(other).not.toBe(id);
      await shipped.grpc.deny({ approval_id: other, credential: await sign('bob', ['dba']) });
      expect(((await second) as Error & { code?: string }).code).toBe('42501');
      expect(await totals()).toBe('7,7,7,7,7\n');
    } finally {
      await client.end();
    }
  }, 60_000);

  it('sends each new request and its outcome to the webhook, signed with the shared secret', async () => {
    const held = psql(RISKY, await issueToken(dataDir, 'orders-hook', GRANTS), shipped.parts.shim.port);
    const id = await held.approvalId;
    await shipped.grpc.deny({ approval_id: id, credential: await sign('dana', ['dba']), reason: 'not today' });
    await held.done;
    const about = (type: string) =>
      webhooks.find((w) => {
        const body = JSON.parse(w.body) as { type: string; approval: { id: string } };
        return body.type === type && body.approval.id === id;
      });
    await eventually(() => about('approval.requested') !== undefined && about('approval.decided') !== undefined, 'both webhooks arrived');
    for (const hook of [about('approval.requested')!, about('approval.decided')!]) {
      const signed = { timestamp: String(hook.headers[TIMESTAMP_HEADER]), signature: String(hook.headers[SIGNATURE_HEADER]) };
      expect(signed.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(WEBHOOK_SECRET, signed, hook.body)).toBe(true);
      expect(verifyWebhookSignature('another-secret-of-some-length', signed, hook.body)).toBe(false);
    }
    const decided = JSON.parse(about('approval.decided')!.body) as { approval: { status: string; denied_by: string; requester: string; resource: string } };
    expect(decided.approval).toMatchObject({ status: 'denied', denied_by: 'dana', requester: 'ci-bot', resource: RESOURCE });
  }, 60_000);

  it('carries on across a decider restart while a statement is held: the client gets its answer', async () => {
    const before = await totals();
    const held = psql(RISKY, await issueToken(dataDir, 'orders-restart', GRANTS), shipped.parts.shim.port);
    const id = await held.approvalId;
    await restartDecider(shipped);
    expect((await approval(shipped, id)).status).toBe('pending');
    expect(await approveWithCli(shipped, id, await sign('bob', ['dba']))).toMatchObject({ code: 0 });
    const result = await held.done;
    expect(result.stderr).not.toContain('ERROR');
    expect(result.code).toBe(0);
    expect(await totals()).not.toBe(before);
  }, 300_000);
});

describe('approval settings from a copy of the policy', () => {
  beforeAll(async () => {
    shortTtl = await startStack(policiesWith('short', { ttl_seconds: 2 }));
    twoInWindow = await startStack(policiesWith('two-window', { min: 2, scope: 'window' }));
  }, 300_000);

  it('expires a request nobody decides, and the client is told', async () => {
    const held = psql(RISKY, await issueToken(dataDir, 'orders-expire', GRANTS), shortTtl.parts.shim.port);
    const id = await held.approvalId;
    const result = await held.done;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('42501');
    expect(result.stderr).toContain(`approval ${id} expired`);
    expect((await approval(shortTtl, id)).status).toBe('expired');
  }, 90_000);

  it('needs two approvers when min is 2; a window approval admits the same statement again for that task', async () => {
    const token = await issueToken(dataDir, 'orders-window', GRANTS);
    const before = await totals();
    const held = psql(RISKY, token, twoInWindow.parts.shim.port);
    const id = await held.approvalId;
    expect((await twoInWindow.grpc.approve({ approval_id: id, credential: await sign('bob', ['dba']) })).status).toBe('pending');
    expect((await twoInWindow.grpc.approve({ approval_id: id, credential: await sign('bob', ['dba']) })).error_code).toBe('already_voted');
    // Still held after one of two approvals.
    expect(await totals()).toBe(before);
    expect((await twoInWindow.grpc.approve({ approval_id: id, credential: await sign('dana', ['dba']) })).status).toBe('approved');
    expect((await held.done).code).toBe(0);
    const once = await totals();
    expect(once).not.toBe(before);
    // The window admits the same statement again, in a new session of the same task, without holding it.
    const again = await psql(RISKY, token, twoInWindow.parts.shim.port).done;
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('waiting');
    expect(await totals()).not.toBe(once);
    // Another task gets nothing from it.
    const other = psql(RISKY, await issueToken(dataDir, 'orders-other', GRANTS), twoInWindow.parts.shim.port);
    const otherId = await other.approvalId;
    expect(otherId).not.toBe(id);
    await twoInWindow.grpc.deny({ approval_id: otherId, credential: await sign('dana', ['dba']) });
    expect((await other.done).code).not.toBe(0);
  }, 90_000);
});
