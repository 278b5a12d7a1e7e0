// Request validation: everything a shim sends is checked for type, size and shape before it reaches the identity
// verifier, the session table or the policy.
import { RESOURCE_KINDS, type ResourceKind } from '../config.js';
import type { JsonValue } from '../store/index.js';
import type { CloseSessionRequest, DecideRequest, OpenSessionRequest, VoteRequest, WatchApprovalRequest } from './proto.js';
import { jsonProblem } from './json-limits.js';
import { NOT_ONE_LINE } from './one-line.js';
import { invalid } from './refusal.js';
import { parseSessionSummary, type SessionSummary } from './session-summary.js';

const MAX_CREDENTIAL_BYTES = 16 * 1024;
const MAX_NAME_LENGTH = 256;
/** A summary becomes one audit record per session: a few counters, not a report. */
const MAX_SUMMARY_BYTES = 16 * 1024;
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const SESSION_ID = /^ses_[A-Za-z0-9_-]{1,64}$/;
const APPROVAL_ID = /^apr_[0-9A-Z]{26}$/;
const MAX_REASON_BYTES = 1024;

export interface ValidOpenSession {
  readonly credential: string;
  readonly resource: string;
  readonly kind: ResourceKind;
  readonly sourceIp: string;
}

export function validOpenSession(request: OpenSessionRequest): ValidOpenSession {
  const credential = text(request.credential, 'credential', MAX_CREDENTIAL_BYTES);
  if (credential === '') throw invalid('invalid_request', 'credential is empty: pass the token the client presented');
  const resource = text(request.resource, 'resource', MAX_NAME_LENGTH);
  if (!RESOURCE_NAME.test(resource)) {
    throw invalid('invalid_request', `resource ${JSON.stringify(resource)} is not a resource name (letters, digits, . _ : -)`);
  }
  const kind = text(request.kind, 'kind', MAX_NAME_LENGTH);
  if (!(RESOURCE_KINDS as readonly string[]).includes(kind)) {
    throw invalid('invalid_request', `kind ${JSON.stringify(kind)} is not one of ${RESOURCE_KINDS.join(', ')}`);
  }
  // shim_id is checked like every field, but the audit log has no column for it yet, so it goes no further.
  text(request.shim_id, 'shim_id', MAX_NAME_LENGTH);
  return { credential, resource, kind: kind as ResourceKind, sourceIp: text(request.source_ip, 'source_ip', MAX_NAME_LENGTH) };
}

export interface ValidDecide {
  readonly requestId: string;
  readonly sessionId: string;
  readonly operation: Record<string, unknown>;
  /**
   * The operation as JSON text, written from `operation`: what the policy evaluates and the audit record stores,
   * so a duplicate key the shim sent resolves the same way (the last wins) for both, and for `operation` here.
   */
  readonly operationJson: string;
  readonly approvalId: string;
  /** The values bound to the statement's placeholders (parameters_json); empty when none. */
  readonly parameters: readonly JsonValue[];
}

/** Checks the request's fields; the operation must be a JSON object of at most maxOperationBytes. */
export function validDecide(request: DecideRequest, maxOperationBytes: number): ValidDecide {
  const sessionId = sessionIdOf(request.session_id);
  if (typeof request.operation_json !== 'string' || request.operation_json === '') {
    throw invalid('invalid_operation', 'operation_json is empty: send input.operation as JSON');
  }
  const size = Buffer.byteLength(request.operation_json, 'utf8');
  if (size > maxOperationBytes) {
    throw invalid('operation_too_large', `operation_json is ${size} bytes, over the ${maxOperationBytes}-byte limit`);
  }
  let operation: unknown;
  try {
    operation = JSON.parse(request.operation_json);
  } catch (e) {
    throw invalid('invalid_operation', `operation_json is not JSON: ${(e as Error).message}`);
  }
  if (typeof operation !== 'object' || operation === null || Array.isArray(operation)) {
    throw invalid('invalid_operation', 'operation_json must be a JSON object (input.operation)');
  }
  const problem = jsonProblem(operation, 'operation_json');
  if (problem !== undefined) throw invalid('invalid_operation', `${problem}: the decider cannot decide on it as sent`);
  return {
    requestId: typeof request.request_id === 'string' ? request.request_id : '0',
    sessionId,
    operation: operation as Record<string, unknown>,
    operationJson: JSON.stringify(operation),
    approvalId: text(request.approval_id, 'approval_id', MAX_NAME_LENGTH),
    parameters: parametersOf(request.parameters_json, maxOperationBytes),
  };
}

/** parameters_json: empty, or a JSON array of at most maxBytes; it binds an approval to the exact values. */
function parametersOf(value: unknown, maxBytes: number): JsonValue[] {
  const json = text(value, 'parameters_json', maxBytes);
  if (json === '') return [];
  let parameters: unknown;
  try {
    parameters = JSON.parse(json);
  } catch (e) {
    throw invalid('invalid_operation', `parameters_json is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parameters)) throw invalid('invalid_operation', 'parameters_json must be a JSON array of the bound values');
  const problem = jsonProblem(parameters, 'parameters_json', 'exact-integers');
  if (problem !== undefined) throw invalid('invalid_operation', `${problem}: the decider cannot bind an approval to it`);
  return parameters as JsonValue[];
}

/** summary_json: empty (no summary), or a flat object of counters (./session-summary.ts). */
export function validClose(request: CloseSessionRequest): { sessionId: string; summary?: SessionSummary } {
  const sessionId = sessionIdOf(request.session_id);
  const summaryText = text(request.summary_json, 'summary_json', MAX_SUMMARY_BYTES);
  return summaryText === '' ? { sessionId } : { sessionId, summary: parseSessionSummary(summaryText) };
}

export interface ValidVote {
  readonly approvalId: string;
  readonly credential: string;
  readonly reason?: string;
}

export function validVote(request: VoteRequest): ValidVote {
  const approvalId = approvalIdOf(request.approval_id);
  const credential = text(request.credential, 'credential', MAX_CREDENTIAL_BYTES);
  if (credential === '') throw invalid('invalid_request', "credential is empty: pass the approver's own token");
  const reason = text(request.reason, 'reason', MAX_REASON_BYTES);
  // Such characters would let a reason forge lines in tables and logs, or display as something it does not say.
  if (NOT_ONE_LINE.test(reason)) throw invalid('invalid_request', 'reason must be one line of text, without control, line-separator or bidirectional characters');
  return { approvalId, credential, ...(reason === '' ? {} : { reason }) };
}

export function validWatch(request: WatchApprovalRequest): { approvalId: string; sessionId?: string } {
  const approvalId = approvalIdOf(request.approval_id);
  const sessionId = text(request.session_id, 'session_id', MAX_NAME_LENGTH);
  return sessionId === '' ? { approvalId } : { approvalId, sessionId: sessionIdOf(sessionId) };
}

function approvalIdOf(value: unknown): string {
  const id = text(value, 'approval_id', MAX_NAME_LENGTH);
  if (!APPROVAL_ID.test(id)) throw invalid('invalid_request', `approval_id ${JSON.stringify(id)} is not an approval id (apr_...)`);
  return id;
}

/** The operation must describe the session's kind of resource (input.resource.kind == input.operation.kind). */
export function checkOperationKind(operation: Record<string, unknown>, kind: ResourceKind): void {
  if (operation.kind !== kind) {
    throw invalid('invalid_operation', `operation.kind is ${JSON.stringify(operation.kind ?? null)} but the session is for a ${kind} resource`);
  }
  if (typeof operation[kind] !== 'object' || operation[kind] === null || Array.isArray(operation[kind])) {
    throw invalid('invalid_operation', `operation.${kind} must be an object describing the operation`);
  }
}

function sessionIdOf(value: unknown): string {
  const id = text(value, 'session_id', MAX_NAME_LENGTH);
  if (!SESSION_ID.test(id)) throw invalid('unknown_session', `session_id ${JSON.stringify(id)} is not a session id: call OpenSession first`);
  return id;
}

function text(value: unknown, field: string, maxBytes: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid('invalid_request', `${field} must be a string`);
  if (Buffer.byteLength(value, 'utf8') > maxBytes) throw invalid('invalid_request', `${field} is longer than ${maxBytes} bytes`);
  return value;
}
