// Identity: taskgate's signing key, task tokens, OIDC ID tokens and the one verifyCredential() entry. Every
// token here is real: signed by jose with keys made in the test, checked against real files and servers.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateIdentityConfig, type IdentitySettings } from '../decider/identity/config.js';
import { IdentityError, type IdentityErrorCode } from '../decider/identity/errors.js';
import { loadOrCreateSigningKey, loadSigningKey, signingKeyPath, type SigningKey } from '../decider/identity/keys.js';
import { newSortableId } from '../decider/ids.js';
import { mintTaskToken, rfc3339Seconds } from '../decider/identity/task-token.js';
import { createCredentialVerifier, type CredentialVerifier } from '../decider/identity/verify.js';
import { openStore, type NewTask, type Store } from '../decider/store/index.js';

const ISSUER = 'https://idp.test';
const AUDIENCE = 'taskgate-client';

let dir: string;
let store: Store;
let taskKey: SigningKey;
let idpKey: { privateKey: CryptoKey; publicJwk: JWK };
let strangerKey: { privateKey: CryptoKey; publicJwk: JWK };
let jwksFile: string;

async function rsaKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskgate-identity-'));
  store = await openStore({ dataDir: join(dir, 'var') });
  taskKey = await loadOrCreateSigningKey(join(dir, 'var'));
  idpKey = await rsaKey('idp-1');
  strangerKey = await rsaKey('stranger');
  jwksFile = join(dir, 'jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: [idpKey.publicJwk] }));
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Asserts that `promise` is refused with `code`, and returns the message for further checks. */
async function refusal(promise: Promise<unknown>, code: IdentityErrorCode): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a refusal with code ${code}`).toBeInstanceOf(IdentityError);
  expect((err as IdentityError).code, (err as Error).message).toBe(code);
  return (err as Error).message;
}

/** A token with any header and claims, signed by nobody: for alg "none" and other forgeries. */
function unsigned(header: object, claims: object): string {
  const part = (o: object) => base64url.encode(JSON.stringify(o));
  return `${part(header)}.${part(claims)}.`;
}

describe('task signing key', () => {
  it('is made on first use, owner-only, and read back with the same kid', async () => {
    const dataDir = join(dir, 'fresh');
    const key = await loadOrCreateSigningKey(dataDir);
    const file = await stat(signingKeyPath(dataDir));
    expect(file.mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
    const content = JSON.parse(await readFile(signingKeyPath(dataDir), 'utf8')) as { kid: string; jwk: JWK };
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: content.jwk.x }));
    expect((await loadSigningKey(dataDir)).kid).toBe(key.kid);
    expect((await loadOrCreateSigningKey(dataDir)).kid).toBe(key.kid);
  });

  it('is made once when several processes race to make it', async () => {
    const dataDir = join(dir, 'race');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(dataDir)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
  });

  it('is reported missing with the way to make it', async () => {
    const message = await refusal(loadSigningKey(join(dir, 'nothing-here')), 'signing_key_unavailable');
    expect(message).toMatch(
      /no task signing key in .*nothing-here\/keys: start the decider once or run `taskgate task issue`/,
    );
  });

  it('is refused when others may read it', async () => {
    const dataDir = join(dir, 'loose');
    await loadOrCreateSigningKey(dataDir);
    await chmod(signingKeyPath(dataDir), 0o644);
    const message = await refusal(loadSigningKey(dataDir), 'signing_key_unavailable');
    expect(message).toContain('readable by others (mode 644)');
    expect(message).toContain(`chmod 600 ${signingKeyPath(dataDir)}`);
  });

  it('is refused when the file is damaged', async () => {
    const dataDir = join(dir, 'damaged');
    await loadOrCreateSigningKey(dataDir);
    const content = JSON.parse(await readFile(signingKeyPath(dataDir), 'utf8')) as { kid: string };
    await writeFile(signingKeyPath(dataDir), JSON.stringify({ ...content, kid: 'someone-elses' }), { mode: 0o600 });
    expect(await refusal(loadSigningKey(dataDir), 'signing_key_unavailable')).toContain(
      'its kid does not match the key',
    );
    await writeFile(signingKeyPath(dataDir), '{not json', { mode: 0o600 });
    expect(await refusal(loadSigningKey(dataDir), 'signing_key_unavailable')).toContain('not JSON');
  });
});

describe('task tokens', () => {
  const settings: IdentitySettings = { oidc: [] };
  let verifier: CredentialVerifier;
  beforeAll(async () => {
    verifier = await createCredentialVerifier({ taskKey, settings, tasks: store });
  });

  function newTask(overrides: Partial<NewTask> = {}, ttlSeconds = 900): NewTask {
    const now = new Date();
    return {
      id: newSortableId('tsk', now),
      subject: 'ci-backup',
      name: 'nightly-orders-backup',
      purpose: 'back up the orders tables',
      grants: [{ resource: 'orders-db', actions: ['read'], objects: ['public.orders'] }],
      issuedAt: rfc3339Seconds(now),
      expiresAt: rfc3339Seconds(new Date(now.getTime() + ttlSeconds * 1000)),
      issuedBy: 'test',
      ...overrides,
    };
  }

  async function issued(overrides: Partial<NewTask> = {}): Promise<{ task: NewTask; token: string }> {
    const task = newTask(overrides);
    await store.issueTask(task);
    return { task, token: await mintTaskToken(taskKey, task) };
  }

  /** A token signed with taskgate's key but with claims of the test's choosing. */
  function forged(claims: JWTPayload, kid = taskKey.kid): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid }).sign(taskKey.privateKey);
  }

  it('verifies to the identity and task of the policy contract', async () => {
    const { task, token } = await issued();
    const { identity, task: doc } = await verifier.verifyCredential(token);
    expect(identity).toMatchObject({ subject: 'ci-backup', issuer: 'taskgate', groups: [], method: 'task-token' });
    expect(identity.claims).toMatchObject({ aud: 'taskgate', jti: task.id });
    expect(identity.claims).not.toHaveProperty('task');
    expect(doc).toEqual({
      id: task.id,
      name: task.name,
      purpose: task.purpose,
      grants: task.grants,
      issued_at: task.issuedAt,
      expires_at: task.expiresAt,
    });
  });

  it('refuses alg none', async () => {
    const { task } = await issued();
    const token = unsigned(
      { alg: 'none', kid: taskKey.kid },
      { iss: 'taskgate', aud: 'taskgate', sub: task.subject, jti: task.id, exp: 4102444800, iat: 1, nbf: 1, task: {} },
    );
    expect(await refusal(verifier.verifyCredential(token), 'alg_none')).toContain('unsigned');
  });

  it('refuses another algorithm, even with a valid HMAC signature', async () => {
    const { task } = await issued();
    const token = await new SignJWT({ task: { name: task.name, purpose: '', grants: [] } })
      .setProtectedHeader({ alg: 'HS256', kid: taskKey.kid })
      .setIssuer('taskgate')
      .setAudience('taskgate')
      .setSubject(task.subject)
      .setJti(task.id)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a shared secret that is at least 32 bytes'));
    expect(await refusal(verifier.verifyCredential(token), 'alg_not_allowed')).toContain(
      'signed with HS256, but taskgate tokens must be signed with EdDSA',
    );
  });

  it('refuses the wrong audience', async () => {
    const { task } = await issued();
    const token = await forged({
      iss: 'taskgate',
      aud: 'someone-else',
      sub: task.subject,
      jti: task.id,
      iat: now(),
      nbf: now(),
      exp: now() + 300,
      task: { name: task.name, purpose: '', grants: [] },
    });
    expect(await refusal(verifier.verifyCredential(token), 'wrong_audience')).toContain('"someone-else"');
  });

  it('refuses an expired task, and one not yet valid, allowing a few seconds of skew', async () => {
    const { task, token } = await issued();
    const at = (rfc3339: string, deltaSeconds: number) => () => new Date(Date.parse(rfc3339) + deltaSeconds * 1000);
    const late = await createCredentialVerifier({ taskKey, settings, tasks: store, clock: at(task.expiresAt, 6) });
    expect(await refusal(late.verifyCredential(token), 'expired')).toContain(
      `expired at ${new Date(task.expiresAt).toISOString()}`,
    );
    const barely = await createCredentialVerifier({ taskKey, settings, tasks: store, clock: at(task.expiresAt, 4) });
    await expect(barely.verifyCredential(token)).resolves.toHaveProperty('task.id', task.id);
    const early = await createCredentialVerifier({ taskKey, settings, tasks: store, clock: at(task.issuedAt, -60) });
    expect(await refusal(early.verifyCredential(token), 'not_yet_valid')).toContain('not valid before');
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const { token } = await issued();
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as { task: { grants: object[] } };
    claims.task.grants.push({ resource: 'orders-db', actions: ['write', 'admin'] });
    const tampered = `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
    expect(await refusal(verifier.verifyCredential(tampered), 'bad_signature')).toContain('altered');
  });

  it('refuses a token signed by another taskgate key', async () => {
    const otherKey = await loadOrCreateSigningKey(join(dir, 'other-taskgate'));
    const task = newTask();
    await store.issueTask(task);
    const token = await mintTaskToken(otherKey, task);
    expect(await refusal(verifier.verifyCredential(token), 'unknown_kid')).toContain(otherKey.kid);
    // Same kid as ours but signed by the other key: the signature gives it away.
    const [, payload] = token.split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: taskKey.kid }));
    const resigned = await new SignJWT(JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as JWTPayload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: taskKey.kid })
      .sign(otherKey.privateKey);
    expect(resigned.split('.')[0]).toBe(header);
    await refusal(verifier.verifyCredential(resigned), 'bad_signature');
  });

  it('refuses malformed tokens', async () => {
    for (const token of [
      '',
      'not-a-token',
      'a.b',
      'a.b.c',
      `${'x'.repeat(20_000)}.y.z`,
      'eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.AAAA',
    ]) {
      expect(await refusal(verifier.verifyCredential(token), 'malformed_token')).toContain('three base64url parts');
    }
  });

  it('refuses a token without a task id', async () => {
    const { task } = await issued();
    const token = await forged({
      iss: 'taskgate',
      aud: 'taskgate',
      sub: task.subject,
      iat: now(),
      nbf: now(),
      exp: now() + 300,
      task: { name: task.name, purpose: '', grants: [] },
    });
    expect(await refusal(verifier.verifyCredential(token), 'missing_claim')).toContain('"jti"');
  });

  it('refuses a revoked task, saying who revoked it, when and why', async () => {
    const { task, token } = await issued();
    await store.revokeTask(task.id, 'alice', 'the backup host was compromised');
    const message = await refusal(verifier.verifyCredential(token), 'task_revoked');
    expect(message).toMatch(
      new RegExp(
        `task ${task.id} \\(nightly-orders-backup\\) was revoked by alice at \\d{4}-.*: the backup host was compromised`,
      ),
    );
  });

  it('refuses a task the store does not know, or knows differently', async () => {
    const unknown = newTask();
    expect(await refusal(verifier.verifyCredential(await mintTaskToken(taskKey, unknown)), 'task_unknown')).toContain(
      unknown.id,
    );
    const { task } = await issued();
    const otherSubject = await mintTaskToken(taskKey, { ...task, subject: 'mallory' });
    expect(await refusal(verifier.verifyCredential(otherSubject), 'task_mismatch')).toContain('"mallory"');
  });

  it('refuses task tokens when the decider has no signing key', async () => {
    const { token } = await issued();
    const keyless = await createCredentialVerifier({ settings, tasks: store });
    await refusal(keyless.verifyCredential(token), 'signing_key_unavailable');
  });
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}

describe('OIDC ID tokens', () => {
  let verifier: CredentialVerifier;
  beforeAll(async () => {
    const settings = validateIdentityConfig(
      { oidc: [{ issuer: ISSUER, audience: [AUDIENCE, 'other-client'], jwks_file: jwksFile, clock_skew: '30s' }] },
      { baseDir: dir },
    );
    verifier = await createCredentialVerifier({ taskKey, settings, tasks: store });
  });

  function idToken(claims: JWTPayload, options: { key?: CryptoKey; kid?: string } = {}): Promise<string> {
    return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now(), exp: now() + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'idp-1' })
      .sign(options.key ?? idpKey.privateKey);
  }

  it('verifies to an identity with groups and the other claims', async () => {
    const token = await idToken({ groups: ['ops', 'dba'], email: 'alice@example.com' });
    const result = await verifier.verifyCredential(token);
    expect(result.task).toBeUndefined();
    expect(result.identity).toMatchObject({ subject: 'alice', issuer: ISSUER, groups: ['ops', 'dba'], method: 'oidc' });
    expect(result.identity.claims).toMatchObject({ email: 'alice@example.com', aud: AUDIENCE });
    expect(result.identity.claims).not.toHaveProperty('groups');
    expect(result.identity.claims).not.toHaveProperty('sub');
  });

  it('refuses alg none and symmetric algorithms', async () => {
    const none = unsigned({ alg: 'none' }, { iss: ISSUER, aud: AUDIENCE, sub: 'alice', exp: now() + 300 });
    await refusal(verifier.verifyCredential(none), 'alg_none');
    const noneFromNowhere = unsigned({ alg: 'None' }, { iss: 'https://evil.test', sub: 'alice' });
    await refusal(verifier.verifyCredential(noneFromNowhere), 'alg_none');
    const hmac = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', exp: now() + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: 'idp-1' })
      .sign(new TextEncoder().encode('a shared secret that is at least 32 bytes'));
    expect(await refusal(verifier.verifyCredential(hmac), 'alg_not_allowed')).toContain(
      `${ISSUER} tokens must be signed with one of RS256,`,
    );
  });

  it('refuses an issuer that is not configured', async () => {
    const token = await idToken({ iss: 'https://evil.test' });
    const message = await refusal(verifier.verifyCredential(token), 'wrong_issuer');
    expect(message).toContain('"https://evil.test" is not trusted');
    expect(message).toContain(`configured: ${ISSUER}`);
  });

  it('refuses the wrong audience', async () => {
    const message = await refusal(verifier.verifyCredential(await idToken({ aud: 'grafana' })), 'wrong_audience');
    expect(message).toContain(`must be for "${AUDIENCE}" or "other-client"`);
    await expect(verifier.verifyCredential(await idToken({ aud: ['grafana', 'other-client'] }))).resolves.toBeDefined();
  });

  it('refuses expired and not-yet-valid tokens beyond the clock skew', async () => {
    await expect(verifier.verifyCredential(await idToken({ exp: now() - 10 }))).resolves.toBeDefined();
    expect(await refusal(verifier.verifyCredential(await idToken({ exp: now() - 60 })), 'expired')).toContain(
      'clock skew allowed 30s',
    );
    await expect(verifier.verifyCredential(await idToken({ nbf: now() + 10 }))).resolves.toBeDefined();
    await refusal(verifier.verifyCredential(await idToken({ nbf: now() + 120 })), 'not_yet_valid');
  });

  it('refuses a tampered token', async () => {
    const token = await idToken({ groups: ['ops'] });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as JWTPayload;
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...claims, groups: ['ops', 'admin'] }))}.${signature}`;
    await refusal(verifier.verifyCredential(tampered), 'bad_signature');
    // A key the issuer does not have, presented under the issuer's kid.
    await refusal(verifier.verifyCredential(await idToken({}, { key: strangerKey.privateKey })), 'bad_signature');
  });

  it('refuses an unknown kid', async () => {
    const token = await idToken({}, { key: strangerKey.privateKey, kid: 'stranger' });
    const message = await refusal(verifier.verifyCredential(token), 'unknown_kid');
    expect(message).toContain(`no key with kid "stranger" (keys from jwks_file ${jwksFile})`);
  });

  it('tries every key of the set for a token without a kid', async () => {
    const second = await rsaKey('idp-2');
    const twoKeys = join(dir, 'two-keys.json');
    await writeFile(twoKeys, JSON.stringify({ keys: [idpKey.publicJwk, second.publicJwk] }));
    const settings = validateIdentityConfig(
      { oidc: [{ issuer: ISSUER, audience: AUDIENCE, jwks_file: twoKeys }] },
      { baseDir: dir },
    );
    const rotated = await createCredentialVerifier({ settings, tasks: store });
    const sign = (key: CryptoKey) =>
      new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'carol', exp: now() + 300 })
        .setProtectedHeader({ alg: 'RS256' })
        .sign(key);
    await expect(rotated.verifyCredential(await sign(second.privateKey))).resolves.toMatchObject({
      identity: { subject: 'carol' },
    });
    await refusal(rotated.verifyCredential(await sign(strangerKey.privateKey)), 'bad_signature');
  });

  it('refuses a token without a subject or with malformed groups', async () => {
    const noSub = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: now() + 300 })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .sign(idpKey.privateKey);
    expect(await refusal(verifier.verifyCredential(noSub), 'missing_claim')).toContain('"sub"');
    await refusal(verifier.verifyCredential(await idToken({ groups: 'ops' })), 'malformed_token');
  });

  it('refuses to start with a JWKS file that is missing or not a JWKS', async () => {
    const settingsFor = (file: string) =>
      validateIdentityConfig({ oidc: [{ issuer: ISSUER, audience: AUDIENCE, jwks_file: file }] }, { baseDir: dir });
    const missing = createCredentialVerifier({ settings: settingsFor('absent.json'), tasks: store });
    expect(await refusal(missing, 'jwks_unavailable')).toContain(join(dir, 'absent.json'));
    await writeFile(join(dir, 'not-jwks.json'), '{"kty": "RSA"}');
    const notJwks = createCredentialVerifier({ settings: settingsFor('not-jwks.json'), tasks: store });
    expect(await refusal(notJwks, 'jwks_unavailable')).toContain('not a JWKS');
  });
});

describe('OIDC with keys from an https JWKS endpoint', () => {
  let server: Server;
  let base: string;
  let caFile: string;
  let serveJwks = true;

  beforeAll(async () => {
    const keyFile = join(dir, 'tls-key.pem');
    caFile = join(dir, 'tls-cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        keyFile,
        '-out',
        caFile,
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    server = createServer({ key: await readFile(keyFile), cert: await readFile(caFile) }, (req, res) => {
      if (!serveJwks) {
        res.writeHead(500).end('down for maintenance');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [idpKey.publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `https://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function verifierFor(entry: Record<string, unknown>): Promise<CredentialVerifier> {
    const settings = validateIdentityConfig(
      { oidc: [{ issuer: ISSUER, audience: AUDIENCE, ...entry }] },
      { baseDir: dir },
    );
    return createCredentialVerifier({ settings, tasks: store });
  }

  const token = () =>
    new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'bob', iat: now(), exp: now() + 300 })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .sign(idpKey.privateKey);

  it('verifies with keys fetched from a server whose CA is configured', async () => {
    serveJwks = true;
    const verifier = await verifierFor({ jwks_url: `${base}/jwks.json`, jwks_ca_file: caFile });
    await expect(verifier.verifyCredential(await token())).resolves.toMatchObject({ identity: { subject: 'bob' } });
  });

  it('refuses when the server certificate is not trusted', async () => {
    const verifier = await verifierFor({ jwks_url: `${base}/jwks.json` });
    expect(await refusal(verifier.verifyCredential(await token()), 'jwks_unavailable')).toContain(
      'self-signed certificate',
    );
  });

  it('refuses when the endpoint does not serve the keys', async () => {
    serveJwks = false;
    const verifier = await verifierFor({ jwks_url: `${base}/jwks.json`, jwks_ca_file: caFile });
    expect(await refusal(verifier.verifyCredential(await token()), 'jwks_unavailable')).toContain('200 OK');
    serveJwks = true;
  });
});

describe('identity configuration', () => {
  it('fills in defaults and resolves paths against the config directory', () => {
    const settings = validateIdentityConfig(
      { oidc: [{ issuer: ISSUER, audience: AUDIENCE, jwks_file: 'keys/idp.json' }] },
      { baseDir: '/etc/taskgate' },
    );
    expect(settings.oidc[0]).toMatchObject({
      issuer: ISSUER,
      audiences: [AUDIENCE],
      jwks: { kind: 'file', path: '/etc/taskgate/keys/idp.json' },
      clockSkewSeconds: 30,
    });
    expect(settings.oidc[0].algorithms).toContain('RS256');
    expect(settings.oidc[0].algorithms).not.toContain('HS256');
    expect(validateIdentityConfig(undefined, { baseDir: '.' })).toEqual({ oidc: [] });
  });

  it('reports every problem with its path and the fix', () => {
    let message = '';
    try {
      validateIdentityConfig(
        {
          oidc: [
            { issuer: ISSUER, jwks_uri: 'https://idp.test/jwks' },
            { issuer: 'taskgate', audience: 'a', jwks_file: 'x.json' },
            { issuer: 'https://b.test', audience: 'a', jwks_url: 'http://b.test/jwks', clock_skew: '1h' },
            { issuer: 'https://c.test', audience: 'a', jwks_file: 'c.json', jwks_url: 'https://c.test/jwks' },
            { issuer: 'https://d.test', audience: [], jwks_file: 'd.json', algorithms: ['HS256'] },
            { issuer: 'https://e.test', audience: 'a', jwks_file: 'e.json' },
            { issuer: 'https://e.test', audience: 'b', jwks_file: 'e.json', clock_skew: 'soon' },
          ],
          oidcs: [],
        },
        { baseDir: '.', path: 'identity' },
      );
    } catch (err) {
      expect(err).toBeInstanceOf(IdentityError);
      expect((err as IdentityError).code).toBe('invalid_config');
      message = (err as Error).message;
    }
    for (const expected of [
      'identity.oidcs: unknown setting',
      'identity.oidc[0].jwks_uri: unknown setting (did you mean jwks_url?)',
      'identity.oidc[0].audience: required',
      'identity.oidc[0]: set exactly one of jwks_file',
      `identity.oidc[1].issuer: "taskgate" is taskgate's own issuer`,
      'identity.oidc[2].jwks_url: must be an https URL',
      'identity.oidc[2].clock_skew: at most 5m',
      'identity.oidc[3]: set exactly one of jwks_file',
      'identity.oidc[4].audience: required',
      'identity.oidc[4].algorithms: "HS256" is not accepted',
      'identity.oidc[6].clock_skew: "soon" is not a duration',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('refuses the same issuer twice', () => {
    const entry = { issuer: ISSUER, audience: 'a', jwks_file: 'x.json' };
    expect(() => validateIdentityConfig({ oidc: [entry, entry] }, { baseDir: '.' })).toThrow(/listed twice/);
  });
});
