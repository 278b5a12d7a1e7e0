import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../decider/store/canonical-json.js';
import { hashAuditRow, type HashedRow } from '../decider/store/hash.js';
import {
  GENESIS_HASH,
  openSqliteStore,
  openStore,
  StoreError,
  type AuditRecord,
  type Store,
} from '../decider/store/index.js';
import { SqliteConnection } from '../decider/store/sqlite.js';
import { decision, removeTempDirs, requireSqliteCli, sqliteCli, sqliteCliRows, tempDbFile } from './fixtures/store.js';

afterAll(removeTempDirs);

async function collect(store: Store): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const record of store.export()) out.push(record);
  return out;
}

async function withStore<T>(file: string, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore({ file });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

async function expectStoreError(promise: Promise<unknown>, code: string): Promise<StoreError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected StoreError ${code}, but it resolved`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  return err as StoreError;
}

/** The hash as DESIGNED in decider/store/hash.ts, written out independently of the implementation. */
function hashAsDocumented(record: AuditRecord): string {
  const json = (v: unknown) => (v === null ? null : canonicalJson(v, 'test'));
  const fields: (string | number | null)[] = [
    record.seq, record.time, record.kind, record.sessionId, record.subject, record.issuer, record.taskId,
    record.taskName, record.resource, record.operationKind, record.operationAction, json(record.operation),
    record.verdict, json(record.reasons), json(record.masks), record.approvalId, record.policyRevision,
    record.latencyUs, record.actor, json(record.detail), record.prevHash,
  ];
  const parts: Buffer[] = [Buffer.from('taskgate.audit.v1\0', 'utf8')];
  for (const field of fields) {
    if (field === null) {
      parts.push(Buffer.from([0]));
      continue;
    }
    const bytes = Buffer.from(String(field), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(Buffer.from([1]), length, bytes);
  }
  return createHash('sha256').update(Buffer.concat(parts)).digest('hex');
}

describe('append', () => {
  it('chains records from the genesis value, with the fields it was given', async () => {
    const file = tempDbFile();
    await withStore(file, async (store) => {
      const first = await store.append(decision({ verdict: 'mask', masks: [{ table: 'public.users', column: 'ssn', method: 'redact' }] }));
      const second = await store.append({ kind: 'approval', approvalId: 'apr_1', action: 'approved', actor: 'bob', reason: 'ok' });
      expect(first.seq).toBe(1);
      expect(second.seq).toBe(2);
      expect(first.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      const [a, b] = await collect(store);
      expect(a.prevHash).toBe(GENESIS_HASH);
      expect(a.hash).toBe(first.hash);
      expect(b.prevHash).toBe(a.hash);
      expect(a.hash).toBe(hashAsDocumented(a));
      expect(b.hash).toBe(hashAsDocumented(b));
      expect(a).toMatchObject({
        kind: 'decision', subject: 'ci-backup', issuer: 'https://taskgate.example', taskId: 'tsk_1',
        taskName: 'nightly-orders-backup', resource: 'orders-db', operationKind: 'postgres',
        operationAction: 'read', verdict: 'mask', reasons: [], policyRevision: 'rev-1', latencyUs: 120,
        masks: [{ table: 'public.users', column: 'ssn', method: 'redact' }],
        operation: { kind: 'postgres', action: 'read', postgres: { text: 'SELECT 1' } },
      });
      expect(b).toMatchObject({
        kind: 'approval', approvalId: 'apr_1', actor: 'bob', detail: { action: 'approved', reason: 'ok' },
        verdict: null, latencyUs: null,
      });
    });
  });

  it('stores an operation document canonically, and operation text as given', async () => {
    const file = tempDbFile();
    await withStore(file, async (store) => {
      await store.append(decision({ operation: { b: 1, a: { d: [1, 'x'], c: null } } }));
      await store.append(decision({ operation: { a: { c: null, d: [1, 'x'], e: undefined }, b: 1 } as never }));
      // As text (the decider's way): the very text the policy evaluated.
      await store.append(decision({ operation: undefined, operationJson: '{"b":1,"a":{"d":[1,"x"],"c":null}}' }));
    });
    expect(sqliteCli(file, 'SELECT operation FROM audit ORDER BY seq')).toBe(
      '{"a":{"c":null,"d":[1,"x"]},"b":1}\n'.repeat(2) + '{"b":1,"a":{"d":[1,"x"],"c":null}}\n',
    );
  });

  it('refuses malformed entries with invalid_record and writes nothing', async () => {
    await withStore(tempDbFile(), async (store) => {
      const bad: unknown[] = [
        decision({ verdict: 'maybe' as never }),
        decision({ latencyUs: -1 }),
        decision({ latencyUs: 1.5 }),
        decision({ operation: { n: Number.NaN } as never }),
        decision({ operation: { when: new Date() } as never }),
        decision({ operation: [1, undefined] as never }),
        decision({ masks: [() => 1] as never }),
        decision({ operation: undefined, operationJson: '{"a":' }),
        decision({ operation: undefined, operationJson: 42 as never }),
        decision({ operation: undefined, operationJson: '[1, 2]' }),
        decision({ operation: { a: 1 }, operationJson: '{"a":1}' }),
        decision({ reasons: [1] as never }),
        decision({ subject: 42 as never }),
        { kind: 'approval', approvalId: 'apr_1', action: 'approve', actor: 'bob' },
        { kind: 'task_issued' },
        null,
      ];
      for (const entry of bad) await expectStoreError(store.append(entry as never), 'invalid_record');
      expect(await store.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
    });
  });

  it('gives concurrent appends distinct, gap-free seqs', async () => {
    await withStore(tempDbFile(), async (store) => {
      const receipts = await Promise.all(Array.from({ length: 300 }, (_, i) => store.append(decision({ latencyUs: i }))));
      expect(receipts.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect(await store.verify()).toMatchObject({ ok: true, count: 300 });
    });
  });

  it('rejects every append of a batch whose transaction fails, then carries on without a gap', async () => {
    const file = tempDbFile();
    await withStore(file, async (store) => {
      await store.append(decision());
      // A failure inside SQLite, from the real write path: one row of the batch cannot be inserted.
      sqliteCli(file, "CREATE TRIGGER poison BEFORE INSERT ON audit WHEN NEW.resource = 'poison' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
      const batch = [store.append(decision()), store.append(decision({ resource: 'poison' })), store.append(decision())];
      const results = await Promise.allSettled(batch);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const reason = (result as PromiseRejectedResult).reason as StoreError;
        expect(reason.code).toBe('audit_write_failed');
        expect(reason.message).toContain('disk on fire');
      }
      sqliteCli(file, 'DROP TRIGGER poison;');
      expect((await store.append(decision())).seq).toBe(2);
      expect(await store.verify()).toMatchObject({ ok: true, count: 2 });
    });
  });

  it('keeps one chain when two stores (two deciders) write to the same file', async () => {
    const file = tempDbFile();
    const [a, b] = [await openSqliteStore({ file }), await openSqliteStore({ file })];
    try {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).append(decision({ latencyUs: i }))),
      );
      expect(await a.verify()).toMatchObject({ ok: true, count: 100 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('commits what was queued before close, and refuses appends after it', async () => {
    const file = tempDbFile();
    const store = await openSqliteStore({ file });
    const pending = Array.from({ length: 20 }, () => store.append(decision()));
    await store.close();
    expect((await Promise.all(pending)).length).toBe(20);
    await expectStoreError(store.append(decision()), 'store_closed');
    await expectStoreError(store.verify(), 'store_closed');
    await withStore(file, async (reopened) => expect(await reopened.verify()).toMatchObject({ ok: true, count: 20 }));
  });

  it('openStore creates the data directory and var/taskgate.db-style file', async () => {
    const dir = resolve(tempDbFile(), '..', 'nested', 'data');
    const store = await openStore({ dataDir: dir });
    await store.append(decision());
    await store.close();
    expect(sqliteCli(resolve(dir, 'taskgate.db'), 'SELECT count(*) FROM audit')).toBe('1\n');
    expect(sqliteCli(resolve(dir, 'taskgate.db'), 'PRAGMA journal_mode')).toBe('wal\n');
  });
});

describe('opening', () => {
  it('refuses a database written by a newer schema', async () => {
    const file = tempDbFile();
    await withStore(file, (store) => store.append(decision()));
    sqliteCli(file, 'PRAGMA user_version = 99;');
    const err = await expectStoreError(openSqliteStore({ file }), 'schema_too_new');
    expect(err.message).toContain('99');
  });

  it('reports a path it cannot open as store_unavailable', async () => {
    const dir = resolve(tempDbFile(), '..');
    const err = await expectStoreError(openSqliteStore({ file: dir }), 'store_unavailable');
    expect(err.message).toContain(dir);
  });
});

describe('append-only guard', () => {
  it('refuses UPDATE and DELETE on the audit table from an application connection', async () => {
    const file = tempDbFile();
    await withStore(file, (store) => store.append(decision()));
    const db = await SqliteConnection.open(file, { busyTimeoutMs: 1000 });
    try {
      await expect(db.run("UPDATE audit SET verdict = 'deny'")).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(db.run('DELETE FROM audit')).rejects.toThrow(/append-only: DELETE refused/);
    } finally {
      await db.close();
    }
  });
});

describe('verify', () => {
  beforeAll(requireSqliteCli);

  /** A log of 10 records where record n has latency n. */
  async function tenRecords(): Promise<string> {
    const file = tempDbFile();
    await withStore(file, async (store) => {
      for (let n = 1; n <= 10; n++) await store.append(decision({ latencyUs: n }));
    });
    return file;
  }

  const bypassTriggers = 'DROP TRIGGER audit_refuse_update; DROP TRIGGER audit_refuse_delete;';
  const verifyFile = (file: string) => withStore(file, (store) => store.verify());

  it('passes an intact log and reports its head', async () => {
    const file = await tenRecords();
    const result = await verifyFile(file);
    expect(result).toMatchObject({ ok: true, count: 10, head: { seq: 10 } });
    expect(await withStore(file, (s) => s.head())).toEqual((result as { head: unknown }).head);
  });

  it('passes an empty log', async () => {
    expect(await verifyFile(tempDbFile())).toEqual({ ok: true, count: 0, head: { seq: 0, hash: GENESIS_HASH } });
  });

  it('names a record altered with the sqlite3 CLI', async () => {
    const file = await tenRecords();
    sqliteCli(file, `${bypassTriggers} UPDATE audit SET verdict = 'deny' WHERE seq = 6;`);
    expect(sqliteCli(file, 'SELECT verdict FROM audit WHERE seq = 6')).toBe('deny\n');
    const result = await verifyFile(file);
    expect(result).toMatchObject({ ok: false, seq: 6, problem: 'altered' });
    expect((result as { reason: string }).reason).toContain('record 6');
  });

  it('names a record removed from the middle', async () => {
    const file = await tenRecords();
    sqliteCli(file, `${bypassTriggers} DELETE FROM audit WHERE seq = 4;`);
    expect(await verifyFile(file)).toMatchObject({ ok: false, seq: 4, problem: 'missing' });
  });

  it('names the first record when it is removed', async () => {
    const file = await tenRecords();
    sqliteCli(file, `${bypassTriggers} DELETE FROM audit WHERE seq = 1;`);
    expect(await verifyFile(file)).toMatchObject({ ok: false, seq: 1, problem: 'missing' });
  });

  it('notices records removed from the end', async () => {
    const file = await tenRecords();
    sqliteCli(file, `${bypassTriggers} DELETE FROM audit WHERE seq >= 9;`);
    const result = await verifyFile(file);
    expect(result).toMatchObject({ ok: false, seq: 9, problem: 'missing' });
    expect((result as { reason: string }).reason).toContain('records 9 to 10');
  });

  it('names the record after one rewritten together with its own hash', async () => {
    const file = await tenRecords();
    // The forger recomputes record 3's hash correctly; record 4 still points at the old one.
    const row = sqliteCliRows(file, 'SELECT * FROM audit WHERE seq = 3')[0] as unknown as HashedRow;
    const forged = { ...row, latency_us: 999 };
    const forgedHash = hashAuditRow(forged);
    sqliteCli(file, `${bypassTriggers} UPDATE audit SET latency_us = 999, hash = '${forgedHash}' WHERE seq = 3;`);
    expect(await verifyFile(file)).toMatchObject({ ok: false, seq: 4, problem: 'reordered' });
  });

  it('names records that were swapped', async () => {
    const file = await tenRecords();
    sqliteCli(
      file,
      `${bypassTriggers} UPDATE audit SET seq = -7 WHERE seq = 7; UPDATE audit SET seq = 7 WHERE seq = 8; ` +
        'UPDATE audit SET seq = 8 WHERE seq = -7;',
    );
    expect(await verifyFile(file)).toMatchObject({ ok: false, seq: 7 });
  });

  it('streams a log larger than one page', async () => {
    const file = tempDbFile();
    await withStore(file, async (store) => {
      await Promise.all(Array.from({ length: 4500 }, (_, i) => store.append(decision({ latencyUs: i }))));
      expect(await store.verify()).toMatchObject({ ok: true, count: 4500 });
      const all = await collect(store);
      expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 4500 }, (_, i) => i + 1));
    });
    sqliteCli(file, `${bypassTriggers} UPDATE audit SET reasons = '["x"]' WHERE seq = 4321;`);
    expect(await verifyFile(file)).toMatchObject({ ok: false, seq: 4321, problem: 'altered' });
  });
});

describe('hash', () => {
  it('is the documented encoding, byte for byte, so records written by earlier versions still verify', () => {
    // Computed once by the first implementation; any change to the encoding must change ENCODING_TAG instead.
    const row: HashedRow = {
      seq: 42, time: '2026-11-29T17:00:00.000Z', kind: 'decision', session_id: 'ses_1', subject: 'ci-bot', issuer: 'taskgate',
      task_id: 'tsk_1', task_name: 'nightly', resource: 'orders-db', operation_kind: 'postgres', operation_action: 'read',
      operation: '{"kind":"postgres","note":"naïve ✓ 🚀"}', verdict: 'mask', reasons: '["r"]', masks: '[]', approval_id: null,
      policy_revision: 'abc', latency_us: 1234, actor: null, detail: null, prev_hash: '0'.repeat(64),
    };
    expect(hashAuditRow(row)).toBe('0538ff75f00e5393a9a7d6a2e71d1a12894cb5bf199da624080cac9e29140d09');
    // Every column counts, NULL differs from empty, and a long value still fits.
    expect(hashAuditRow({ ...row, actor: '' })).not.toBe(hashAuditRow(row));
    expect(hashAuditRow({ ...row, operation: '"' + 'é'.repeat(50_000) + '"' })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('list', () => {
  it('filters by subject, task, verdict, kind and time, newest `limit` in seq order', async () => {
    let now = Date.parse('2026-11-29T10:00:00.000Z');
    const clock = () => new Date(now);
    const store = await openSqliteStore({ file: tempDbFile(), clock });
    try {
      await store.append(decision({ subject: 'alice', verdict: 'allow' }));
      now += 60_000;
      await store.append(decision({ subject: 'bob', taskId: 'tsk_2', taskName: 'cleanup', verdict: 'deny' }));
      now += 60_000;
      await store.append(decision({ subject: 'alice', verdict: 'deny' }));
      await store.append({ kind: 'approval', approvalId: 'apr_1', action: 'requested', actor: 'alice', subject: 'alice' });

      const seqs = (records: AuditRecord[]) => records.map((r) => r.seq);
      expect(seqs(await store.list())).toEqual([1, 2, 3, 4]);
      expect(seqs(await store.list({ subject: 'alice' }))).toEqual([1, 3, 4]);
      expect(seqs(await store.list({ task: 'tsk_2' }))).toEqual([2]);
      expect(seqs(await store.list({ task: 'cleanup' }))).toEqual([2]);
      expect(seqs(await store.list({ verdict: 'deny' }))).toEqual([2, 3]);
      expect(seqs(await store.list({ kind: 'approval' }))).toEqual([4]);
      expect(seqs(await store.list({ since: '2026-11-29T10:01:00Z' }))).toEqual([2, 3, 4]);
      expect(seqs(await store.list({ since: new Date('2026-11-29T10:01:30Z') }))).toEqual([3, 4]);
      expect(seqs(await store.list({ subject: 'alice', verdict: 'deny' }))).toEqual([3]);
      expect(seqs(await store.list({ limit: 2 }))).toEqual([3, 4]);
      await expectStoreError(store.list({ since: 'yesterday' }), 'invalid_filter');
      await expectStoreError(store.list({ limit: 0 }), 'invalid_filter');
    } finally {
      await store.close();
    }
  });
});

describe('crash safety', () => {
  it('keeps every append a SIGKILLed writer reported as committed, and the chain verifies', async () => {
    const file = tempDbFile();
    const child = spawn(
      process.execPath,
      ['--import', './test/fixtures/ts-loader/register.mjs', 'test/fixtures/audit-crash-child.ts', file],
      { cwd: resolve(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((done) =>
      child.on('exit', (code, signal) => done(signal ?? code)),
    );
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`child reported too few appends; stderr:\n${stderr}`)), 45_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        // Kill it mid-stream, while many appends are in flight.
        if (stdout.split('\n').length > 1500) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          done();
        }
      });
      child.on('exit', () => fail(new Error(`child exited on its own; stderr:\n${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');

    const reported = stdout
      .split('\n')
      .slice(0, -1) // the last piece may be a line cut short by the kill
      .map((line) => line.split(' ').map(Number));
    expect(reported.length).toBeGreaterThan(1000);

    await withStore(file, async (store) => {
      const result = await store.verify();
      expect(result).toMatchObject({ ok: true });
      const resources = new Map<number, string | null>();
      for await (const record of store.export()) resources.set(record.seq, record.resource);
      for (const [seq, n] of reported) expect(resources.get(seq)).toBe(`crash-${n}`);
    });
  });
});
