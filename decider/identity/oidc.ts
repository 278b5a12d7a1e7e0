/**
 * OIDC ID tokens: verified against the issuer the token names, which must be configured (config.ts), with that
 * issuer's keys (a JWKS file read once at start, or an https JWKS endpoint fetched and cached by jose), its
 * audiences, algorithms and clock skew.
 */
import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { JwksSource, OidcIssuer } from './config.js';
import { IdentityError } from './errors.js';
import { checkAlgorithm, refusalOf, type CheckContext, type Unverified } from './jwt.js';
import type { Identity } from './types.js';

/** Claims that become `identity` fields rather than `identity.claims`. */
const LIFTED_CLAIMS: ReadonlySet<string> = new Set(['iss', 'sub', 'groups']);

export interface OidcVerifier {
  readonly issuer: string;
  verify(token: string, unverified: Unverified, now: Date): Promise<Identity>;
}

/** Prepares one issuer; a JWKS file that is missing or not a JWKS is refused now rather than at the first login. */
export async function createOidcVerifier(issuer: OidcIssuer): Promise<OidcVerifier> {
  const keys = await keyResolver(issuer.jwks, issuer.issuer);
  const keySource = issuer.jwks.kind === 'file' ? `jwks_file ${issuer.jwks.path}` : `jwks_url ${issuer.jwks.url.href}`;
  return {
    issuer: issuer.issuer,
    async verify(token, unverified, now) {
      checkAlgorithm(
        unverified.header,
        issuer.algorithms,
        issuer.issuer,
        `if ${issuer.issuer} really signs with ${String(unverified.header.alg)}, add it to the issuer's algorithms in taskgate.yaml`,
      );
      const context: CheckContext = {
        issuer: issuer.issuer,
        audiences: issuer.audiences,
        clockSkewSeconds: issuer.clockSkewSeconds,
        now,
        keySource,
        renewal: `sign in to ${issuer.issuer} again for a fresh token`,
      };
      const options: JWTVerifyOptions = {
        issuer: issuer.issuer,
        audience: [...issuer.audiences],
        algorithms: [...issuer.algorithms],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: issuer.clockSkewSeconds,
        currentDate: now,
      };
      try {
        const payload = await verifyWithAnyMatchingKey(token, keys, options);
        return identityOf(payload, issuer.issuer);
      } catch (err) {
        throw refusalOf(err, unverified, context);
      }
    },
  };
}

/**
 * jwtVerify with the issuer's keys. A token without a `kid` may match several keys of the set; then each is
 * tried, as an issuer that omits `kid` expects, and the token passes if one of them verifies it.
 */
async function verifyWithAnyMatchingKey(
  token: string,
  keys: JWTVerifyGetKey,
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, keys, options)).payload;
  } catch (err) {
    if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;
    let lastFailure: unknown = err;
    for await (const key of err as unknown as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (failure) {
        if (!(failure instanceof errors.JWSSignatureVerificationFailed)) throw failure;
        lastFailure = failure;
      }
    }
    throw lastFailure;
  }
}

async function keyResolver(source: JwksSource, issuer: string): Promise<JWTVerifyGetKey> {
  if (source.kind === 'file') return createLocalJWKSet(await readJwksFile(source.path, issuer));
  const fetchImpl = source.caFile === undefined ? undefined : await fetchTrusting(source.caFile, issuer);
  const remote = createRemoteJWKSet(source.url, fetchImpl === undefined ? {} : { [customFetch]: fetchImpl });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      // Unreachable endpoint, TLS failure, not 200, not a JWKS: without the keys nothing can be trusted.
      throw new IdentityError(
        'jwks_unavailable',
        `cannot get the keys of ${issuer} from ${source.url.href} (${describe(err)}): check that the endpoint is ` +
          `reachable from the decider, serves a JWKS, and has a certificate the decider trusts (jwks_ca_file)`,
        { cause: err },
      );
    }
  };
}

async function readJwksFile(path: string, issuer: string): Promise<JSONWebKeySet> {
  const unavailable = (why: string, cause?: unknown) =>
    new IdentityError('jwks_unavailable', `cannot use the keys of ${issuer} from jwks_file ${path}: ${why}`, { cause });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw unavailable(`${describe(err)}; download the issuer's JWKS there or fix the path`, err);
  }
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch (err) {
    throw unavailable('not JSON; it must hold the JWKS document {"keys": [...]}', err);
  }
  try {
    createLocalJWKSet(jwks as JSONWebKeySet);
  } catch (err) {
    throw unavailable('not a JWKS; it must hold {"keys": [...]}', err);
  }
  return jwks as JSONWebKeySet;
}

/** A fetch that trusts the given CA bundle, for JWKS servers with a private certificate authority. */
async function fetchTrusting(caFile: string, issuer: string) {
  let ca: string;
  try {
    ca = await readFile(caFile, 'utf8');
  } catch (err) {
    throw new IdentityError('jwks_unavailable', `cannot read jwks_ca_file ${caFile} for ${issuer}: ${describe(err)}`, {
      cause: err,
    });
  }
  const dispatcher = new Agent({ connect: { ca } });
  return ((url: string, options: RequestInit) =>
    undiciFetch(url, { ...(options as object), dispatcher })) as unknown as NonNullable<
    Parameters<typeof createRemoteJWKSet>[1]
  >[typeof customFetch];
}

function identityOf(payload: JWTPayload, issuer: string): Identity {
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw new IdentityError(
      'malformed_token',
      `the token's "sub" claim is not a non-empty string: ${issuer} must name the subject`,
    );
  }
  const groups = payload.groups ?? [];
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) {
    throw new IdentityError(
      'malformed_token',
      `the token's "groups" claim is not a list of strings: ask the administrator of ${issuer} to fix the claim mapping`,
    );
  }
  const claims = Object.fromEntries(Object.entries(payload).filter(([name]) => !LIFTED_CLAIMS.has(name)));
  return { subject: payload.sub, issuer, groups, claims, method: 'oidc' };
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { message?: string } })?.cause?.message;
  const message = (err as Error)?.message ?? String(err);
  return cause === undefined ? message : `${message}: ${cause}`;
}
