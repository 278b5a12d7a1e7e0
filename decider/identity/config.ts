/**
 * The `identity` section of taskgate.yaml: which OIDC issuers the decider trusts and how it gets their keys.
 *
 *   identity:
 *     oidc:
 *       - issuer: https://login.example.com
 *         audience: taskgate                 # or a list; the token's aud must contain one of them
 *         jwks_file: idp-jwks.json           # or jwks_url: https://login.example.com/jwks (https only)
 *         jwks_ca_file: corp-ca.pem          # optional, with jwks_url: trust this CA for the JWKS server
 *         clock_skew: 30s                    # optional, default 30s, at most 5m
 *         algorithms: [RS256, ES256]         # optional, default every asymmetric JWS algorithm
 *
 * The server loads the YAML and hands the parsed `identity` value to validateIdentityConfig(), which checks all of
 * it and returns the settings the verifiers use (or throws IdentityError `invalid_config` listing every problem).
 */
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from './duration.js';
import { IdentityError } from './errors.js';
import { TASK_TOKEN_ISSUER } from './task-token.js';

/** The section as written in taskgate.yaml. */
export interface IdentityConfig {
  readonly oidc?: readonly OidcIssuerConfig[];
}

export interface OidcIssuerConfig {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly jwks_file?: string;
  readonly jwks_url?: string;
  readonly jwks_ca_file?: string;
  /** A duration (`30s`, `2m`) or a number of seconds. */
  readonly clock_skew?: string | number;
  readonly algorithms?: readonly string[];
}

/** The section once checked: absolute paths, parsed URLs and durations, defaults filled in. */
export interface IdentitySettings {
  readonly oidc: readonly OidcIssuer[];
}

export type JwksSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'url'; readonly url: URL; readonly caFile?: string };

export interface OidcIssuer {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly jwks: JwksSource;
  readonly clockSkewSeconds: number;
  readonly algorithms: readonly string[];
}

/** Signature algorithms with a public key: an HMAC secret in a JWKS would let anyone holding it mint tokens. */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;
const MAX_CLOCK_SKEW_SECONDS = 300;
const ISSUER_KEYS: ReadonlySet<string> = new Set([
  'issuer',
  'audience',
  'jwks_file',
  'jwks_url',
  'jwks_ca_file',
  'clock_skew',
  'algorithms',
]);
/** Names people write by habit from other tools, and the one taskgate means. */
const LIKELY_MEANT: Readonly<Record<string, string>> = {
  jwks_uri: 'jwks_url',
  jwks: 'jwks_file or jwks_url',
  audiences: 'audience',
  aud: 'audience',
  iss: 'issuer',
  clock_tolerance: 'clock_skew',
  leeway: 'clock_skew',
};

export interface ValidateOptions {
  /** Directory relative `jwks_file` and `jwks_ca_file` paths are resolved against: the config file's. */
  readonly baseDir: string;
  /** How messages name the section. Default `identity`. */
  readonly path?: string;
}

/** Checks the whole section and reports every problem at once, each with its path in the file. */
export function validateIdentityConfig(raw: unknown, options: ValidateOptions): IdentitySettings {
  const path = options.path ?? 'identity';
  const problems: string[] = [];
  const settings = identitySettings(raw, path, options.baseDir, problems);
  if (problems.length > 0) {
    throw new IdentityError(
      'invalid_config',
      `invalid identity configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
  return settings;
}

function identitySettings(raw: unknown, path: string, baseDir: string, problems: string[]): IdentitySettings {
  if (raw === undefined || raw === null) return { oidc: [] };
  if (!isRecord(raw)) {
    problems.push(`${path}: must be a mapping with an "oidc" list`);
    return { oidc: [] };
  }
  for (const key of Object.keys(raw).filter((k) => k !== 'oidc'))
    problems.push(`${path}.${key}: unknown setting (expected oidc)`);
  if (raw.oidc === undefined || raw.oidc === null) return { oidc: [] };
  if (!Array.isArray(raw.oidc)) {
    problems.push(`${path}.oidc: must be a list of issuers`);
    return { oidc: [] };
  }
  const issuers = raw.oidc.flatMap((entry, i) => {
    const issuer = oidcIssuer(entry, `${path}.oidc[${i}]`, baseDir, problems);
    return issuer === undefined ? [] : [issuer];
  });
  const seen = new Set<string>();
  for (const issuer of issuers) {
    if (seen.has(issuer.issuer))
      problems.push(`${path}.oidc: issuer ${issuer.issuer} is listed twice; merge the entries`);
    seen.add(issuer.issuer);
  }
  return { oidc: issuers };
}

function oidcIssuer(raw: unknown, path: string, baseDir: string, problems: string[]): OidcIssuer | undefined {
  if (!isRecord(raw)) {
    problems.push(`${path}: must be a mapping with issuer, audience and jwks_file or jwks_url`);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(raw).filter((k) => !ISSUER_KEYS.has(k))) {
    const hint =
      LIKELY_MEANT[key] === undefined
        ? `expected one of ${[...ISSUER_KEYS].join(', ')}`
        : `did you mean ${LIKELY_MEANT[key]}?`;
    problems.push(`${path}.${key}: unknown setting (${hint})`);
  }
  const issuer = issuerName(raw.issuer, `${path}.issuer`, problems);
  const audiences = audienceList(raw.audience, `${path}.audience`, problems);
  const jwks = jwksSource(raw, path, baseDir, problems);
  const clockSkewSeconds = clockSkew(raw.clock_skew, `${path}.clock_skew`, problems);
  const algorithms = algorithmList(raw.algorithms, `${path}.algorithms`, problems);
  if (problems.length > before || issuer === undefined || jwks === undefined) return undefined;
  return { issuer, audiences, jwks, clockSkewSeconds, algorithms };
}

function issuerName(raw: unknown, path: string, problems: string[]): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') {
    problems.push(`${path}: required, the issuer's "iss" value exactly as its tokens carry it`);
    return undefined;
  }
  if (raw === TASK_TOKEN_ISSUER) {
    problems.push(
      `${path}: "${TASK_TOKEN_ISSUER}" is taskgate's own issuer for task tokens; name the OIDC provider's issuer`,
    );
    return undefined;
  }
  return raw;
}

function audienceList(raw: unknown, path: string, problems: string[]): string[] {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0 || !list.every((a) => typeof a === 'string' && a !== '')) {
    problems.push(`${path}: required, the client id (or list of them) tokens must be issued for`);
    return [];
  }
  return list;
}

function jwksSource(
  raw: Record<string, unknown>,
  path: string,
  baseDir: string,
  problems: string[],
): JwksSource | undefined {
  const { jwks_file: file, jwks_url: url, jwks_ca_file: caFile } = raw;
  if ((file === undefined) === (url === undefined)) {
    problems.push(
      `${path}: set exactly one of jwks_file (a JWKS JSON file) or jwks_url (the issuer's https JWKS endpoint)`,
    );
    return undefined;
  }
  if (file !== undefined) {
    if (caFile !== undefined) problems.push(`${path}.jwks_ca_file: only applies with jwks_url`);
    if (typeof file !== 'string' || file === '') {
      problems.push(`${path}.jwks_file: must be a file path`);
      return undefined;
    }
    return { kind: 'file', path: absolute(file, baseDir) };
  }
  const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || parsed.protocol !== 'https:') {
    problems.push(`${path}.jwks_url: must be an https URL (keys fetched over plain http could be swapped in transit)`);
    return undefined;
  }
  if (caFile === undefined) return { kind: 'url', url: parsed };
  if (typeof caFile !== 'string' || caFile === '') {
    problems.push(`${path}.jwks_ca_file: must be the path of a PEM file`);
    return undefined;
  }
  return { kind: 'url', url: parsed, caFile: absolute(caFile, baseDir) };
}

function clockSkew(raw: unknown, path: string, problems: string[]): number {
  if (raw === undefined) return DEFAULT_CLOCK_SKEW_SECONDS;
  const parsed =
    typeof raw === 'number'
      ? Number.isSafeInteger(raw) && raw >= 0
        ? { seconds: raw }
        : { error: `${raw} is not a whole number of seconds` }
      : typeof raw === 'string'
        ? parseDuration(raw)
        : { error: 'must be a duration such as 30s' };
  if ('error' in parsed) {
    problems.push(`${path}: ${parsed.error}`);
    return DEFAULT_CLOCK_SKEW_SECONDS;
  }
  if (parsed.seconds > MAX_CLOCK_SKEW_SECONDS) {
    problems.push(`${path}: at most 5m; a larger skew keeps expired tokens alive, so fix the clocks (NTP) instead`);
  }
  return parsed.seconds;
}

function algorithmList(raw: unknown, path: string, problems: string[]): string[] {
  if (raw === undefined) return [...ASYMMETRIC_ALGORITHMS];
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push(`${path}: must be a non-empty list, e.g. [RS256]`);
    return [];
  }
  for (const alg of raw) {
    if (typeof alg !== 'string' || !ASYMMETRIC_ALGORITHMS.includes(alg)) {
      problems.push(`${path}: ${JSON.stringify(alg)} is not accepted; use any of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
    }
  }
  return raw.filter((alg): alg is string => typeof alg === 'string');
}

function absolute(file: string, baseDir: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
