// Approval requests and their events. Changes run inside the audit writer's transactions, so an approval action
// and the audit record that tells of it commit together or not at all.
import { emptyContent, optionalString, requiredString, stringList } from './audit-row.js';
import { canonicalJson } from './canonical-json.js';
import { StoreError } from './errors.js';
import type { AuditContent } from './audit-row.js';
import type { BatchTransaction } from './group-commit.js';
import type {
  ApprovalEvent,
  ApprovalEventAction,
  ApprovalRecord,
  ApprovalTransition,
  AuditReceipt,
  JsonValue,
  NewApproval,
  NewApprovalEvent,
} from './index.js';
import type { SqliteConnection } from './sqlite.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const EVENT_ACTIONS: ReadonlySet<string> = new Set<ApprovalEventAction>(['approved', 'denied', 'expired', 'withdrawn', 'used']);
const SCOPES: ReadonlySet<string> = new Set(['once', 'window']);
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

interface ApprovalRow {
  id: string;
  fingerprint: string;
  session_id: string;
  requester: string;
  task_id: string | null;
  task_name: string | null;
  resource: string;
  operation: string;
  parameters: string | null;
  operation_kind: string;
  operation_action: string | null;
  approvers: string;
  min_approvals: number;
  ttl_seconds: number;
  scope: string;
  reasons: string;
  created_at: string;
  expires_at: string;
}

interface EventRow {
  seq: number;
  approval_id: string;
  action: string;
  actor: string;
  reason: string | null;
  session_id: string | null;
  at: string;
}

/** Checks a request from outside (its types are not trusted at run time) and returns it as it is stored. */
export function validApproval(approval: NewApproval): NewApproval {
  if (typeof approval !== 'object' || approval === null) throw invalid('the approval is not an object');
  const requester = approval.requester as unknown;
  if (typeof requester !== 'object' || requester === null) throw invalid('requester must be an object');
  const { subject, issuer, groups } = requester as Record<string, unknown>;
  const createdAt = timestamp(approval.createdAt, 'createdAt');
  const expiresAt = timestamp(approval.expiresAt, 'expiresAt');
  if (Date.parse(expiresAt) <= Date.parse(createdAt)) throw invalid('expiresAt must be later than createdAt');
  if (!SCOPES.has(approval.scope)) throw invalid(`scope must be once or window, got ${JSON.stringify(approval.scope)}`);
  const taskId = optionalString(approval.taskId, 'taskId');
  const taskName = optionalString(approval.taskName, 'taskName');
  const operationAction = optionalString(approval.operationAction, 'operationAction');
  canonicalJson(approval.operation, 'operation');
  if (approval.parameters !== undefined) {
    if (!Array.isArray(approval.parameters)) throw invalid('parameters must be a list');
    canonicalJson(approval.parameters, 'parameters');
  }
  return {
    id: requiredString(approval.id, 'id'),
    fingerprint: requiredString(approval.fingerprint, 'fingerprint'),
    sessionId: requiredString(approval.sessionId, 'sessionId'),
    requester: {
      subject: requiredString(subject, 'requester.subject'),
      issuer: requiredString(issuer, 'requester.issuer'),
      groups: stringList(groups, 'requester.groups'),
    },
    ...(taskId === null ? {} : { taskId }),
    ...(taskName === null ? {} : { taskName }),
    resource: requiredString(approval.resource, 'resource'),
    operation: approval.operation,
    ...(approval.parameters === undefined ? {} : { parameters: approval.parameters }),
    operationKind: requiredString(approval.operationKind, 'operationKind'),
    ...(operationAction === null ? {} : { operationAction }),
    approvers: stringList(approval.approvers, 'approvers'),
    min: positiveInteger(approval.min, 'min'),
    ttlSeconds: positiveInteger(approval.ttlSeconds, 'ttlSeconds'),
    scope: approval.scope,
    reasons: stringList(approval.reasons, 'reasons'),
    createdAt,
    expiresAt,
  };
}

function validEvent(event: NewApprovalEvent): NewApprovalEvent {
  if (typeof event !== 'object' || event === null) throw invalid('the approval event is not an object');
  if (!EVENT_ACTIONS.has(event.action)) throw invalid(`action must be one of ${[...EVENT_ACTIONS].join(', ')}`);
  const reason = optionalString(event.reason, 'reason');
  const sessionId = optionalString(event.sessionId, 'sessionId');
  return {
    action: event.action,
    actor: requiredString(event.actor, 'actor'),
    ...(reason === null ? {} : { reason }),
    ...(sessionId === null ? {} : { sessionId }),
    at: timestamp(event.at, 'at'),
  };
}

/** Inserts a validated request and its `requested` record; run through GroupCommitWriter.transact. */
export async function insertApproval(tx: BatchTransaction, approval: NewApproval): Promise<AuditReceipt> {
  if (await tx.db.get('SELECT 1 FROM approvals WHERE id = ?', [approval.id])) {
    throw new StoreError('approval_exists', `approval ${approval.id} already exists`);
  }
  await tx.db.run(
    'INSERT INTO approvals (id, fingerprint, session_id, requester, task_id, task_name, resource, operation, ' +
      'operation_kind, operation_action, approvers, min_approvals, ttl_seconds, scope, reasons, created_at, expires_at, parameters) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      approval.id,
      approval.fingerprint,
      approval.sessionId,
      canonicalJson(approval.requester, 'requester'),
      approval.taskId ?? null,
      approval.taskName ?? null,
      approval.resource,
      canonicalJson(approval.operation, 'operation'),
      approval.operationKind,
      approval.operationAction ?? null,
      canonicalJson(approval.approvers, 'approvers'),
      approval.min,
      approval.ttlSeconds,
      approval.scope,
      canonicalJson(approval.reasons, 'reasons'),
      approval.createdAt,
      approval.expiresAt,
      approval.parameters === undefined ? null : canonicalJson(approval.parameters, 'parameters'),
    ],
  );
  return tx.appendRecord({
    ...auditContext(approval),
    session_id: approval.sessionId,
    operation: canonicalJson(approval.operation, 'operation'),
    reasons: canonicalJson(approval.reasons, 'reasons'),
    actor: approval.requester.subject,
    detail: canonicalJson(
      {
        action: 'requested',
        fingerprint: approval.fingerprint,
        approvers: approval.approvers,
        min: approval.min,
        ttl_seconds: approval.ttlSeconds,
        scope: approval.scope,
        expires_at: approval.expiresAt,
      },
      'detail',
    ),
  });
}

/**
 * Applies `decide` to the request as this transaction sees it; run through GroupCommitWriter.transact, whose
 * write lock makes the read and the insert one step for every process sharing the file.
 */
export async function insertApprovalEvent(
  tx: BatchTransaction,
  id: string,
  decide: (current: ApprovalRecord) => ApprovalTransition,
): Promise<ApprovalRecord> {
  const current = await selectApproval(tx.db, id);
  if (!current) throw new StoreError('approval_not_found', `no approval ${id}`);
  const event = validEvent(decidedEvent(id, current, decide));
  const { lastId } = await tx.db.run(
    'INSERT INTO approval_events (approval_id, action, actor, reason, session_id, at) VALUES (?, ?, ?, ?, ?, ?)',
    [id, event.action, event.actor, event.reason ?? null, event.sessionId ?? null, event.at],
  );
  tx.appendRecord({
    ...auditContext(current),
    session_id: event.sessionId ?? current.sessionId,
    actor: event.actor,
    detail: canonicalJson(event.reason === undefined ? { action: event.action } : { action: event.action, reason: event.reason }, 'detail'),
  });
  return { ...current, events: [...current.events, { ...event, seq: lastId }] };
}

/**
 * The event `decide` chooses for approval `id` as it stands. Its refusal, or its failure, is StoreError
 * `approval_refused`: any other error would fail the whole batch, and with it the audit records of unrelated callers.
 */
export function decidedEvent(id: string, current: ApprovalRecord, decide: (current: ApprovalRecord) => ApprovalTransition): NewApprovalEvent {
  let transition: ApprovalTransition;
  try {
    transition = decide(current);
  } catch (err) {
    throw new StoreError('approval_refused', `deciding on approval ${id} failed: ${(err as Error)?.message ?? String(err)}`);
  }
  if ('refuse' in transition) throw new StoreError('approval_refused', transition.refuse);
  return transition.event;
}

/** The audit columns every approval record shares: who asked, for which task, on which resource. */
function auditContext(approval: NewApproval): AuditContent {
  return {
    ...emptyContent('approval'),
    subject: approval.requester.subject,
    issuer: approval.requester.issuer,
    task_id: approval.taskId ?? null,
    task_name: approval.taskName ?? null,
    resource: approval.resource,
    operation_kind: approval.operationKind,
    operation_action: approval.operationAction ?? null,
    approval_id: approval.id,
  };
}

export async function selectApproval(db: SqliteConnection, id: string): Promise<ApprovalRecord | undefined> {
  const row = await db.get<ApprovalRow>('SELECT * FROM approvals WHERE id = ?', [id]);
  if (!row) return undefined;
  return (await withEvents(db, [row]))[0];
}

/** Newest first: rowid follows insertion order. */
export async function selectApprovals(db: SqliteConnection, limit: number | undefined): Promise<ApprovalRecord[]> {
  const rows = await db.all<ApprovalRow>('SELECT * FROM approvals ORDER BY rowid DESC LIMIT ?', [listLimit(limit)]);
  return withEvents(db, rows);
}

export async function selectApprovalsFor(
  db: SqliteConnection,
  resource: string,
  fingerprint: string,
): Promise<ApprovalRecord[]> {
  const rows = await db.all<ApprovalRow>(
    'SELECT * FROM approvals WHERE resource = ? AND fingerprint = ? ORDER BY rowid DESC',
    [resource, fingerprint],
  );
  return withEvents(db, rows);
}

async function withEvents(db: SqliteConnection, rows: readonly ApprovalRow[]): Promise<ApprovalRecord[]> {
  if (rows.length === 0) return [];
  const placeholders = rows.map(() => '?').join(', ');
  const events = await db.all<EventRow>(
    `SELECT * FROM approval_events WHERE approval_id IN (${placeholders}) ORDER BY seq`,
    rows.map((r) => r.id),
  );
  const byApproval = new Map<string, ApprovalEvent[]>();
  for (const e of events) {
    const list = byApproval.get(e.approval_id) ?? [];
    list.push(eventOfRow(e));
    byApproval.set(e.approval_id, list);
  }
  return rows.map((row) => ({ ...approvalOfRow(row), events: byApproval.get(row.id) ?? [] }));
}

function approvalOfRow(row: ApprovalRow): NewApproval {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    sessionId: row.session_id,
    requester: JSON.parse(row.requester) as NewApproval['requester'],
    ...(row.task_id === null ? {} : { taskId: row.task_id }),
    ...(row.task_name === null ? {} : { taskName: row.task_name }),
    resource: row.resource,
    operation: JSON.parse(row.operation) as JsonValue,
    ...(row.parameters === null ? {} : { parameters: JSON.parse(row.parameters) as JsonValue[] }),
    operationKind: row.operation_kind,
    ...(row.operation_action === null ? {} : { operationAction: row.operation_action }),
    approvers: JSON.parse(row.approvers) as string[],
    min: row.min_approvals,
    ttlSeconds: row.ttl_seconds,
    scope: row.scope as NewApproval['scope'],
    reasons: JSON.parse(row.reasons) as string[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

function eventOfRow(row: EventRow): ApprovalEvent {
  return {
    seq: row.seq,
    action: row.action as ApprovalEventAction,
    actor: row.actor,
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.session_id === null ? {} : { sessionId: row.session_id }),
    at: row.at,
  };
}

function timestamp(value: unknown, field: string): string {
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(`${field} must be an RFC 3339 timestamp, got ${JSON.stringify(value)}`);
  }
  return value;
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`${field} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function listLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new StoreError('invalid_filter', `limit must be an integer from 1 to ${MAX_LIMIT}, got ${limit}`);
  }
  return limit;
}

function invalid(message: string): StoreError {
  return new StoreError('invalid_record', message);
}
