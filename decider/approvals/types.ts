// The vocabulary of just-in-time approvals, shared by the service, the CLI, the webhook and the gRPC wiring.
import type { ApprovalRequest } from '../engine/decision.js';
import type { ApprovalRecord, JsonValue } from '../store/index.js';

/**
 * `pending` until decided. Then `approved` (usable), or one of the final states: `denied`, `expired` (nobody
 * decided in time, or an approval was not used in time), `withdrawn` (the client went away) and `used` (a `once`
 * approval that admitted its one run).
 */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'withdrawn' | 'used';

/** What a request's events add up to at a given instant. */
export interface ApprovalState {
  readonly status: ApprovalStatus;
  /** Distinct subjects who approved, in the order they did. */
  readonly approvedBy: readonly string[];
  /** Who denied it, when it was denied. */
  readonly deniedBy?: string;
  /** RFC 3339: when the last needed approval came in. */
  readonly approvedAt?: string;
  /** RFC 3339: until when an approved request admits its operation (approvedAt + ttl). */
  readonly usableUntil?: string;
}

export interface Approval extends ApprovalRecord {
  readonly state: ApprovalState;
}

/** The verified identity of a requester or approver (`input.identity`, decider/identity). */
export interface ApprovalIdentity {
  readonly subject: string;
  readonly issuer: string;
  readonly groups: readonly string[];
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly method?: string;
}

/** The operation a decision was about, as the decider knows it when the policy says require_approval. */
export interface OperationContext {
  readonly sessionId: string;
  readonly identity: ApprovalIdentity;
  readonly task?: { readonly id: string; readonly name: string };
  readonly resource: string;
  /** `input.operation` exactly as the shim described it. */
  readonly operation: JsonValue;
  /**
   * Values bound to the statement's placeholders (Postgres extended protocol), so that an approval for
   * `DELETE ... WHERE id = $1` with 7 does not admit it with 8.
   */
  readonly parameters?: readonly JsonValue[];
  /**
   * The approval a re-ask names (the request the shim held this operation for). Only a named approval may move to
   * another session, and only when the session that asked for it ended with a decider restart.
   */
  readonly approvalId?: string;
}

/** What the policy asked for: `decision.reasons` and `decision.approval`. */
export interface RequiredApproval {
  readonly reasons: readonly string[];
  readonly approval: ApprovalRequest;
}

/** `input.approval` of the policy contract. */
export interface InputApproval {
  readonly id: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly approved_by: readonly string[];
}

export type ApprovalErrorCode =
  | 'approval_not_found'
  /** The request is no longer pending, or (consume) cannot admit this run: not approved, or another operation, session, identity or task. */
  | 'approval_final'
  | 'self_approval'
  /** `data.taskgate.approve` did not allow this approver. */
  | 'approver_not_allowed'
  | 'already_voted'
  | 'invalid_request';

export class ApprovalError extends Error {
  constructor(
    readonly code: ApprovalErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApprovalError';
  }
}
