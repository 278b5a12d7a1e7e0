/**
 * taskgate's own signing key for task tokens: one Ed25519 key, made on first use and kept as a JWK in
 * `<data dir>/keys/task-signing-key.json`, readable by its owner only. Its `kid` is the RFC 7638 thumbprint of
 * the public key, so a token names exactly the key that signed it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK } from 'jose';
import { IdentityError } from './errors.js';

export const TASK_TOKEN_ALG = 'EdDSA';
const KEYS_DIR = 'keys';
const KEY_FILE = 'task-signing-key.json';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/** What the key file holds. */
interface KeyFile {
  kid: string;
  alg: typeof TASK_TOKEN_ALG;
  created_at: string;
  jwk: JWK;
}

export function signingKeyDir(dataDir: string): string {
  return join(dataDir, KEYS_DIR);
}

export function signingKeyPath(dataDir: string): string {
  return join(dataDir, KEYS_DIR, KEY_FILE);
}

/** Reads the key; refuses (signing_key_unavailable, saying how to make one) when there is none. */
export async function loadSigningKey(dataDir: string): Promise<SigningKey> {
  const file = signingKeyPath(dataDir);
  const text = await readKeyFile(file);
  if (text === undefined) {
    throw new IdentityError(
      'signing_key_unavailable',
      `no task signing key in ${signingKeyDir(dataDir)}: start the decider once or run \`taskgate task issue\`, which creates it`,
    );
  }
  return parseKeyFile(text, file);
}

/** Reads the key, or makes it when the data directory has none yet. Safe when several processes race to make it. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const file = signingKeyPath(dataDir);
  const existing = await readKeyFile(file);
  if (existing !== undefined) return parseKeyFile(existing, file);
  try {
    await createKeyFile(dataDir);
  } catch (err) {
    throw new IdentityError(
      'signing_key_unavailable',
      `cannot create the task signing key in ${signingKeyDir(dataDir)} (${(err as Error).message}): ` +
        'make the data directory writable by this user, or pass --data-dir',
      { cause: err },
    );
  }
  return loadSigningKey(dataDir);
}

async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    // Anyone who can read this key can mint tasks: refuse to use a key others could have copied.
    if ((info.mode & 0o077) !== 0) {
      throw new IdentityError(
        'signing_key_unavailable',
        `the task signing key ${file} is readable by others (mode ${(info.mode & 0o777).toString(8)}): ` +
          `run \`chmod 600 ${file}\`, and make a new key (delete the file) if others may have copied it`,
      );
    }
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof IdentityError) throw err;
    throw new IdentityError(
      'signing_key_unavailable',
      `cannot read the task signing key ${file} (${(err as Error).message}): check that --data-dir names a directory this user can read`,
      { cause: err },
    );
  }
}

async function parseKeyFile(text: string, file: string): Promise<SigningKey> {
  const broken = (why: string) =>
    new IdentityError(
      'signing_key_unavailable',
      `the task signing key ${file} is unusable (${why}): restore it from a backup, or delete it to make a new ` +
        `one (tokens signed with the old key then stop working)`,
    );
  let content: KeyFile;
  try {
    content = JSON.parse(text) as KeyFile;
  } catch {
    throw broken('not JSON');
  }
  const jwk = content?.jwk;
  if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x) {
    throw broken('not an Ed25519 private JWK');
  }
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  const kid = await calculateJwkThumbprint(publicJwk);
  if (content.kid !== kid) throw broken('its kid does not match the key');
  try {
    return {
      kid,
      privateKey: (await importJWK({ ...publicJwk, d: jwk.d }, TASK_TOKEN_ALG)) as CryptoKey,
      publicKey: (await importJWK(publicJwk, TASK_TOKEN_ALG)) as CryptoKey,
    };
  } catch (err) {
    throw broken((err as Error).message);
  }
}

/** Writes a new key beside the final name, then links it into place: the key appears whole or not at all. */
async function createKeyFile(dataDir: string): Promise<void> {
  await mkdir(signingKeyDir(dataDir), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
  const content: KeyFile = { kid, alg: TASK_TOKEN_ALG, created_at: new Date().toISOString(), jwk };
  const final = signingKeyPath(dataDir);
  const temporary = `${final}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(content, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, final);
  } catch (err) {
    // Another process made the key first: use theirs, so every token shares one key.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temporary);
  }
}
