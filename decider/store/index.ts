/**
 * The decider's store: the tamper-evident audit log, task records and revocations.
 *
 * Everything the decider persists goes through the `Store` interface below, so that a fleet can later swap the
 * embedded SQLite file for PostgreSQL without touching the server, identity or CLI code. `openStore()` opens the
 * embedded SQLite store; nothing else in the decider should know which backend is in use.
 *
 * Guarantees every implementation keeps:
 * - `append()` resolves only after the record is durably committed. If it rejects (`audit_write_failed` when
 *   the transaction failed, `invalid_record`, `store_closed`), the record is not in the log and the caller must
 *   deny the operation it describes: fail closed.
 * - Records form one hash chain in `seq` order (1, 2, 3 ... with no gaps): decisions, approval actions and task
 *   events alike. `verify()` recomputes it; see `./hash.ts` for the exact canonical encoding.
 * - Records, tasks and revocations are never updated or deleted through the store.
 * - Approval requests are immutable; what happens to one (votes, expiry, use) is an append-only list of events,
 *   each written in the same transaction as its audit record. `recordApprovalEvent()` decides on the request as
 *   committed at that moment, so two deciders (or a decider and the CLI) cannot both move it.
 * - `appendDecision()` checks the decision's task against revocations inside the transaction that commits it, so
 *   an answered decision reflects every revocation committed, by any decider sharing the store, before it.
 * - `isRevoked()` reflects every revocation committed, by any decider sharing the store, before the call began.
 *   If it rejects (the database cannot be read), treat the task as revoked.
 *
 * Usage:
 *   const store = await openStore({ dataDir: 'var' });
 *   const receipt = await store.append({ kind: 'decision', verdict: 'deny', reasons: ['...'], latencyUs: 180, ... });
 *   if (await store.isRevoked(taskId)) ...
 *   const result = await store.verify();   // { ok: true, count } | { ok: false, seq, problem, reason }
 *   for await (const record of store.export()) out.write(JSON.stringify(record) + '\n');   // JSONL
 *   await store.close();
 *
 * Errors are `StoreError` with a stable `code` (./errors.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openSqliteStore } from './sqlite-store.js';
import { openThreadedStore } from './threaded-store.js';

export { StoreError, type StoreErrorCode } from './errors.js';
export { GENESIS_HASH } from './hash.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { revokedTaskReason } from './tasks.js';

/** Any JSON document. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Verdict = 'allow' | 'deny' | 'mask' | 'require_approval';

/** One decision the decider answered. Optional fields are stored as null when absent. */
export interface DecisionEntry {
  readonly kind: 'decision';
  readonly sessionId?: string;
  /** The verified identity (`input.identity.subject` / `.issuer`); absent when the credential was refused. */
  readonly subject?: string;
  readonly issuer?: string;
  readonly taskId?: string;
  readonly taskName?: string;
  readonly resource?: string;
  /** `input.operation.kind` and `.action`, copied out so `list()` and people can read them at a glance. */
  readonly operationKind?: string;
  readonly operationAction?: string;
  /** The operation document exactly as the shim described it (`input.operation`). */
  readonly operation?: JsonValue;
  /**
   * The same document as JSON text, for a caller that holds it as text (the decider: the text its policy
   * evaluated). The store checks that it is a JSON object and stores the text as given, where it stores
   * `operation` canonical; text crosses to the store's thread for the cost of a copy, an object is cloned field
   * by field. Give one of the two.
   */
  readonly operationJson?: string;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  /** The decision's `mask` list, as the policy returned it. */
  readonly masks?: readonly JsonValue[];
  readonly approvalId?: string;
  /** Which policy answered: the bundle revision or the policy directory's digest. */
  readonly policyRevision?: string;
  /** Time spent deciding, in microseconds (an integer). */
  readonly latencyUs: number;
}

/**
 * `withdrawn`: the client that asked went away before the request was decided. `refused`: a vote that was not
 * counted (self-approval, an approver the policy does not allow, a request already final); audited, never an event.
 */
export type ApprovalAction = 'requested' | 'approved' | 'denied' | 'expired' | 'withdrawn' | 'used' | 'refused';

/** Something that happened to a just-in-time approval. */
export interface ApprovalEntry {
  readonly kind: 'approval';
  readonly approvalId: string;
  readonly action: ApprovalAction;
  /** Who acted: the approver, or the subject that asked; `taskgate` for expiry. */
  readonly actor: string;
  readonly reason?: string;
  readonly sessionId?: string;
  readonly subject?: string;
  readonly issuer?: string;
  readonly taskId?: string;
  readonly taskName?: string;
  readonly resource?: string;
  readonly operationKind?: string;
  readonly operationAction?: string;
}

/**
 * A shim closed its session (CloseSession) and reported what it saw. The context comes from the decider's session,
 * never from the shim; `summary` is the shim's own account (statements, decisions, rows, masked cells ...).
 */
export interface SessionClosedEntry {
  readonly kind: 'session_closed';
  readonly sessionId: string;
  readonly subject?: string;
  readonly issuer?: string;
  readonly taskId?: string;
  readonly taskName?: string;
  readonly resource?: string;
  /** A JSON object; absent when the shim sent no summary. */
  readonly summary?: { readonly [key: string]: JsonValue };
}

/** What a caller may append. Task events are written by `issueTask` / `revokeTask` themselves. */
export type AuditEntry = DecisionEntry | ApprovalEntry | SessionClosedEntry;

export type AuditKind = 'decision' | 'approval' | 'task_issued' | 'task_revoked' | 'session_closed';

/**
 * A stored record: one flat shape for every kind, with null where a kind has no value. `detail` holds what
 * only one kind has: approval `{action, reason?}`, task_issued `{purpose, grants, issued_at, expires_at}`,
 * task_revoked `{reason}`, session_closed the shim's summary (null when it sent none). `actor` is the approver, the issuer of a task, or who revoked it.
 */
export interface AuditRecord {
  readonly seq: number;
  /** RFC 3339, UTC, milliseconds: `2026-11-29T10:00:00.123Z`. Set by the store when the record is written. */
  readonly time: string;
  readonly kind: AuditKind;
  readonly sessionId: string | null;
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly taskId: string | null;
  readonly taskName: string | null;
  readonly resource: string | null;
  readonly operationKind: string | null;
  readonly operationAction: string | null;
  readonly operation: JsonValue | null;
  readonly verdict: Verdict | null;
  readonly reasons: string[] | null;
  readonly masks: JsonValue[] | null;
  readonly approvalId: string | null;
  readonly policyRevision: string | null;
  readonly latencyUs: number | null;
  readonly actor: string | null;
  readonly detail: JsonValue | null;
  /** Lowercase hex SHA-256; the previous record's `hash`, or GENESIS_HASH for seq 1. */
  readonly prevHash: string;
  readonly hash: string;
}

/** Proof that a record is committed: where it sits in the chain. */
export interface AuditReceipt {
  readonly seq: number;
  readonly time: string;
  readonly hash: string;
}

export interface DecisionReceipt extends AuditReceipt {
  /** The revocation that made the recorded decision a deny; null when the task was not revoked (or there is none). */
  readonly revocation: Revocation | null;
}

export interface AuditFilter {
  readonly subject?: string;
  /** Matches the task id or the task name. */
  readonly task?: string;
  readonly verdict?: Verdict;
  readonly kind?: AuditKind;
  /** Only records written at or after this instant (a Date, or an RFC 3339 string). */
  readonly since?: Date | string;
  /** The most recent `limit` matching records (default 100, at most 10,000). */
  readonly limit?: number;
}

export type VerifyProblem = 'altered' | 'missing' | 'reordered';

export type VerifyResult =
  | { readonly ok: true; readonly count: number; readonly head: AuditHead }
  | {
      readonly ok: false;
      /** The first record that fails: altered or out of chain, or the first seq that is missing. */
      readonly seq: number;
      readonly problem: VerifyProblem;
      readonly reason: string;
    };

/** The chain's last link. Keeping a copy elsewhere (a ticket, a log line) lets you detect a rewritten tail. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

export interface AuditLog {
  /** Appends one record. Resolves after it is committed to disk; concurrent appends share one transaction. */
  append(entry: AuditEntry): Promise<AuditReceipt>;
  /**
   * Appends a decision, unless its task (`entry.taskId`) turns out revoked when its batch commits: then the record
   * written is a deny whose one reason is `revokedTaskReason(task, revocation)`, and the receipt names the
   * revocation, so the caller answers deny too. One revocation query per batch instead of one per decision.
   */
  appendDecision(entry: DecisionEntry): Promise<DecisionReceipt>;
  /** Walks the whole chain from seq 1, streaming; stops at the first problem. */
  verify(): Promise<VerifyResult>;
  /** Matching records, oldest first (the most recent `limit` of them). */
  list(filter?: AuditFilter): Promise<AuditRecord[]>;
  /** Every record, oldest first, read page by page (for `audit export --format jsonl`). */
  export(): AsyncIterable<AuditRecord>;
  /** The last record's seq and hash; seq 0 and GENESIS_HASH when the log is empty. */
  head(): Promise<AuditHead>;
}

/** A grant as the policy contract defines it (docs/policy-contract.md, `task.grants`). */
export interface TaskGrant {
  readonly resource: string;
  readonly actions: readonly string[];
  readonly objects?: readonly string[];
  readonly unmasked?: readonly string[];
}

export interface NewTask {
  /** Unique id, e.g. `tsk_01JDQ3...` (the caller mints it, and puts it in the task token). */
  readonly id: string;
  readonly subject: string;
  readonly name: string;
  readonly purpose: string;
  readonly grants: readonly TaskGrant[];
  /** RFC 3339 timestamps; expiresAt must be later than issuedAt. */
  readonly issuedAt: string;
  readonly expiresAt: string;
  /** Who issued it (the CLI user, or `taskgate`), recorded as the audit record's actor. */
  readonly issuedBy?: string;
}

export interface Revocation {
  readonly at: string;
  readonly by: string;
  readonly reason: string;
}

export interface TaskRecord extends NewTask {
  readonly revocation: Revocation | null;
}

export interface TaskStore {
  /** Records a task and its `task_issued` audit record in one transaction. StoreError `task_exists` on a reused id. */
  issueTask(task: NewTask): Promise<AuditReceipt>;
  getTask(id: string): Promise<TaskRecord | undefined>;
  /** Every task, most recently issued first. */
  listTasks(): Promise<TaskRecord[]>;
  /**
   * Revokes a task for good and writes a `task_revoked` audit record in the same transaction.
   * StoreError `task_not_found` or `task_already_revoked`.
   */
  revokeTask(id: string, by: string, reason: string): Promise<AuditReceipt>;
  /** True once any decider sharing the store has committed a revocation of this task. Cheap under load. */
  isRevoked(id: string): Promise<boolean>;
}

export type ApprovalScope = 'once' | 'window';

/** A just-in-time approval request, bound to one operation (see decider/approvals/). */
export interface NewApproval {
  /** Unique id, e.g. `apr_...`. */
  readonly id: string;
  /** Hash of the exact operation (decider/approvals/fingerprint.ts). */
  readonly fingerprint: string;
  /** The session that asked; a `once` approval is used only there. */
  readonly sessionId: string;
  /** The requester's verified identity (`input.identity`). */
  readonly requester: { readonly subject: string; readonly issuer: string; readonly groups: readonly string[] };
  readonly taskId?: string;
  readonly taskName?: string;
  readonly resource: string;
  /** `input.operation`, as the shim described it. */
  readonly operation: JsonValue;
  /** The values bound to the statement's placeholders, as the shim sent them (`parameters_json`); absent when none. */
  readonly parameters?: readonly JsonValue[];
  readonly operationKind: string;
  readonly operationAction?: string;
  /** What the policy asked for (`decision.approval`) and why (`decision.reasons`). */
  readonly approvers: readonly string[];
  readonly min: number;
  readonly ttlSeconds: number;
  readonly scope: ApprovalScope;
  readonly reasons: readonly string[];
  /** RFC 3339; a request still pending at `expiresAt` is expired. */
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** Everything that can happen to a request after it is made. */
export type ApprovalEventAction = Exclude<ApprovalAction, 'requested' | 'refused'>;

export interface NewApprovalEvent {
  readonly action: ApprovalEventAction;
  /** The approver, the requester, or `taskgate` (expiry). */
  readonly actor: string;
  readonly reason?: string;
  /** For `used`: the session that ran the operation. */
  readonly sessionId?: string;
  /** RFC 3339, from the caller's clock, so that the rules and the record agree on when it happened. */
  readonly at: string;
}

export interface ApprovalEvent extends NewApprovalEvent {
  readonly seq: number;
}

export interface ApprovalRecord extends NewApproval {
  /** In the order they were committed. */
  readonly events: readonly ApprovalEvent[];
}

/** What `recordApprovalEvent` should do with a request: add an event, or refuse (StoreError `approval_refused`). */
export type ApprovalTransition = { readonly event: NewApprovalEvent } | { readonly refuse: string };

export interface ApprovalStore {
  /** Records a request and its `requested` audit record in one transaction. StoreError `approval_exists`. */
  createApproval(approval: NewApproval): Promise<AuditReceipt>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  /** The most recent `limit` requests (default 100, at most 10,000), newest first. */
  listApprovals(limit?: number): Promise<ApprovalRecord[]>;
  /** Requests for this exact operation on this resource, newest first. */
  findApprovals(resource: string, fingerprint: string): Promise<ApprovalRecord[]>;
  /**
   * Reads the request inside the write transaction, asks `decide` what to do with it, and commits the event with
   * its audit record. `decide` must be pure and quick: it runs while the database is locked.
   * StoreError `approval_not_found`, `approval_refused` (with decide's message), `invalid_record`.
   */
  recordApprovalEvent(id: string, decide: (current: ApprovalRecord) => ApprovalTransition): Promise<ApprovalRecord>;
}

export interface Store extends AuditLog, TaskStore, ApprovalStore {
  /** Waits for pending appends to commit, then closes. Later calls fail with StoreError `store_closed`. */
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = 'var';
export const DATABASE_FILE_NAME = 'taskgate.db';

export interface OpenStoreOptions {
  /** Directory that holds `taskgate.db`; created if missing. Default `var`. */
  readonly dataDir?: string;
  /**
   * Runs the store on a thread of its own (./threaded-store.ts): the decider's choice, so that writing audit
   * records does not take turns with deciding. Default false (the CLI's short-lived commands).
   */
  readonly ownThread?: boolean;
}

/** Opens (creating and migrating if needed) the embedded store in the data directory. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, DATABASE_FILE_NAME);
  return options.ownThread ? openThreadedStore({ file }) : openSqliteStore({ file });
}
