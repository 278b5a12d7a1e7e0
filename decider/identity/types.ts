// What a verified credential tells the decider: `input.identity` and `input.task` of the policy contract
// (docs/policy-contract.md), in exactly the shape the policy reads them.
import type { JWTPayload } from 'jose';
import type { TaskGrant } from '../store/index.js';

export type AuthMethod = 'task-token' | 'oidc';

export interface Identity {
  readonly subject: string;
  readonly issuer: string;
  readonly groups: readonly string[];
  /** Every other verified claim of the token, as is. */
  readonly claims: Readonly<JWTPayload>;
  readonly method: AuthMethod;
}

export interface TaskDocument {
  readonly id: string;
  readonly name: string;
  readonly purpose: string;
  readonly grants: readonly TaskGrant[];
  /** RFC 3339, UTC: the task acts only in `[issued_at, expires_at)`. */
  readonly issued_at: string;
  readonly expires_at: string;
}

export interface VerifiedCredential {
  readonly identity: Identity;
  /** Present for task tokens; an OIDC token names no task. */
  readonly task?: TaskDocument;
}
