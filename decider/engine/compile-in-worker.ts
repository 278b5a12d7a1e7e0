// Runs compile-worker in a fresh worker thread per compile: a compile is rare (start, reload), and a fresh thread
// leaves nothing of a failed or huge compile behind.
import { Worker } from 'node:worker_threads';

export interface CompileRequest {
  readonly dir: string;
  /** Slash-separated, e.g. `taskgate/decision`; all compiled into one module. */
  readonly entrypoints: readonly string[];
}

export type CompileResult =
  | {
      readonly ok: true;
      readonly wasm: Uint8Array;
      readonly data: Record<string, unknown>;
      readonly files: number;
      /** Requested entrypoints no rule defines: the module answers them undefined. */
      readonly undefinedEntrypoints: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

/**
 * When taskgate runs from its TypeScript sources (tests, benches) this module is a `.ts` file, and the worker
 * needs the same source loader the process was started with; from dist/ both are plain `.js`.
 */
function workerUrl(): URL {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./compile-worker${extension}`, import.meta.url);
}

function sourceLoaderArgs(): string[] {
  if (!import.meta.url.endsWith('.ts')) return process.execArgv;
  const loader = new URL('../../test/fixtures/ts-loader/register.mjs', import.meta.url);
  return [...process.execArgv, '--import', loader.href];
}

/** A compile that takes longer is stuck (the shipped policies take seconds); the active policy stays. */
const COMPILE_TIMEOUT_MS = 5 * 60_000;

/** Compiles the policy directory off the main thread. Never rejects: failures come back as `{ok: false}`. */
export function compileInWorker(request: CompileRequest, timeoutMs = COMPILE_TIMEOUT_MS): Promise<CompileResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: CompileResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const worker = new Worker(workerUrl(), { workerData: request, execArgv: sourceLoaderArgs() });
    const timer = setTimeout(() => {
      settle({ ok: false, error: `compiling took longer than ${timeoutMs / 1000} s; gave up` });
      void worker.terminate();
    }, timeoutMs);
    worker.once('message', (result: CompileResult) => settle(result));
    worker.once('error', (e) => settle({ ok: false, error: `the policy compiler failed: ${e.message}` }));
    worker.once('exit', (code) => settle({ ok: false, error: `the policy compiler exited (code ${code}) without a result` }));
  });
}
