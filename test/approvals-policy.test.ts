// Who may approve is answered by the module that decides: one compile, one revision for both, switched together
// by a reload. A policy without data.taskgate.approve still decides, and refuses every vote saying how to fix it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activeApproverPolicy, type ApproveInput } from '../decider/approvals/approver-policy.js';
import { PolicyEngine } from '../decider/engine/policy-engine.js';
import type { PolicySource } from '../decider/engine/policy-source.js';
import { runCli } from './fixtures/cli.js';

const DECISION_REGO = `package taskgate
import rego.v1
decision := {"verdict": "allow", "reasons": ["test policy"]}
`;

/** Allows the approvers named in `allowed`, refuses everyone else. */
function approveRego(allowed: string[]): string {
  return `package taskgate
import rego.v1
default approve := {"allowed": false, "reasons": ["not on the list"]}
approve := {"allowed": true, "reasons": ["on the list"]} if input.approver.subject in ${JSON.stringify(allowed)}
`;
}

const vote: ApproveInput = {
  approver: { subject: 'bob', issuer: 'test', groups: [] },
  request: { id: 'apr_1', requester: { subject: 'alice' }, approvers: ['user:bob'] },
  now: '2026-11-29T10:00:00Z',
};

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function policyDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'taskgate-approve-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

async function loadedEngine(source: PolicySource, logged: string[] = []): Promise<PolicyEngine> {
  const engine = new PolicyEngine({ source, evaluationTimeoutMs: 1000, log: (line) => logged.push(line) });
  expect(await engine.reload()).toMatchObject({ status: 'loaded' });
  return engine;
}

describe('the approver policy follows the loaded policy', () => {
  it('answers a vote right after the first load, and an edited approve.rego after a reload', async () => {
    const dir = await policyDir({ 'decision.rego': DECISION_REGO, 'approve.rego': approveRego(['carol']) });
    const engine = await loadedEngine({ kind: 'directory', path: dir });
    const approvers = activeApproverPolicy(engine);
    expect(approvers.decide(vote)).toEqual({ allowed: false, reasons: ['not on the list'] });
    const before = engine.current!.revision;

    await writeFile(join(dir, 'approve.rego'), approveRego(['bob', 'carol']));
    expect(await engine.reload()).toMatchObject({ status: 'loaded', previous: before });
    expect(approvers.decide(vote)).toEqual({ allowed: true, reasons: ['on the list'] });
    // Only who may approve changed, and that alone is a new revision: decisions and votes name one policy.
    expect(engine.current!.revision).not.toBe(before);
    expect(engine.decide('{}').decision.verdict).toBe('allow');
  }, 120_000);

  it('refuses every vote, naming the fix, when a directory defines no approve rule', async () => {
    const dir = await policyDir({ 'decision.rego': DECISION_REGO });
    const logged: string[] = [];
    const engine = await loadedEngine({ kind: 'directory', path: dir }, logged);
    expect(engine.decide('{}').decision.verdict).toBe('allow');
    const verdict = activeApproverPolicy(engine).decide(vote);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reasons).toEqual([
      `policy directory ${dir} defines no rule data.taskgate.approve, so every approval vote is refused; ` +
        'add one that says who may approve (see docs/approvals.md), so the approval is refused',
    ]);
    expect(logged.join('\n')).toContain('defines no rule data.taskgate.approve');
  }, 120_000);

  it('serves decisions from a bundle built without the approve entrypoint and refuses votes with how to rebuild it', async () => {
    const dir = await policyDir({ 'decision.rego': DECISION_REGO, 'approve.rego': approveRego(['bob']) });
    const bundle = join(dir, 'bundle.tar.gz');
    expect((await runCli('policy', 'build', '-e', 'taskgate/decision', '-o', bundle, join(dir, 'decision.rego'), join(dir, 'approve.rego'))).code).toBe(0);
    const engine = await loadedEngine({ kind: 'bundle', path: bundle });
    expect(engine.decide('{}').decision.verdict).toBe('allow');
    const verdict = activeApproverPolicy(engine).decide(vote);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reasons[0]).toContain('has no entrypoint taskgate/approve, so every approval vote is refused');
    expect(verdict.reasons[0]).toContain('taskgate policy build -e taskgate/decision -e taskgate/approve');
  }, 120_000);

  it('answers votes from a bundle built with both entrypoints', async () => {
    const dir = await policyDir({ 'decision.rego': DECISION_REGO, 'approve.rego': approveRego(['bob']) });
    const bundle = join(dir, 'bundle.tar.gz');
    const built = await runCli('policy', 'build', '-e', 'taskgate/decision', '-e', 'taskgate/approve', '-o', bundle, join(dir, 'decision.rego'), join(dir, 'approve.rego'));
    expect(built.code).toBe(0);
    const engine = await loadedEngine({ kind: 'bundle', path: bundle });
    expect(activeApproverPolicy(engine).decide(vote)).toEqual({ allowed: true, reasons: ['on the list'] });
  }, 120_000);
});
