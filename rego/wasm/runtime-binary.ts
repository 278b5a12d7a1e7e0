// Finds and reads the prebuilt runtime (`make runtime` writes dist/runtime/runtime.wasm). The emitter runs both
// from source (tests) and from dist/, so the file is located from the package root, not from this file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNTIME_PATH_IN_PACKAGE = join('dist', 'runtime', 'runtime.wasm');

interface CachedRuntime {
  path: string;
  mtimeMs: number;
  bytes: Uint8Array<ArrayBuffer>;
}

let cached: CachedRuntime | undefined;

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('emitter: cannot find the package root (no package.json above rego/wasm)');
    dir = parent;
  }
  return dir;
}

/** The runtime's bytes; re-read when the file changes, so a rebuilt runtime is picked up without a restart. */
export function readRuntimeBinary(): Uint8Array<ArrayBuffer> {
  const path = join(packageRoot(), RUNTIME_PATH_IN_PACKAGE);
  if (!existsSync(path)) throw new Error(`emitter: ${path} is missing; build it with \`make runtime\``);
  const { mtimeMs } = statSync(path);
  if (cached?.path !== path || cached.mtimeMs !== mtimeMs) {
    cached = { path, mtimeMs, bytes: new Uint8Array(readFileSync(path)) };
  }
  return cached.bytes;
}
