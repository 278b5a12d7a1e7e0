// The database layout and how an older file is brought up to it. Each migration runs once, in its own
// transaction, and `PRAGMA user_version` records how many have run.
import { StoreError } from './errors.js';
import type { SqliteConnection } from './sqlite.js';

/**
 * Migrations in order; index + 1 is the schema version they produce. Never edit one that has shipped:
 * append a new one instead, or files written by older versions stop matching the code.
 *
 * Append-only tables refuse UPDATE and DELETE through triggers. That stops the application (and anyone using the
 * database casually) from changing history; someone who drops the triggers can still edit rows, which is why the
 * audit chain is hashed and `verify()` exists. Tasks and revocations are immutable for the same reason: a revoked
 * task stays revoked.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE audit (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    time             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    session_id       TEXT,
    subject          TEXT,
    issuer           TEXT,
    task_id          TEXT,
    task_name        TEXT,
    resource         TEXT,
    operation_kind   TEXT,
    operation_action TEXT,
    operation        TEXT,
    verdict          TEXT,
    reasons          TEXT,
    masks            TEXT,
    approval_id      TEXT,
    policy_revision  TEXT,
    latency_us       INTEGER,
    actor            TEXT,
    detail           TEXT,
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
  ) STRICT;
  CREATE TRIGGER audit_refuse_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END;
  CREATE TRIGGER audit_refuse_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END;

  CREATE TABLE tasks (
    id         TEXT PRIMARY KEY,
    subject    TEXT NOT NULL,
    name       TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    grants     TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    issued_by  TEXT
  ) STRICT;
  CREATE TRIGGER tasks_refuse_update BEFORE UPDATE ON tasks
    BEGIN SELECT RAISE(ABORT, 'tasks are immutable: UPDATE refused'); END;
  CREATE TRIGGER tasks_refuse_delete BEFORE DELETE ON tasks
    BEGIN SELECT RAISE(ABORT, 'tasks are immutable: DELETE refused'); END;

  -- seq orders revocations by commit (every write holds the database's write lock), so a reader can ask
  -- for "everything after the last one I saw".
  CREATE TABLE revocations (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id    TEXT NOT NULL UNIQUE REFERENCES tasks(id),
    revoked_at TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    reason     TEXT NOT NULL
  ) STRICT;
  CREATE TRIGGER revocations_refuse_update BEFORE UPDATE ON revocations
    BEGIN SELECT RAISE(ABORT, 'revocations are permanent: UPDATE refused'); END;
  CREATE TRIGGER revocations_refuse_delete BEFORE DELETE ON revocations
    BEGIN SELECT RAISE(ABORT, 'revocations are permanent: DELETE refused'); END;
  `,
  // Just-in-time approvals: the request is immutable, and what happens to it is an append-only list of events,
  // so its state is always the fold of its committed history and survives any restart.
  `
  CREATE TABLE approvals (
    id               TEXT PRIMARY KEY,
    fingerprint      TEXT NOT NULL,
    session_id       TEXT NOT NULL,
    requester        TEXT NOT NULL,
    task_id          TEXT,
    task_name        TEXT,
    resource         TEXT NOT NULL,
    operation        TEXT NOT NULL,
    operation_kind   TEXT NOT NULL,
    operation_action TEXT,
    approvers        TEXT NOT NULL,
    min_approvals    INTEGER NOT NULL,
    ttl_seconds      INTEGER NOT NULL,
    scope            TEXT NOT NULL,
    reasons          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL
  ) STRICT;
  CREATE INDEX approvals_by_operation ON approvals (resource, fingerprint);
  CREATE TRIGGER approvals_refuse_update BEFORE UPDATE ON approvals
    BEGIN SELECT RAISE(ABORT, 'approval requests are immutable: UPDATE refused'); END;
  CREATE TRIGGER approvals_refuse_delete BEFORE DELETE ON approvals
    BEGIN SELECT RAISE(ABORT, 'approval requests are immutable: DELETE refused'); END;

  CREATE TABLE approval_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    approval_id TEXT NOT NULL REFERENCES approvals(id),
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    reason      TEXT,
    session_id  TEXT,
    at          TEXT NOT NULL
  ) STRICT;
  CREATE INDEX approval_events_by_approval ON approval_events (approval_id, seq);
  CREATE TRIGGER approval_events_refuse_update BEFORE UPDATE ON approval_events
    BEGIN SELECT RAISE(ABORT, 'approval events are append-only: UPDATE refused'); END;
  CREATE TRIGGER approval_events_refuse_delete BEFORE DELETE ON approval_events
    BEGIN SELECT RAISE(ABORT, 'approval events are append-only: DELETE refused'); END;
  `,
  // The values bound to a held statement's placeholders, so approvers see what they approve (NULL: none bound,
  // or a request recorded before this column existed).
  `
  ALTER TABLE approvals ADD COLUMN parameters TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Settings every connection needs. WAL lets readers (`audit ls`, `verify`, revocation checks, other deciders)
 * run beside the one writer. synchronous=FULL, not NORMAL: in WAL mode NORMAL skips the fsync at commit, so a
 * power cut could lose transactions whose verdicts were already answered, which breaks the promise that no
 * operation reaches a target without its record on disk. Group commit pays that fsync once per batch.
 */
export async function configureConnection(db: SqliteConnection): Promise<void> {
  await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
}

/** Brings the file to SCHEMA_VERSION; concurrent openers serialize on the write lock and re-read the version. */
export async function migrate(db: SqliteConnection): Promise<void> {
  if ((await readVersion(db)) === SCHEMA_VERSION) return;
  await db.exec('BEGIN IMMEDIATE');
  try {
    const version = await readVersion(db);
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'schema_too_new',
        `the database has schema version ${version}; this taskgate knows up to ${SCHEMA_VERSION}`,
      );
    }
    for (let v = version; v < SCHEMA_VERSION; v++) await db.exec(MIGRATIONS[v]);
    // PRAGMA takes no bound parameters; the value is our own integer.
    await db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    await db.exec('COMMIT');
  } catch (err) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function readVersion(db: SqliteConnection): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}
