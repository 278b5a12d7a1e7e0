// Worker thread that compiles a policy directory. Compiling the shipped policies takes seconds of CPU; done on
// the main thread it would stall every decision in flight while a changed policy is reloaded.
import { parentPort, workerData } from 'node:worker_threads';
import { compilePolicy, parseSources } from '../../rego/compile.js';
import { formatErrors, RegoErrors } from '../../rego/errors.js';
import { loadPaths } from '../../rego/loader.js';
import type { CompileRequest, CompileResult } from './compile-in-worker.js';
import { dataDefines, definesDocument } from './defined-rules.js';

async function compile(request: CompileRequest): Promise<CompileResult> {
  const texts = new Map<string, string>();
  try {
    const loaded = await loadPaths([request.dir]);
    if (loaded.sources.length === 0) return { ok: false, error: `${request.dir}: no .rego files found` };
    for (const s of loaded.sources) texts.set(s.file, s.text);
    const compiled = await compilePolicy(loaded.sources, request.entrypoints);
    // Parsed again only to name what is missing: parsing is a small part of a compile.
    const modules = parseSources(loaded.sources);
    const undefinedEntrypoints = request.entrypoints.filter((e) => !definesDocument(modules, e) && !dataDefines(loaded.data, e));
    return { ok: true, wasm: compiled.wasm, data: loaded.data, files: loaded.sources.length, undefinedEntrypoints };
  } catch (e) {
    if (e instanceof RegoErrors) return { ok: false, error: formatErrors(e.errors, texts) };
    return { ok: false, error: (e as Error)?.message ?? String(e) };
  }
}

parentPort!.postMessage(await compile(workerData as CompileRequest));
