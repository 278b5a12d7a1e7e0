// The checks task tokens and OIDC tokens share: reading a token before trusting it, refusing unsigned or
// unexpected algorithms up front, and turning jose's failures into refusals that say what to do.
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { formatDuration } from './duration.js';
import { IdentityError } from './errors.js';

/** Larger than any sane ID token; a bigger credential is refused before any parsing. */
export const MAX_TOKEN_CHARS = 16 * 1024;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const HOW_TO_PASS = 'pass the token exactly as issued: three base64url parts separated by dots';

export interface Unverified {
  readonly header: ProtectedHeaderParameters;
  readonly claims: JWTPayload;
}

/**
 * Header and claims of a token, read without checking anything but their form (and refusing `alg: none`);
 * only for routing and messages.
 */
export function readUnverified(token: unknown): Unverified {
  if (typeof token !== 'string' || token.length === 0) {
    throw new IdentityError('malformed_token', `no token given: ${HOW_TO_PASS}`);
  }
  if (token.length > MAX_TOKEN_CHARS) {
    throw new IdentityError(
      'malformed_token',
      `the token is ${token.length} characters long, more than ${MAX_TOKEN_CHARS}: ${HOW_TO_PASS}`,
    );
  }
  if (!COMPACT_JWS.test(token)) throw new IdentityError('malformed_token', `the token is not a JWT: ${HOW_TO_PASS}`);
  let unverified: Unverified;
  try {
    unverified = { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch (err) {
    throw new IdentityError('malformed_token', `the token is not a JWT (${(err as Error).message}): ${HOW_TO_PASS}`, {
      cause: err,
    });
  }
  refuseUnsigned(unverified.header);
  return unverified;
}

/** An unsigned token is refused whoever it claims to come from. */
function refuseUnsigned(header: ProtectedHeaderParameters): void {
  const alg = header.alg;
  if (typeof alg !== 'string' || alg.length === 0) {
    throw new IdentityError('malformed_token', `the token's header has no "alg": ${HOW_TO_PASS}`);
  }
  if (alg.toLowerCase() === 'none') {
    throw new IdentityError(
      'alg_none',
      'the token is unsigned (alg "none"); taskgate accepts only signed tokens: get a signed token from its issuer',
    );
  }
}

/** Refuses any algorithm the issuer is not expected to sign with, before looking for a key. */
export function checkAlgorithm(
  header: ProtectedHeaderParameters,
  allowed: readonly string[],
  issuer: string,
  /** What the holder should do about a token signed with an unexpected algorithm. */
  fix: string,
): void {
  const alg = String(header.alg);
  if (!allowed.includes(alg)) {
    throw new IdentityError(
      'alg_not_allowed',
      `the token is signed with ${alg}, but ${issuer} tokens must be signed with ` +
        `${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`}: ${fix}`,
    );
  }
}

/** What a refusal message needs to say about the issuer the token was checked against. */
export interface CheckContext {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly clockSkewSeconds: number;
  readonly now: Date;
  /** Where the issuer's keys come from, e.g. `jwks_file /etc/idp.json`. */
  readonly keySource: string;
  /** How the holder gets a new token. */
  readonly renewal: string;
}

/** Maps a failure of jose's jwtVerify to a refusal; anything jose did not raise is passed through unchanged. */
export function refusalOf(err: unknown, token: Unverified, ctx: CheckContext): unknown {
  if (!(err instanceof errors.JOSEError)) return err;
  const at = (seconds: unknown) =>
    typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : String(seconds);
  const skew = `now ${ctx.now.toISOString()}, clock skew allowed ${formatDuration(ctx.clockSkewSeconds)}`;
  if (err instanceof errors.JWTExpired) {
    return new IdentityError('expired', `the token expired at ${at(token.claims.exp)} (${skew}): ${ctx.renewal}`, {
      cause: err,
    });
  }
  if (err instanceof errors.JWTClaimValidationFailed) return claimRefusal(err, token, ctx, at, skew);
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new IdentityError(
      'bad_signature',
      `the token's signature does not match its content: it was altered after ${ctx.issuer} signed it, or signed ` +
        `by another key; ${ctx.renewal}`,
      { cause: err },
    );
  }
  if (err instanceof errors.JWKSNoMatchingKey) {
    return new IdentityError(
      'unknown_kid',
      `${ctx.issuer} has no key with kid ${JSON.stringify(token.header.kid ?? null)} (keys from ${ctx.keySource}): ` +
        `if the issuer rotated its keys, update them; otherwise the token was not signed by ${ctx.issuer}`,
      { cause: err },
    );
  }
  return new IdentityError('malformed_token', `the token cannot be verified (${err.message}): ${HOW_TO_PASS}`, {
    cause: err,
  });
}

function claimRefusal(
  err: InstanceType<typeof errors.JWTClaimValidationFailed>,
  token: Unverified,
  ctx: CheckContext,
  at: (seconds: unknown) => string,
  skew: string,
): IdentityError {
  const options = { cause: err };
  if (err.reason === 'missing') {
    return new IdentityError(
      'missing_claim',
      `the token has no "${err.claim}" claim, which ${ctx.issuer} tokens must carry: ${ctx.renewal}`,
      options,
    );
  }
  switch (err.claim) {
    case 'aud':
      return new IdentityError(
        'wrong_audience',
        `the token is for audience ${JSON.stringify(token.claims.aud ?? null)}, but ${ctx.issuer} tokens must be for ` +
          `${ctx.audiences.map((a) => JSON.stringify(a)).join(' or ')}: request a token for that audience`,
        options,
      );
    case 'iss':
      return new IdentityError(
        'wrong_issuer',
        `the token's issuer ${JSON.stringify(token.claims.iss ?? null)} is not ${ctx.issuer}`,
        options,
      );
    case 'nbf':
    case 'iat':
      return new IdentityError(
        'not_yet_valid',
        `the token is not valid before ${at(token.claims[err.claim])} (${skew}): wait, or check the clocks of ` +
          `${ctx.issuer} and the decider`,
        options,
      );
    default:
      return new IdentityError(
        'malformed_token',
        `the token's "${err.claim}" claim is invalid (${err.message}): ${ctx.renewal}`,
        options,
      );
  }
}
