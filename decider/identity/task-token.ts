/**
 * Task tokens: JWTs that taskgate signs with its own Ed25519 key (keys.ts). The `task` claim carries the task as
 * issued (name, purpose, grants), so the decider needs the store only to learn whether the task was revoked.
 *
 *   header  {alg: "EdDSA", typ: "JWT", kid}
 *   claims  {iss: "taskgate", aud: "taskgate", sub, jti: task id, iat, nbf, exp, task: {name, purpose, grants}}
 */
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { NewTask, TaskGrant } from '../store/index.js';
import { IdentityError } from './errors.js';
import { checkAlgorithm, refusalOf, type Unverified } from './jwt.js';
import { TASK_TOKEN_ALG, type SigningKey } from './keys.js';
import type { Identity, TaskDocument } from './types.js';

export const TASK_TOKEN_ISSUER = 'taskgate';
export const TASK_TOKEN_AUDIENCE = 'taskgate';
const RENEWAL = 'issue a new task token with `taskgate task issue`';
/** Claims that become `identity` and `task` fields rather than `identity.claims`. */
const LIFTED_CLAIMS: ReadonlySet<string> = new Set(['iss', 'sub', 'task']);

/** The task claim: what the task may do, signed along with who and when. */
interface TaskClaim {
  name: string;
  purpose: string;
  grants: TaskGrant[];
}

/** RFC 3339 at whole seconds, the precision of JWT times, so the token and the store agree to the character. */
export function rfc3339Seconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Signs a token for a task; its times must be whole seconds (rfc3339Seconds). */
export async function mintTaskToken(key: SigningKey, task: NewTask): Promise<string> {
  const claim: TaskClaim = { name: task.name, purpose: task.purpose, grants: [...task.grants] };
  return new SignJWT({ task: claim as unknown as JWTPayload[string] })
    .setProtectedHeader({ alg: TASK_TOKEN_ALG, typ: 'JWT', kid: key.kid })
    .setIssuer(TASK_TOKEN_ISSUER)
    .setAudience(TASK_TOKEN_AUDIENCE)
    .setSubject(task.subject)
    .setJti(task.id)
    .setIssuedAt(epochSeconds(task.issuedAt))
    .setNotBefore(epochSeconds(task.issuedAt))
    .setExpirationTime(epochSeconds(task.expiresAt))
    .sign(key.privateKey);
}

function epochSeconds(rfc3339: string): number {
  const ms = Date.parse(rfc3339);
  if (!Number.isFinite(ms) || ms % 1000 !== 0) throw new TypeError(`not a whole-second timestamp: ${rfc3339}`);
  return ms / 1000;
}

export interface TaskTokenCheck {
  readonly now: Date;
  readonly clockSkewSeconds: number;
}

/** Verifies signature, key, issuer, audience and times; says nothing about revocation (verify.ts asks the store). */
export async function verifyTaskToken(
  token: string,
  unverified: Unverified,
  key: SigningKey,
  check: TaskTokenCheck,
): Promise<{ identity: Identity; task: TaskDocument }> {
  checkAlgorithm(
    unverified.header,
    [TASK_TOKEN_ALG],
    TASK_TOKEN_ISSUER,
    `the token was not made by taskgate; ${RENEWAL}`,
  );
  const context = {
    issuer: TASK_TOKEN_ISSUER,
    audiences: [TASK_TOKEN_AUDIENCE],
    clockSkewSeconds: check.clockSkewSeconds,
    now: check.now,
    keySource: 'the task signing key in the data directory',
    renewal: RENEWAL,
  };
  if (unverified.header.kid !== key.kid) {
    throw new IdentityError(
      'unknown_kid',
      `the task token names signing key ${JSON.stringify(unverified.header.kid ?? null)}, but this decider signs with ` +
        `${key.kid}: the token comes from another taskgate data directory, or the key was replaced; ${RENEWAL}`,
    );
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, {
      issuer: TASK_TOKEN_ISSUER,
      audience: TASK_TOKEN_AUDIENCE,
      algorithms: [TASK_TOKEN_ALG],
      requiredClaims: ['sub', 'jti', 'iat', 'nbf', 'exp', 'task'],
      clockTolerance: check.clockSkewSeconds,
      currentDate: check.now,
    }));
  } catch (err) {
    throw refusalOf(err, unverified, context);
  }
  return { identity: identityOf(payload), task: taskOf(payload) };
}

function identityOf(payload: JWTPayload): Identity {
  const claims = Object.fromEntries(Object.entries(payload).filter(([name]) => !LIFTED_CLAIMS.has(name)));
  return { subject: nonEmpty(payload.sub, 'sub'), issuer: TASK_TOKEN_ISSUER, groups: [], claims, method: 'task-token' };
}

function taskOf(payload: JWTPayload): TaskDocument {
  const claim = payload.task;
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) throw malformed('"task" is not an object');
  const fields = claim as Record<string, unknown>;
  if (!Array.isArray(fields.grants)) throw malformed('"task.grants" is not a list');
  return {
    id: nonEmpty(payload.jti, 'jti'),
    name: nonEmpty(fields.name, 'task.name'),
    purpose: typeof fields.purpose === 'string' ? fields.purpose : '',
    grants: fields.grants.map((g, i) => grantOf(g, `task.grants[${i}]`)),
    issued_at: rfc3339Seconds(new Date((payload.nbf ?? payload.iat ?? 0) * 1000)),
    expires_at: rfc3339Seconds(new Date((payload.exp ?? 0) * 1000)),
  };
}

function grantOf(value: unknown, path: string): TaskGrant {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(`"${path}" is not an object`);
  const g = value as Record<string, unknown>;
  const objects = g.objects === undefined ? undefined : strings(g.objects, `${path}.objects`);
  const unmasked = g.unmasked === undefined ? undefined : strings(g.unmasked, `${path}.unmasked`);
  return {
    resource: nonEmpty(g.resource, `${path}.resource`),
    actions: strings(g.actions, `${path}.actions`),
    ...(objects === undefined ? {} : { objects }),
    ...(unmasked === undefined ? {} : { unmasked }),
  };
}

function strings(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw malformed(`"${path}" is not a list of strings`);
  return value;
}

function nonEmpty(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw malformed(`"${path}" is not a non-empty string`);
  return value;
}

function malformed(why: string): IdentityError {
  return new IdentityError('malformed_token', `the task token's claims are malformed (${why}): ${RENEWAL}`);
}
