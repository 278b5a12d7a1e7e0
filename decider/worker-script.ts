// Where a worker thread's script is, and the flags to start it with. From dist/ every module is plain `.js` and a
// worker inherits the process's options; when taskgate runs from its TypeScript sources (tests, benches) the script
// is a `.ts` file and the worker needs the source loader.
import type { WorkerOptions } from 'node:worker_threads';

/** `name` is the script's path relative to `base` (the caller's import.meta.url), without its extension. */
export function workerScript(name: string, base: string): { readonly url: URL; readonly options: Pick<WorkerOptions, 'execArgv'> } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`${name}${fromSource ? '.ts' : '.js'}`, base);
  // Never process.execArgv itself: a worker given V8 flags such as --max-old-space-size refuses to start
  // (ERR_WORKER_INVALID_EXEC_ARGV), while one left to inherit them starts.
  if (!fromSource) return { url, options: {} };
  const loader = new URL('../test/fixtures/ts-loader/register.mjs', import.meta.url);
  return { url, options: { execArgv: ['--import', loader.href] } };
}
