/**
 * Why a credential or the identity configuration was refused. Each refusal has a stable code, so the decider can
 * put it in a deny reason and an audit record, and tests and clients can tell the cases apart without parsing
 * messages; the message says what to do about it.
 */
export type IdentityErrorCode =
  /** Not a compact JWS with a JSON header and claims, or a claim has the wrong type. */
  | 'malformed_token'
  /** The header says `alg: none`: an unsigned token. */
  | 'alg_none'
  /** Signed with an algorithm other than the ones expected for its issuer. */
  | 'alg_not_allowed'
  /** `iss` names no configured issuer (nor taskgate itself). */
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  /** `nbf` (or `iat`) lies in the future beyond the allowed clock skew. */
  | 'not_yet_valid'
  /** The signature does not match the header and claims. */
  | 'bad_signature'
  /** No key of the issuer has the token's `kid`. */
  | 'unknown_kid'
  /** A claim the token must carry (`sub`, `exp` ...) is absent. */
  | 'missing_claim'
  | 'task_revoked'
  /** A task token whose task id the store does not know. */
  | 'task_unknown'
  /** A task token whose subject or name differ from the task the store recorded under its id. */
  | 'task_mismatch'
  /** The issuer's JWKS could not be fetched or read: refuse rather than guess. */
  | 'jwks_unavailable'
  /** The task signing key is missing, unreadable, too widely readable or malformed. */
  | 'signing_key_unavailable'
  /** The `identity` section of the configuration is invalid. */
  | 'invalid_config';

export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IdentityError';
  }
}
