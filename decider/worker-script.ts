// Where a worker thread's script is, and the flags to start it with. From dist/ every module is plain `.js`; when
// taskgate runs from its TypeScript sources (tests, benches) the script is a `.ts` file and the worker needs the
// same source loader the process was started with.
import type { WorkerOptions } from 'node:worker_threads';

/** `name` is the script's path relative to `base` (the caller's import.meta.url), without its extension. */
export function workerScript(name: string, base: string): { readonly url: URL; readonly options: Pick<WorkerOptions, 'execArgv'> } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`${name}${fromSource ? '.ts' : '.js'}`, base);
  if (!fromSource) return { url, options: { execArgv: process.execArgv } };
  const loader = new URL('../test/fixtures/ts-loader/register.mjs', import.meta.url);
  return { url, options: { execArgv: [...process.execArgv, '--import', loader.href] } };
}
