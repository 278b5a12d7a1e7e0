// What the commands that read or write the decider's data directory share: the --data-dir option, opening the
// store (without creating an empty one where the user expected data), and reporting expected failures.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IdentityError } from '../decider/identity/errors.js';
import { DATABASE_FILE_NAME, DEFAULT_DATA_DIR, openStore, StoreError, type Store } from '../decider/store/index.js';
import { stringOption, type Options, type Parsed } from './args.js';

export const DATA_DIR_OPTIONS: Options = { 'data-dir': { type: 'string' } };
export const DATA_DIR_HELP = `      --data-dir DIR     the decider's data directory: audit log, tasks, keys (default ${DEFAULT_DATA_DIR}/)`;

/** A failure the user can fix; the CLI prints the message and exits 1. */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
}

export function dataDirOf(parsed: Parsed): string {
  return stringOption(parsed, 'data-dir') ?? DEFAULT_DATA_DIR;
}

/** Runs `use` with the store, creating the data directory and database if they do not exist yet. */
export async function withStore<T>(dataDir: string, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** As withStore, but refuses a data directory without a database: reading one would only create it empty. */
export async function withExistingStore<T>(dataDir: string, use: (store: Store) => Promise<T>): Promise<T> {
  const file = join(dataDir, DATABASE_FILE_NAME);
  if (!existsSync(file)) {
    throw new CommandFailure(
      `no taskgate data in ${dataDir} (${file} does not exist): pass --data-dir with the decider's data directory, ` +
        'or start the decider (or run `taskgate task issue`) to create it',
    );
  }
  return withStore(dataDir, use);
}

/** The message for a failure the user can act on; undefined for anything else, which is a bug. */
export function expectedFailureMessage(err: unknown): string | undefined {
  if (err instanceof CommandFailure || err instanceof IdentityError || err instanceof StoreError) {
    return `taskgate: ${err.message}`;
  }
  return undefined;
}
