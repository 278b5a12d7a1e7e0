// How audit entries become table rows and rows become records. Validation happens here, before anything is
// queued for writing, so a malformed entry is refused on its own and never fails a batch it would have joined.
import { canonicalJson, parseStoredJson } from './canonical-json.js';
import { StoreError } from './errors.js';
import type { HashedRow } from './hash.js';
import type { AuditEntry, AuditKind, AuditRecord, DecisionEntry, JsonValue, Verdict } from './index.js';

/** Every column of a record that the entry decides (the chain columns seq, time, prev_hash, hash are the store's). */
export type AuditContent = Omit<HashedRow, 'seq' | 'time' | 'prev_hash'>;

export type AuditRow = HashedRow & { readonly hash: string };

const VERDICTS: ReadonlySet<string> = new Set<Verdict>(['allow', 'deny', 'mask', 'require_approval']);
const APPROVAL_ACTIONS: ReadonlySet<string> = new Set([
  'requested',
  'approved',
  'denied',
  'expired',
  'withdrawn',
  'used',
  'refused',
]);

/**
 * The row of `content` at its place in the chain, its hash left for the caller to fill in (the hash covers
 * HASHED_COLUMNS only, so the placeholder never enters it). Written out member by member: V8 builds an object
 * spread of this many members on its slow path, which cost ~18 µs a record against ~0.1 µs.
 */
export function chainedRow(content: AuditContent, seq: number, time: string, prevHash: string): Writable<AuditRow> {
  return {
    seq,
    time,
    kind: content.kind,
    session_id: content.session_id,
    subject: content.subject,
    issuer: content.issuer,
    task_id: content.task_id,
    task_name: content.task_name,
    resource: content.resource,
    operation_kind: content.operation_kind,
    operation_action: content.operation_action,
    operation: content.operation,
    verdict: content.verdict,
    reasons: content.reasons,
    masks: content.masks,
    approval_id: content.approval_id,
    policy_revision: content.policy_revision,
    latency_us: content.latency_us,
    actor: content.actor,
    detail: content.detail,
    prev_hash: prevHash,
    hash: '',
  };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** An entry with no values at all: kinds fill in what they have. */
export function emptyContent(kind: AuditKind): Writable<AuditContent> {
  return {
    kind,
    session_id: null,
    subject: null,
    issuer: null,
    task_id: null,
    task_name: null,
    resource: null,
    operation_kind: null,
    operation_action: null,
    operation: null,
    verdict: null,
    reasons: null,
    masks: null,
    approval_id: null,
    policy_revision: null,
    latency_us: null,
    actor: null,
    detail: null,
  };
}

/**
 * Checks an entry from outside (its types are not trusted at run time) and turns it into column values. Each kind
 * fills in the shared columns' object rather than spreading it: V8 copies a spread of this many members slowly.
 */
export function contentOfEntry(entry: AuditEntry): AuditContent {
  if (typeof entry !== 'object' || entry === null) throw invalid('the entry is not an object');
  switch (entry.kind) {
    case 'decision': {
      const content = contextColumns(entry);
      content.verdict = verdictOf(entry.verdict);
      content.reasons = canonicalJson(stringList(entry.reasons, 'reasons'), 'reasons');
      content.masks = entry.masks === undefined ? '[]' : canonicalJson(jsonList(entry.masks, 'masks'), 'masks');
      content.operation = operationColumn(entry);
      content.approval_id = optionalString(entry.approvalId, 'approvalId');
      content.policy_revision = optionalString(entry.policyRevision, 'policyRevision');
      content.latency_us = latencyOf(entry.latencyUs);
      return content;
    }
    case 'approval': {
      const content = contextColumns(entry);
      content.approval_id = requiredString(entry.approvalId, 'approvalId');
      content.actor = requiredString(entry.actor, 'actor');
      content.detail = canonicalJson(approvalDetail(entry.action, entry.reason), 'detail');
      return content;
    }
    case 'session_closed': {
      const content = contextColumns(entry);
      content.session_id = requiredString(entry.sessionId, 'sessionId');
      content.detail = entry.summary === undefined ? null : canonicalJson(summaryObject(entry.summary), 'summary');
      return content;
    }
    default:
      throw invalid(`unknown entry kind ${JSON.stringify((entry as { kind: unknown }).kind)}`);
  }
}

/**
 * The operation: a document is stored canonical; JSON text is stored as given, once it is known to be a JSON
 * object (the decider gives the text its policy evaluated, so the record shows exactly what was decided).
 */
function operationColumn(entry: DecisionEntry): string | null {
  if (entry.operationJson === undefined) return entry.operation === undefined ? null : canonicalJson(entry.operation, 'operation');
  if (entry.operation !== undefined) throw invalid('a decision gives operation or operationJson, not both');
  if (typeof entry.operationJson !== 'string') throw invalid('operationJson is not a string');
  let operation: unknown;
  try {
    operation = JSON.parse(entry.operationJson);
  } catch (err) {
    throw invalid(`operationJson is not JSON: ${(err as Error).message}`);
  }
  if (typeof operation !== 'object' || operation === null || Array.isArray(operation)) throw invalid('operationJson is not a JSON object');
  return entry.operationJson;
}

/** The columns every appended kind shares (who, which task, which resource, what operation); the others null. */
function contextColumns(entry: AuditEntry & { readonly operationKind?: string; readonly operationAction?: string }): Writable<AuditContent> {
  const content = emptyContent(entry.kind);
  content.session_id = optionalString(entry.sessionId, 'sessionId');
  content.subject = optionalString(entry.subject, 'subject');
  content.issuer = optionalString(entry.issuer, 'issuer');
  content.task_id = optionalString(entry.taskId, 'taskId');
  content.task_name = optionalString(entry.taskName, 'taskName');
  content.resource = optionalString(entry.resource, 'resource');
  content.operation_kind = optionalString(entry.operationKind, 'operationKind');
  content.operation_action = optionalString(entry.operationAction, 'operationAction');
  return content;
}

function approvalDetail(action: unknown, reason: unknown): JsonValue {
  if (typeof action !== 'string' || !APPROVAL_ACTIONS.has(action)) {
    throw invalid(`action must be one of ${[...APPROVAL_ACTIONS].join(', ')}`);
  }
  const why = optionalString(reason, 'reason');
  return why === null ? { action } : { action, reason: why };
}

function summaryObject(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('summary must be a JSON object');
  return value;
}

function verdictOf(value: unknown): Verdict {
  if (typeof value !== 'string' || !VERDICTS.has(value)) {
    throw invalid(`verdict must be one of ${[...VERDICTS].join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as Verdict;
}

function latencyOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`latencyUs must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requiredString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${field} must be a non-empty string`);
  return value;
}

/** A string that may be empty (a purpose, a reason) but must be there. */
export function stringOrEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

export function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

export function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid(`${field} must be a list of strings`);
  }
  return value as string[];
}

function jsonList(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(`${field} must be a list`);
  return value;
}

function invalid(message: string): StoreError {
  return new StoreError('invalid_record', message);
}

/** A row as SELECT returns it, turned into the record callers see. */
export function recordOfRow(row: AuditRow): AuditRecord {
  return {
    seq: row.seq as number,
    time: row.time as string,
    kind: row.kind as AuditKind,
    sessionId: row.session_id as string | null,
    subject: row.subject as string | null,
    issuer: row.issuer as string | null,
    taskId: row.task_id as string | null,
    taskName: row.task_name as string | null,
    resource: row.resource as string | null,
    operationKind: row.operation_kind as string | null,
    operationAction: row.operation_action as string | null,
    operation: parseStoredJson(row.operation as string | null),
    verdict: row.verdict as Verdict | null,
    reasons: parseStoredJson(row.reasons as string | null) as string[] | null,
    masks: parseStoredJson(row.masks as string | null) as JsonValue[] | null,
    approvalId: row.approval_id as string | null,
    policyRevision: row.policy_revision as string | null,
    latencyUs: row.latency_us as number | null,
    actor: row.actor as string | null,
    detail: parseStoredJson(row.detail as string | null),
    prevHash: row.prev_hash as string,
    hash: row.hash,
  };
}
