// Runs compile-worker in a fresh worker thread per compile: a compile is rare (start, reload), and a fresh thread
// leaves nothing of a failed or huge compile behind.
import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-script.js';

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
    const script = workerScript('./compile-worker', import.meta.url);
    const worker = new Worker(script.url, { ...script.options, workerData: request });
    const timer = setTimeout(() => {
      settle({ ok: false, error: `compiling took longer than ${timeoutMs / 1000} s; gave up` });
      void worker.terminate();
    }, timeoutMs);
    worker.once('message', (result: CompileResult) => settle(result));
    worker.once('error', (e) => settle({ ok: false, error: `the policy compiler failed: ${e.message}` }));
    worker.once('exit', (code) => settle({ ok: false, error: `the policy compiler exited (code ${code}) without a result` }));
  });
}
