// `taskgate audit ls|verify|export` over a real data directory: records written by the store as the decider
// writes them, tasks issued through the CLI, and tampering done behind the store's back with the sqlite3 shell.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from './fixtures/cli.js';
import { openStore, type AuditRecord, type DecisionEntry, type Store } from '../decider/store/index.js';

function decision(overrides: Partial<DecisionEntry>): DecisionEntry {
  return {
    kind: 'decision',
    subject: 'ci-backup',
    issuer: 'taskgate',
    taskName: 'nightly-orders-backup',
    resource: 'orders-db',
    operationKind: 'postgres',
    operationAction: 'read',
    verdict: 'allow',
    reasons: ['task nightly-orders-backup grants read on orders-db (public.orders)'],
    latencyUs: 150,
    ...overrides,
  };
}

let dir: string;
let dataDir: string;
let taskId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskgate-audit-cli-'));
  dataDir = join(dir, 'var');
  const issued = await run(
    'task',
    'issue',
    '--subject',
    'ci-backup',
    '--task',
    'nightly-orders-backup',
    '--grant',
    'orders-db:read',
    '--data-dir',
    dataDir,
  );
  taskId = /tsk_[0-9A-Z]{26}/.exec(issued.stderr)![0];
  const store: Store = await openStore({ dataDir });
  try {
    await store.append(decision({ taskId }));
    await store.append(
      decision({
        taskId,
        operationAction: 'write',
        verdict: 'deny',
        reasons: ['task nightly-orders-backup has no grant for write on orders-db (public.orders)'],
      }),
    );
    await store.append(
      decision({
        subject: 'alice',
        issuer: 'https://idp.test',
        taskName: undefined,
        resource: 'web',
        verdict: 'mask',
        reasons: ['masked'],
      }),
    );
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('audit ls', () => {
  it('lists every record in a table, oldest first', async () => {
    const r = await run('audit', 'ls', '--data-dir', dataDir);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SEQ\s+TIME\s+KIND\s+SUBJECT\s+TASK\s+RESOURCE\s+ACTION\s+VERDICT\s+DETAIL$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['1', expect.stringMatching(/Z$/), 'task_issued'],
      ['2', expect.stringMatching(/Z$/), 'decision'],
      ['3', expect.stringMatching(/Z$/), 'decision'],
      ['4', expect.stringMatching(/Z$/), 'decision'],
    ]);
    expect(lines[3]).toMatch(
      /ci-backup\s+nightly-orders-backup\s+orders-db\s+write\s+deny\s+task nightly-orders-backup has no grant/,
    );
  });

  it('filters by subject, task, verdict and time', async () => {
    const seqs = async (...filter: string[]) => {
      const r = await run('audit', 'ls', '--json', '--data-dir', dataDir, ...filter);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as AuditRecord[]).map((record) => record.seq);
    };
    expect(await seqs()).toEqual([1, 2, 3, 4]);
    expect(await seqs('--subject', 'alice')).toEqual([4]);
    expect(await seqs('--task', 'nightly-orders-backup')).toEqual([1, 2, 3]);
    expect(await seqs('--task', taskId)).toEqual([1, 2, 3]);
    expect(await seqs('--verdict', 'deny')).toEqual([3]);
    expect(await seqs('--subject', 'ci-backup', '--verdict', 'allow')).toEqual([2]);
    expect(await seqs('--since', '1h')).toEqual([1, 2, 3, 4]);
    expect(await seqs('--since', new Date(Date.now() + 60_000).toISOString())).toEqual([]);
    expect(await seqs('--limit', '2')).toEqual([3, 4]);
    expect(await seqs('--kind', 'task_issued')).toEqual([1]);
  });

  it('prints the records in full with --json', async () => {
    const records = JSON.parse(
      (await run('audit', 'ls', '--json', '--verdict', 'deny', '--data-dir', dataDir)).stdout,
    ) as AuditRecord[];
    expect(records[0]).toMatchObject({
      seq: 3,
      kind: 'decision',
      subject: 'ci-backup',
      taskId,
      verdict: 'deny',
      reasons: ['task nightly-orders-backup has no grant for write on orders-db (public.orders)'],
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('refuses filters it cannot apply, saying what would work', async () => {
    const verdict = await run('audit', 'ls', '--verdict', 'denied', '--data-dir', dataDir);
    expect(verdict.code).toBe(2);
    expect(verdict.stderr).toContain(
      '--verdict "denied" is not a verdict: use one of allow, deny, mask, require_approval',
    );
    const since = await run('audit', 'ls', '--since', 'yesterday', '--data-dir', dataDir);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since: "yesterday" is not a duration');
    const kind = await run('audit', 'ls', '--kind', 'decisions', '--data-dir', dataDir);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--kind "decisions" is not a kind of record: use one of decision, approval,');
    const limit = await run('audit', 'ls', '--limit', '0', '--data-dir', dataDir);
    expect(limit.stderr).toContain('--limit "0" must be a whole number from 1 to 10000');
  });
});

describe('audit export', () => {
  it('prints every record as one JSON line, chained by hash', async () => {
    const r = await run('audit', 'export', '--format', 'jsonl', '--data-dir', dataDir);
    expect(r.code, r.stderr).toBe(0);
    const records = r.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditRecord);
    expect(records.map((record) => record.seq)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < records.length; i++) expect(records[i].prevHash).toBe(records[i - 1].hash);
    expect(records[0]).toMatchObject({
      kind: 'task_issued',
      taskId,
      detail: { grants: [{ resource: 'orders-db', actions: ['read'] }] },
    });
    expect((await run('audit', 'export', '--data-dir', dataDir)).stdout).toBe(r.stdout);
  });

  it('refuses formats it does not write', async () => {
    const r = await run('audit', 'export', '--format', 'csv', '--data-dir', dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format "csv" is not supported: use jsonl');
  });
});

describe('audit verify', () => {
  const sqlite = (file: string, sql: string) => execFileSync('sqlite3', ['-bail', file, sql], { encoding: 'utf8' });

  async function copyOfData(name: string): Promise<string> {
    const copy = join(dir, name);
    await cp(dataDir, copy, { recursive: true });
    return copy;
  }

  it('exits 0 on an intact log, with the count and head', async () => {
    const r = await run('audit', 'verify', '--data-dir', dataDir);
    expect(r.code, r.stderr).toBe(0);
    const store = await openStore({ dataDir });
    const head = await store.head();
    await store.close();
    expect(r.stdout).toBe(`audit log intact: 4 records, head seq 4 hash ${head.hash}\n`);
  });

  it('exits 1 naming a record altered with the sqlite3 shell', async () => {
    const copy = await copyOfData('altered');
    sqlite(
      join(copy, 'taskgate.db'),
      "DROP TRIGGER audit_refuse_update; UPDATE audit SET verdict = 'allow' WHERE seq = 3;",
    );
    const r = await run('audit', 'verify', '--data-dir', copy);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^taskgate: audit log broken at record 3 \(altered\): /);
  });

  it('exits 1 naming a record deleted with the sqlite3 shell', async () => {
    const copy = await copyOfData('deleted');
    sqlite(join(copy, 'taskgate.db'), 'DROP TRIGGER audit_refuse_delete; DELETE FROM audit WHERE seq = 2;');
    const r = await run('audit', 'verify', '--data-dir', copy);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^taskgate: audit log broken at record 2 \(missing\): /);
  });

  it('says where to look when there is no audit log', async () => {
    const r = await run('audit', 'verify', '--data-dir', join(dir, 'nowhere'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no taskgate data in ${join(dir, 'nowhere')}`);
    expect(r.stderr).toContain('pass --data-dir');
  });
});

describe('help', () => {
  it('lists the audit subcommands and their options', async () => {
    const r = await run('audit', '--help');
    expect(r.code).toBe(0);
    for (const sub of ['ls', 'verify', 'export']) expect(r.stdout).toMatch(new RegExp(`^\\s+${sub}\\s+\\S`, 'm'));
    const ls = await run('audit', 'ls', '--help');
    for (const option of ['--subject', '--task', '--verdict', '--since', '--json', '--data-dir'])
      expect(ls.stdout).toContain(option);
    expect((await run('audit', 'verify', 'extra', '--data-dir', dataDir)).stderr).toContain(
      'unexpected argument "extra"',
    );
  });
});
