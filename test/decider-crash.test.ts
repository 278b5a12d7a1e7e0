// The decider killed with SIGKILL under load, then restarted: every decision a client received is in the audit
// log (a verdict is answered only after its record commits), the chain verifies, and the decider serves again.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDecider } from '../decider/server/client.js';
import type { DecisionMessage } from '../decider/server/proto.js';
import { openStore, type AuditRecord } from '../decider/store/index.js';
import { cli, httpOperation, issueToken, removeTempDirs, tempDir, writePolicy } from './fixtures/decider/harness.js';
import { freePort } from './fixtures/free-port.js';

const children: ChildProcess[] = [];
afterAll(() => {
  // A failed assertion must not leave a decider running.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  removeTempDirs();
});

const POLICY = `package taskgate

decision := {"verdict": "allow", "reasons": ["read is fine"], "mask": []} if input.operation.http.method == "GET"

decision := {"verdict": "deny", "reasons": ["only reads"], "mask": []} if input.operation.http.method != "GET"
`;


function startChild(args: string[]): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(
    process.execPath,
    ['--import', './test/fixtures/ts-loader/register.mjs', 'test/fixtures/decider/taskgate-from-source.ts', 'decider', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready: policy revision')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`decider exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, ready, output: () => output };
}

describe('decider crash', () => {
  // Two decider starts (each compiles the policy) and thousands of durable commits: slow on a busy machine.
  it('loses no answered decision when killed with SIGKILL under load', { timeout: 240_000 }, async () => {
    const root = tempDir();
    const dataDir = join(root, 'var');
    writePolicy(join(root, 'policy'), { 'decision.rego': POLICY });
    const token = await issueToken(dataDir, 'api-task', ['api:read']);
    const port = await freePort();
    const args = ['--policies', join(root, 'policy'), '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--http', '127.0.0.1:0'];

    const first = startChild(args);
    await first.ready;
    const client = connectDecider(`127.0.0.1:${port}`);
    const { session_id } = await client.openSession({ credential: token, resource: 'api', kind: 'http' });
    const stream = client.stream();
    const received: DecisionMessage[] = [];
    let streamFailures = 0;
    const worker = async (w: number) => {
      for (let i = 0; ; i++) {
        try {
          received.push(await stream.decide({ session_id, operation_json: httpOperation((w + i) % 4 === 0 ? 'DELETE' : 'GET', `/n/${w}/${i}`) }));
        } catch {
          streamFailures++;
          return;
        }
      }
    };
    const workers = Array.from({ length: 32 }, (_, w) => worker(w));
    while (received.length < 2000) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await Promise.all(workers);
    client.close();
    expect(streamFailures).toBe(32);

    // Restarted on the same data: it serves again, and the old session is gone.
    const second = startChild(args);
    await second.ready;
    const again = connectDecider(`127.0.0.1:${port}`);
    await expect(again.decide({ session_id, operation_json: httpOperation('GET', '/after') })).rejects.toMatchObject({ reason: 'unknown_session' });
    const reopened = await again.openSession({ credential: token, resource: 'api', kind: 'http' });
    const after = await again.decide({ session_id: reopened.session_id, operation_json: httpOperation('GET', '/after') });
    expect(after.verdict).toBe('allow');
    again.close();
    second.child.kill('SIGTERM');
    const code = await new Promise((resolve) => second.child.once('exit', resolve));
    expect(code, second.output()).toBe(0);
    expect(second.output()).toContain('stopped');

    const store = await openStore({ dataDir });
    try {
      const records = new Map<number, AuditRecord>();
      for await (const r of store.export()) records.set(r.seq, r);
      expect(received.length).toBeGreaterThanOrEqual(2000);
      for (const answer of [...received, after]) {
        expect(answer.error_code).toBe('');
        const record = records.get(Number(answer.audit_seq));
        expect(record, `audit record ${answer.audit_seq}`).toBeDefined();
        expect(record).toMatchObject({ kind: 'decision', verdict: answer.verdict, reasons: answer.reasons, policyRevision: answer.policy_revision });
      }
      expect(await store.verify()).toMatchObject({ ok: true });
    } finally {
      await store.close();
    }
    const verified = await cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(verified.code, verified.stderr).toBe(0);
  });
});
