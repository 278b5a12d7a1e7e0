/**
 * One entry for every credential a client presents: `verifyCredential(token)` tells a task token (issuer
 * `taskgate`) from an OIDC ID token (any configured issuer), verifies it, and returns `input.identity` and, for a
 * task token, `input.task` (docs/policy-contract.md). Anything else throws IdentityError with a stable code.
 *
 *   const verifier = await createCredentialVerifier({ taskKey, settings, tasks: store });
 *   const { identity, task } = await verifier.verifyCredential(token);
 *
 * A task token is refused when its task is unknown to the store or revoked there. That check runs at every call:
 * call it when a session opens; per operation the store's `appendDecision` re-checks revocation in the same
 * transaction that writes the decision's audit record.
 */
import type { TaskRecord, TaskStore } from '../store/index.js';
import type { IdentitySettings } from './config.js';
import { formatDuration } from './duration.js';
import { IdentityError } from './errors.js';
import { readUnverified } from './jwt.js';
import type { SigningKey } from './keys.js';
import { createOidcVerifier, type OidcVerifier } from './oidc.js';
import { TASK_TOKEN_ISSUER, verifyTaskToken } from './task-token.js';
import type { TaskDocument, VerifiedCredential } from './types.js';

/** The decider and the CLI that mints task tokens share a machine; a few seconds cover clock steps. */
export const TASK_TOKEN_CLOCK_SKEW_SECONDS = 5;

export interface CredentialVerifierOptions {
  /** taskgate's own key (keys.ts); task tokens are refused without it. */
  readonly taskKey?: SigningKey;
  /** The checked `identity` section of taskgate.yaml. */
  readonly settings: IdentitySettings;
  /** Where task records and revocations live. */
  readonly tasks: Pick<TaskStore, 'getTask'>;
  /** The clock tokens are checked against. Default: the system clock. */
  readonly clock?: () => Date;
}

export interface CredentialVerifier {
  verifyCredential(token: string): Promise<VerifiedCredential>;
}

export async function createCredentialVerifier(options: CredentialVerifierOptions): Promise<CredentialVerifier> {
  const oidc = new Map<string, OidcVerifier>();
  for (const issuer of options.settings.oidc) oidc.set(issuer.issuer, await createOidcVerifier(issuer));
  const clock = options.clock ?? (() => new Date());
  return {
    async verifyCredential(token) {
      const unverified = readUnverified(token);
      const now = clock();
      const iss = unverified.claims.iss;
      if (iss === TASK_TOKEN_ISSUER) {
        if (options.taskKey === undefined) {
          throw new IdentityError(
            'signing_key_unavailable',
            'this decider has no task signing key, so it cannot verify task tokens',
          );
        }
        const verified = await verifyTaskToken(token, unverified, options.taskKey, {
          now,
          clockSkewSeconds: TASK_TOKEN_CLOCK_SKEW_SECONDS,
        });
        await checkTaskStanding(verified.task, verified.identity.subject, options.tasks, now);
        return verified;
      }
      const verifier = typeof iss === 'string' ? oidc.get(iss) : undefined;
      if (verifier === undefined) throw unknownIssuer(iss, [...oidc.keys()]);
      return { identity: await verifier.verify(token, unverified, now) };
    },
  };
}

function unknownIssuer(iss: unknown, configured: readonly string[]): IdentityError {
  const known = configured.length === 0 ? 'none is configured' : `configured: ${configured.join(', ')}`;
  return new IdentityError(
    'wrong_issuer',
    `the token's issuer ${JSON.stringify(iss ?? null)} is not trusted (${known}; task tokens have issuer ` +
      `"${TASK_TOKEN_ISSUER}"): use a token from a trusted issuer, or add this one under identity.oidc in taskgate.yaml`,
  );
}

/** The store has the last word on a task: it must exist, match the token, and not be revoked. */
async function checkTaskStanding(
  task: TaskDocument,
  subject: string,
  tasks: Pick<TaskStore, 'getTask'>,
  now: Date,
): Promise<void> {
  const record = await tasks.getTask(task.id);
  if (record === undefined) {
    throw new IdentityError(
      'task_unknown',
      `task ${task.id} is not known to this decider's store: the token was issued against another data directory, ` +
        'or the store was replaced; issue a new task token with `taskgate task issue`',
    );
  }
  if (record.subject !== subject || record.name !== task.name) {
    throw new IdentityError(
      'task_mismatch',
      `the token for task ${task.id} names subject ${JSON.stringify(subject)} and task ${JSON.stringify(task.name)}, ` +
        `but the store recorded ${JSON.stringify(record.subject)} and ${JSON.stringify(record.name)}: ` +
        'the token was not issued by this taskgate; issue a new one with `taskgate task issue`',
    );
  }
  if (record.revocation !== null) throw revoked(record, now);
}

function revoked(record: TaskRecord, now: Date): IdentityError {
  const { at, by, reason } = record.revocation!;
  const ago = formatDuration(Math.max(0, Math.floor((now.getTime() - Date.parse(at)) / 1000)));
  return new IdentityError(
    'task_revoked',
    `task ${record.id} (${record.name}) was revoked by ${by} at ${at} (${ago} ago)` +
      `${reason === '' ? '' : `: ${reason}`}; ask for a new task with \`taskgate task issue\``,
  );
}
