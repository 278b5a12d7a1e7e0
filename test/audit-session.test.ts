// A closed session's summary in the audit log: over real gRPC (open, decide, close with counters), and end to end
// through the Postgres shim with psql against a real PostgreSQL 15. The record must be listed, exported and chained.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDecider, DeciderCallError, type DeciderClient } from '../decider/server/client.js';
import type { AuditRecord } from '../decider/store/index.js';
import { cli, issueToken, pgOperation, removeTempDirs, startTestDecider, tempDir, type TestDecider } from './fixtures/decider/harness.js';
import { rejection } from './fixtures/rejection.js';
import { startShimStack, type ShimStack } from './fixtures/shim-stack.js';

const RESOURCE = 'orders-db';

afterAll(removeTempDirs);


async function auditList(dataDir: string, ...filters: string[]): Promise<AuditRecord[]> {
  const listed = await cli(['audit', 'ls', '--json', '--data-dir', dataDir, ...filters]);
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as AuditRecord[];
}

async function expectChainIntact(dataDir: string): Promise<void> {
  const verified = await cli(['audit', 'verify', '--data-dir', dataDir]);
  expect(verified.stderr).toBe('');
  expect(verified.code).toBe(0);
  expect(verified.stdout).toMatch(/^audit log intact: \d+ records/);
}

describe('CloseSession over gRPC', () => {
  let decider: TestDecider;
  let client: DeciderClient;
  const dataDir = join(tempDir('taskgate-audit-session-'), 'var');

  beforeAll(async () => {
    decider = await startTestDecider({ dataDir, resources: [{ name: RESOURCE, kind: 'postgres', labels: { env: 'prod' } }] });
    client = connectDecider(decider.address);
  });
  afterAll(async () => {
    client?.close();
    await decider?.close();
  });

  async function openSession(): Promise<string> {
    const token = await issueToken(dataDir, 'nightly-orders-backup', [`${RESOURCE}:read:public.orders`]);
    return (await client.openSession({ credential: token, resource: RESOURCE, kind: 'postgres', source_ip: '10.0.0.7', shim_id: 'pg-1' })).session_id;
  }

  it('writes the summary as a session_closed record, with the session\'s identity, task and resource', async () => {
    const sessionId = await openSession();
    const d = await client.decide({ session_id: sessionId, operation_json: pgOperation('SELECT', { reads: ['public.orders'] }, [['public.orders', 'id', 'select']]) });
    expect(d.verdict).toBe('allow');
    const summary = { statements: 1, allowed: 1, denied: 0, decisions: 1, decisions_reused: 0, rows_returned: 42, cells_masked: 0 };
    await client.closeSession(sessionId, JSON.stringify(summary));

    const [record] = await auditList(dataDir, '--kind', 'session_closed');
    expect(record).toMatchObject({
      kind: 'session_closed', sessionId, subject: 'ci-bot', issuer: 'taskgate', taskName: 'nightly-orders-backup',
      resource: RESOURCE, verdict: null, detail: summary,
    });
    expect(record.taskId).toMatch(/^tsk_/);
    // Answered after the commit, and after the session's decision.
    expect(record.seq).toBeGreaterThan(Number(d.audit_seq));
    await expectChainIntact(dataDir);

    const table = await cli(['audit', 'ls', '--kind', 'session_closed', '--data-dir', dataDir]);
    expect(table.stdout).toContain('session_closed');
    expect(table.stdout).toContain('rows_returned=42');
    const exported = await cli(['audit', 'export', '--data-dir', dataDir]);
    const lines = exported.stdout.trim().split('\n').map((line) => JSON.parse(line) as AuditRecord);
    expect(lines.find((r) => r.kind === 'session_closed' && r.sessionId === sessionId)?.detail).toEqual(summary);
  });

  it('ends the session: deciding in it afterwards, or closing it again, is unknown_session', async () => {
    const sessionId = await openSession();
    await client.closeSession(sessionId, '{"statements":0}');
    const decide = await rejection(client.decide({ session_id: sessionId, operation_json: pgOperation('SELECT', { reads: ['public.orders'] }) }), DeciderCallError);
    expect(decide.reason).toBe('unknown_session');
    const again = await rejection(client.closeSession(sessionId, '{"statements":0}'), DeciderCallError);
    expect(again.reason).toBe('unknown_session');
    const records = (await auditList(dataDir, '--kind', 'session_closed')).filter((r) => r.sessionId === sessionId);
    expect(records).toHaveLength(1);
  });

  it('records a close without a summary as one with none', async () => {
    const sessionId = await openSession();
    await client.closeSession(sessionId);
    const record = (await auditList(dataDir, '--kind', 'session_closed')).find((r) => r.sessionId === sessionId);
    expect(record?.detail).toBeNull();
    const table = await cli(['audit', 'ls', '--kind', 'session_closed', '--data-dir', dataDir]);
    expect(table.stdout).toContain('closed, no summary sent');
  });

  it.each([
    ['not JSON', '{statements: 1}', /summary_json is not JSON/],
    ['an array', '[1, 2]', /summary_json must be a JSON object of counters, got an array/],
    ['a number', '7', /summary_json must be a JSON object/],
    ['a negative counter', '{"rows_returned": -1}', /summary_json\.rows_returned is -1: a counter must be a whole number/],
    ['a fractional counter', '{"statements": 1.5}', /summary_json\.statements is 1\.5/],
    ['a counter sent as text', '{"cells_masked": "3"}', /summary_json\.cells_masked is "3": it is a counter/],
    ['a nested object', '{"per_table": {"public.orders": 3}}', /summary_json\.per_table is an object: a summary is flat/],
    ['a member name that is not an identifier', '{"Rows Returned": 3}', /member name "Rows Returned"/],
    ['text with a line break', '{"note": "a\\nb"}', /summary_json\.note holds a control character/],
    ['an oversized summary', JSON.stringify({ note: 'x'.repeat(20_000) }), /summary_json is longer than 16384 bytes/],
  ])('refuses %s as INVALID_ARGUMENT, and the session stays open', async (_what, summaryJson, message) => {
    const sessionId = await openSession();
    const e = await rejection(client.closeSession(sessionId, summaryJson), DeciderCallError);
    expect(e.grpcCode).toBe(status.INVALID_ARGUMENT);
    expect(e.reason).toBe('invalid_request');
    expect(e.message).toMatch(message);
    expect((await auditList(dataDir, '--kind', 'session_closed')).some((r) => r.sessionId === sessionId)).toBe(false);
    const d = await client.decide({ session_id: sessionId, operation_json: pgOperation('SELECT', { reads: ['public.orders'] }, [['public.orders', 'id', 'select']]) });
    expect(d.verdict).toBe('allow');
  });
});

describe('the Postgres shim\'s summary, through psql', () => {
  let stack: ShimStack;

  beforeAll(async () => {
    stack = await startShimStack({
      resource: RESOURCE,
      labels: { env: 'prod' },
      shimId: 'pg-audit',
      schema: `
      CREATE TABLE public.orders (id int PRIMARY KEY, total numeric NOT NULL);
      INSERT INTO public.orders SELECT g, g * 10 FROM generate_series(1, 50) g;
      CREATE TABLE public.users (id int PRIMARY KEY, email text);
      INSERT INTO public.users VALUES (1, 'alice@example.com'), (2, 'bob@example.com');
    `,
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('holds the psql session\'s statements, rows and masked cells once psql has gone', async () => {
    const token = await stack.token('orders-report', [`${RESOURCE}:read:public.orders`, `${RESOURCE}:read:public.users`]);
    const out = await psql(stack.shim.port, token, ['-c', 'SELECT id, total FROM public.orders WHERE id <= 7 ORDER BY id', '-c', 'SELECT id, email FROM public.users ORDER BY id']);
    expect(out.split('\n').filter((line) => line !== '')).toHaveLength(9);
    expect(out).not.toContain('alice@example.com');

    // The shim closes its decider session after the client has gone, so the record follows psql's exit.
    const record = await vi.waitFor(
      async () => {
        const [closed] = await auditList(stack.dataDir, '--kind', 'session_closed');
        if (closed === undefined) throw new Error('no session_closed record yet');
        return closed;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(record).toMatchObject({ subject: 'ci-bot', taskName: 'orders-report', resource: RESOURCE });
    expect(record.detail).toEqual({ statements: 2, allowed: 2, denied: 0, decisions: 2, decisions_reused: 0, rows_returned: 9, cells_masked: 2 });
    const decisions = await auditList(stack.dataDir, '--kind', 'decision');
    expect(decisions.filter((d) => d.sessionId === record.sessionId).map((d) => d.verdict)).toEqual(['allow', 'mask']);
    await expectChainIntact(stack.dataDir);
  }, 30_000);
});

function psql(port: number, password: string, commands: string[]): Promise<string> {
  const args = ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'ci-bot', '-d', 'postgres', ...commands];
  return new Promise((resolve, reject) => {
    execFile('psql', args, { env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' }, timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`psql failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}
