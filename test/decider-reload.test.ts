// Policy reload under load: the policy directory (or bundle) changes while a stream keeps deciding; no request
// fails, every decision is the one its reported revision makes, and a change that does not compile keeps the
// running policy.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileInWorker } from '../decider/engine/compile-in-worker.js';
import { connectDecider, type DecisionStream } from '../decider/server/client.js';
import type { DecisionMessage } from '../decider/server/proto.js';
import type { AuditRecord } from '../decider/store/index.js';
import { cli, httpOperation, issueToken, removeTempDirs, startTestDecider, tempDir, writePolicy, type TestDecider } from './fixtures/decider/harness.js';

afterAll(removeTempDirs);

const policyVersion = (version: string) => `package taskgate

decision := {"verdict": "allow", "reasons": ["${version}"], "mask": []} if input.operation.http.path == "/ok"
`;

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Keeps `concurrency` requests in flight on the stream until stopped; collects every answer and failure. */
function load(stream: DecisionStream, sessionId: string, concurrency: number) {
  const answers: DecisionMessage[] = [];
  const failures: unknown[] = [];
  let running = true;
  const worker = async () => {
    while (running) {
      try {
        answers.push(await stream.decide({ session_id: sessionId, operation_json: httpOperation('GET', '/ok') }));
      } catch (e) {
        failures.push(e);
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    answers,
    failures,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

async function expectAnswersMatchRevisions(decider: TestDecider, answers: DecisionMessage[], versionOf: Map<string, string>) {
  for (const a of answers) {
    expect(a.error_code).toBe('');
    expect(a.verdict).toBe('allow');
    expect(a.reasons).toEqual([versionOf.get(a.policy_revision)]);
  }
  const records = new Map<number, AuditRecord>();
  for await (const r of decider.store.export()) records.set(r.seq, r);
  for (const a of answers) {
    const record = records.get(Number(a.audit_seq));
    expect(record).toMatchObject({ verdict: 'allow', reasons: a.reasons, policyRevision: a.policy_revision });
  }
  expect(await decider.store.verify()).toMatchObject({ ok: true });
}

describe('policy reload', () => {
  it('gives up on a compile that does not finish in time', async () => {
    const result = await compileInWorker({ dir: 'policies', entrypoints: ['taskgate/decision'] }, 1);
    expect(result).toEqual({ ok: false, error: 'compiling took longer than 0.001 s; gave up' });
  });

  // Three compiles (start, v2, the broken change) while the machine is kept busy deciding.
  it('swaps a changed policy directory under load without a failed or wrong decision, and keeps it over a broken change', { timeout: 240_000 }, async () => {
    const root = tempDir();
    const dir = join(root, 'policy');
    writePolicy(dir, { 'decision.rego': policyVersion('v1') });
    const decider = await startTestDecider({ policies: dir, dataDir: join(root, 'var'), watch: true });
    const client = connectDecider(decider.address);
    try {
      const v1 = decider.decider.engine.current!.revision;
      const token = await issueToken(decider.dataDir, 'api-task', ['api:read']);
      const { session_id } = await client.openSession({ credential: token, resource: 'api', kind: 'http' });
      const stream = client.stream();
      const running = load(stream, session_id, 16);

      await until(() => running.answers.length > 200, 'decisions under v1');
      writePolicy(dir, { 'decision.rego': policyVersion('v2') });
      await until(() => decider.decider.engine.current!.revision !== v1, 'the reload to v2');
      const v2 = decider.decider.engine.current!.revision;
      const answeredBeforeBreak = running.answers.length;
      await until(() => running.answers.length > answeredBeforeBreak + 200, 'decisions under v2');

      writePolicy(dir, { 'decision.rego': 'package taskgate\n\ndecision := {"verdict": "allow"} if {\n' });
      await until(() => decider.logs.some((l) => l.includes('cannot load')), 'the failed reload to be logged');
      const afterBreak = running.answers.length;
      await until(() => running.answers.length > afterBreak + 200, 'decisions after the broken change');
      await running.stop();
      stream.end();

      expect(running.failures).toEqual([]);
      console.log(`reload under load: ${running.answers.length} decisions`);
      expect(decider.decider.engine.current!.revision).toBe(v2);
      const failure = decider.logs.find((l) => l.includes('cannot load'))!;
      expect(failure).toContain(`keeping revision ${v2}`);
      expect(failure).toMatch(/decision\.rego:\d+:\d+/);
      const seen = new Set(running.answers.map((a) => a.policy_revision));
      expect(seen).toEqual(new Set([v1, v2]));
      // Once v2 was active, nothing was decided by v1 again.
      const firstV2 = running.answers.findIndex((a) => a.policy_revision === v2);
      expect(running.answers.slice(firstV2).every((a) => a.policy_revision === v2)).toBe(true);
      await expectAnswersMatchRevisions(decider, running.answers, new Map([[v1, 'v1'], [v2, 'v2']]));
      const metrics = decider.decider.metrics.render();
      expect(metrics).toContain('taskgate_policy_reloads_total{status="loaded"} 2');
      expect(metrics).toMatch(/taskgate_policy_reloads_total\{status="failed"\} [1-9]/);
    } finally {
      client.close();
      await decider.close();
    }
  });

  it('reloads a bundle file replaced under load', { timeout: 240_000 }, async () => {
    const root = tempDir();
    const build = async (version: string, revision: string) => {
      writePolicy(join(root, `src-${version}`), { 'decision.rego': policyVersion(version) });
      const built = await cli(['policy', 'build', '-o', join(root, `${version}.tar.gz`), '--revision', revision, join(root, `src-${version}`)]);
      expect(built.code, built.stderr).toBe(0);
    };
    await build('v1', 'rev-one');
    await build('v2', 'rev-two');
    const bundle = join(root, 'active.tar.gz');
    await cli(['policy', 'build', '-o', bundle, '--revision', 'rev-one', join(root, 'src-v1')]);
    const decider = await startTestDecider({ bundle, dataDir: join(root, 'var'), watch: true });
    const client = connectDecider(decider.address);
    try {
      expect(decider.decider.engine.current!.revision).toBe('rev-one');
      const token = await issueToken(decider.dataDir, 'api-task', ['api:read']);
      const { session_id } = await client.openSession({ credential: token, resource: 'api', kind: 'http' });
      const stream = client.stream();
      const running = load(stream, session_id, 8);
      await until(() => running.answers.length > 100, 'decisions under rev-one');
      // Replace it the way deploy tools do: write aside, then rename over.
      const { rename, copyFile } = await import('node:fs/promises');
      await copyFile(join(root, 'v2.tar.gz'), `${bundle}.tmp`);
      await rename(`${bundle}.tmp`, bundle);
      await until(() => decider.decider.engine.current!.revision === 'rev-two', 'the bundle reload');
      const after = running.answers.length;
      await until(() => running.answers.length > after + 100, 'decisions under rev-two');
      await running.stop();
      stream.end();
      expect(running.failures).toEqual([]);
      await expectAnswersMatchRevisions(decider, running.answers, new Map([['rev-one', 'v1'], ['rev-two', 'v2']]));
    } finally {
      client.close();
      await decider.close();
    }
  });
});
