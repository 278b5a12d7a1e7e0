/**
 * Identity for the decider: who is asking, and for which task.
 *
 * At start, the server checks the `identity` section of taskgate.yaml, loads (or makes) taskgate's signing key
 * and builds one verifier; at each session it verifies the client's credential:
 *
 *   const settings = validateIdentityConfig(yaml.identity, { baseDir: dirname(configFile) });
 *   const taskKey = await loadOrCreateSigningKey(dataDir);
 *   const verifier = await createCredentialVerifier({ taskKey, settings, tasks: store });
 *   const { identity, task } = await verifier.verifyCredential(token);   // input.identity, input.task
 *
 * Every refusal is an IdentityError with a stable `code` (./errors.ts) and a message that tells the fix; pass
 * both on to the client and the audit log. Per operation, the store's `appendDecision` (which checks revocations
 * inside the audit transaction) and `task.expires_at` stop a task that was revoked or expired after its session
 * opened.
 */
export {
  ASYMMETRIC_ALGORITHMS,
  DEFAULT_CLOCK_SKEW_SECONDS,
  validateIdentityConfig,
  type IdentityConfig,
  type IdentitySettings,
  type JwksSource,
  type OidcIssuer,
  type OidcIssuerConfig,
  type ValidateOptions,
} from './config.js';
export { IdentityError, type IdentityErrorCode } from './errors.js';
export { loadOrCreateSigningKey, loadSigningKey, signingKeyPath, type SigningKey } from './keys.js';
export { mintTaskToken, TASK_TOKEN_AUDIENCE, TASK_TOKEN_ISSUER } from './task-token.js';
export type { AuthMethod, Identity, TaskDocument, VerifiedCredential } from './types.js';
export {
  createCredentialVerifier,
  TASK_TOKEN_CLOCK_SKEW_SECONDS,
  type CredentialVerifier,
  type CredentialVerifierOptions,
} from './verify.js';
