// Task records and revocations. Changes run inside the audit writer's transactions, so a task and the audit
// record that tells of it commit together or not at all.
import { emptyContent, optionalString, requiredString, stringList, stringOrEmpty } from './audit-row.js';
import { canonicalJson } from './canonical-json.js';
import { StoreError } from './errors.js';
import type { BatchTransaction } from './group-commit.js';
import type { AuditReceipt, NewTask, Revocation, TaskGrant, TaskRecord } from './index.js';
import type { SqliteConnection } from './sqlite.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const GRANT_KEYS: ReadonlySet<string> = new Set(['resource', 'actions', 'objects', 'unmasked']);

interface TaskRow {
  id: string;
  subject: string;
  name: string;
  purpose: string;
  grants: string;
  issued_at: string;
  expires_at: string;
  issued_by: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  reason: string | null;
}

const SELECT_TASKS =
  'SELECT t.*, r.revoked_at, r.revoked_by, r.reason FROM tasks t LEFT JOIN revocations r ON r.task_id = t.id';

/**
 * The reason a revoked task's operation is denied, as the audit record and the client both get it: what was
 * revoked, by whom, when and why, and what to do about it.
 */
export function revokedTaskReason(task: { readonly id: string; readonly name?: string }, revocation: Revocation | null): string {
  const detail = revocation ? ` by ${revocation.by} at ${revocation.at}${revocation.reason ? ` (${revocation.reason})` : ''}` : '';
  return `task ${task.name ?? task.id} (${task.id}) was revoked${detail}: ask for a new task token with \`taskgate task issue\``;
}

/** Checks a task from outside and returns it in the shape that is stored. */
export function validTask(task: NewTask): NewTask {
  if (typeof task !== 'object' || task === null) throw invalid('the task is not an object');
  const issuedAt = timestamp(task.issuedAt, 'issuedAt');
  const expiresAt = timestamp(task.expiresAt, 'expiresAt');
  if (Date.parse(expiresAt) <= Date.parse(issuedAt)) throw invalid('expiresAt must be later than issuedAt');
  if (!Array.isArray(task.grants)) throw invalid('grants must be a list');
  const issuedBy = optionalString(task.issuedBy, 'issuedBy');
  return {
    id: requiredString(task.id, 'id'),
    subject: requiredString(task.subject, 'subject'),
    name: requiredString(task.name, 'name'),
    purpose: stringOrEmpty(task.purpose, 'purpose'),
    grants: task.grants.map((g, i) => validGrant(g, `grants[${i}]`)),
    issuedAt,
    expiresAt,
    ...(issuedBy === null ? {} : { issuedBy }),
  };
}

function validGrant(grant: unknown, path: string): TaskGrant {
  if (typeof grant !== 'object' || grant === null || Array.isArray(grant)) throw invalid(`${path} is not an object`);
  const fields = grant as Record<string, unknown>;
  const unknown = Object.keys(fields).find((k) => !GRANT_KEYS.has(k));
  if (unknown !== undefined) throw invalid(`${path} has an unknown field ${JSON.stringify(unknown)}`);
  return {
    resource: requiredString(fields.resource, `${path}.resource`),
    actions: stringList(fields.actions, `${path}.actions`),
    ...(fields.objects === undefined ? {} : { objects: stringList(fields.objects, `${path}.objects`) }),
    ...(fields.unmasked === undefined ? {} : { unmasked: stringList(fields.unmasked, `${path}.unmasked`) }),
  };
}

function timestamp(value: unknown, field: string): string {
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(`${field} must be an RFC 3339 timestamp, got ${JSON.stringify(value)}`);
  }
  return value;
}

function invalid(message: string): StoreError {
  return new StoreError('invalid_record', message);
}

/** Inserts a validated task and its `task_issued` record; run through GroupCommitWriter.transact. */
export async function insertTask(tx: BatchTransaction, task: NewTask): Promise<AuditReceipt> {
  if (await tx.db.get('SELECT 1 FROM tasks WHERE id = ?', [task.id])) {
    throw new StoreError('task_exists', `task ${task.id} already exists`);
  }
  const grants = canonicalJson(task.grants, 'grants');
  await tx.db.run(
    'INSERT INTO tasks (id, subject, name, purpose, grants, issued_at, expires_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [task.id, task.subject, task.name, task.purpose, grants, task.issuedAt, task.expiresAt, task.issuedBy ?? null],
  );
  return tx.appendRecord({
    ...emptyContent('task_issued'),
    subject: task.subject,
    task_id: task.id,
    task_name: task.name,
    actor: task.issuedBy ?? null,
    detail: canonicalJson(
      { purpose: task.purpose, grants: task.grants, issued_at: task.issuedAt, expires_at: task.expiresAt },
      'detail',
    ),
  });
}

export interface RevokeRequest {
  readonly id: string;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}

/** Records a revocation and its `task_revoked` record; run through GroupCommitWriter.transact. */
export async function insertRevocation(tx: BatchTransaction, request: RevokeRequest): Promise<AuditReceipt> {
  const task = await selectTask(tx.db, request.id);
  if (!task) throw new StoreError('task_not_found', `no task ${request.id}`);
  if (task.revocation) {
    throw new StoreError(
      'task_already_revoked',
      `task ${request.id} was already revoked at ${task.revocation.at} by ${task.revocation.by}`,
    );
  }
  await tx.db.run('INSERT INTO revocations (task_id, revoked_at, revoked_by, reason) VALUES (?, ?, ?, ?)', [
    request.id,
    request.at,
    request.by,
    request.reason,
  ]);
  return tx.appendRecord({
    ...emptyContent('task_revoked'),
    subject: task.subject,
    task_id: task.id,
    task_name: task.name,
    actor: request.by,
    detail: canonicalJson({ reason: request.reason }, 'detail'),
  });
}

export async function selectTask(db: SqliteConnection, id: string): Promise<TaskRecord | undefined> {
  const row = await db.get<TaskRow>(`${SELECT_TASKS} WHERE t.id = ?`, [id]);
  return row && taskOfRow(row);
}

/** Newest first: rowid follows insertion order, which issued_at (free-form offsets) would not sort reliably. */
export async function selectTasks(db: SqliteConnection): Promise<TaskRecord[]> {
  const rows = await db.all<TaskRow>(`${SELECT_TASKS} ORDER BY t.rowid DESC`);
  return rows.map(taskOfRow);
}

/** Revocations committed after `afterSeq`, in commit order. */
export function selectRevocationsAfter(
  db: SqliteConnection,
  afterSeq: number,
): Promise<{ seq: number; task_id: string }[]> {
  return db.all('SELECT seq, task_id FROM revocations WHERE seq > ? ORDER BY seq', [afterSeq]);
}

function taskOfRow(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    subject: row.subject,
    name: row.name,
    purpose: row.purpose,
    grants: JSON.parse(row.grants) as TaskGrant[],
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    ...(row.issued_by === null ? {} : { issuedBy: row.issued_by }),
    revocation:
      row.revoked_at === null ? null : { at: row.revoked_at, by: row.revoked_by ?? '', reason: row.reason ?? '' },
  };
}
