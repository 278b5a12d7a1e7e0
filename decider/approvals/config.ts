// The `approvals` section of taskgate.yaml. The secret is never written in the file itself: it is read from an
// environment variable or a file, so the configuration can be shared and committed.
//
//   approvals:
//     webhook:
//       url: https://chat-bridge.internal/taskgate
//       secret_env: TASKGATE_WEBHOOK_SECRET      # or secret_file: /run/secrets/taskgate-webhook
//       max_attempts: 5
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { WebhookOptions } from './webhook.js';

export interface ApprovalsSettings {
  readonly webhook?: WebhookOptions;
}

export class ApprovalsConfigError extends Error {
  override name = 'ApprovalsConfigError';
}

const SECTION_KEYS = ['webhook'];
const WEBHOOK_KEYS = ['url', 'secret_env', 'secret_file', 'max_attempts'];
const MIN_SECRET_LENGTH = 16;

/** Checks the section as parsed from YAML; `env` and `baseDir` resolve the secret. Throws ApprovalsConfigError. */
export function validateApprovalsConfig(
  raw: unknown,
  options: { readonly baseDir: string; readonly env?: NodeJS.ProcessEnv },
): ApprovalsSettings {
  if (raw === undefined || raw === null) return {};
  const section = mapping(raw, 'approvals', SECTION_KEYS);
  if (section.webhook === undefined || section.webhook === null) return {};
  const hook = mapping(section.webhook, 'approvals.webhook', WEBHOOK_KEYS);
  const url = hook.url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url) || !URL.canParse(url)) {
    throw new ApprovalsConfigError(`approvals.webhook.url must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
  }
  const maxAttempts = hook.max_attempts ?? 5;
  if (typeof maxAttempts !== 'number' || !Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw new ApprovalsConfigError('approvals.webhook.max_attempts must be an integer from 1 to 20');
  }
  return { webhook: { url, secret: secretOf(hook, options), maxAttempts } };
}

function secretOf(hook: Record<string, unknown>, options: { readonly baseDir: string; readonly env?: NodeJS.ProcessEnv }): string {
  const { secret_env: envName, secret_file: file } = hook;
  if ((envName === undefined) === (file === undefined)) {
    throw new ApprovalsConfigError('approvals.webhook needs exactly one of secret_env and secret_file: the HMAC secret the receiver shares');
  }
  let secret: string | undefined;
  if (typeof envName === 'string') {
    secret = (options.env ?? process.env)[envName];
    if (secret === undefined) throw new ApprovalsConfigError(`approvals.webhook.secret_env: the environment variable ${envName} is not set`);
  } else if (typeof file === 'string') {
    const path = isAbsolute(file) ? file : resolve(options.baseDir, file);
    try {
      secret = readFileSync(path, 'utf8').trim();
    } catch (e) {
      throw new ApprovalsConfigError(`approvals.webhook.secret_file: cannot read ${path}: ${(e as Error).message}`);
    }
  } else {
    throw new ApprovalsConfigError('approvals.webhook.secret_env and secret_file must be strings');
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ApprovalsConfigError(`the approvals webhook secret is shorter than ${MIN_SECRET_LENGTH} characters: use a long random value`);
  }
  return secret;
}

function mapping(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApprovalsConfigError(`${path} must be a mapping`);
  const unknown = Object.keys(value).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw new ApprovalsConfigError(`unknown key "${unknown}" in ${path} (known: ${allowed.join(', ')})`);
  return value as Record<string, unknown>;
}
