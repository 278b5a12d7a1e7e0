// The key of the `hash` mask method. It comes from a file, so every shim process given the same file hashes a value
// the same way, across restarts and replicas, and joins or GROUP BY on hashed columns keep working. A missing file
// is created with 32 random bytes, readable by its owner only; a file others may read is refused, since whoever
// holds the key can confirm guesses of masked values.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ShimConfigError } from './config.js';

/** Where the shim keeps the key in its data directory unless configured otherwise. */
export const HASH_KEY_FILE_NAME = 'postgres-hash.key';
const KEY_BYTES = 32;

export interface HashKey {
  readonly key: Buffer;
  /** True when this call created the file. */
  readonly created: boolean;
}

export function loadHashKey(file: string): HashKey {
  const created = createIfMissing(file);
  let mode: number;
  let key: Buffer;
  try {
    mode = statSync(file).mode;
    key = readFileSync(file);
  } catch (e) {
    throw new ShimConfigError(`cannot read the hash key file ${file}: ${(e as Error).message}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new ShimConfigError(`the hash key file ${file} is accessible by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${file}`);
  }
  if (key.length < KEY_BYTES) {
    throw new ShimConfigError(`the hash key file ${file} holds ${key.length} bytes, fewer than ${KEY_BYTES}; delete it to have a new key made, or write one with: head -c 32 /dev/urandom > ${file}`);
  }
  return { key, created };
}

/**
 * Creates the file with a new key unless it exists. The key is written to a temporary file first and linked into
 * place, so a second shim starting at the same moment reads either no file or the whole key, never half of one.
 */
function createIfMissing(file: string): boolean {
  // A configured key may sit in a read-only directory (a mounted secret): nothing is written next to it.
  if (existsSync(file)) return false;
  const directory = dirname(file);
  const temporary = join(directory, `.${HASH_KEY_FILE_NAME}.${randomBytes(6).toString('hex')}`);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new ShimConfigError(`cannot create the hash key file ${file}: ${(e as Error).message}`);
  }
  try {
    linkSync(temporary, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ShimConfigError(`cannot create the hash key file ${file}: ${(e as Error).message}`);
  } finally {
    unlinkSync(temporary);
  }
}
