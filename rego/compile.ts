// The Rego compiler: a list of named stages, each a file with one input and one output.
//   source --scanner/parser--> Module --checker--> CheckedPolicy --planner--> Plan --emitter--> policy.wasm
import { parseModule } from './syntax/parser.js';
import { check } from './check/index.js';
import { plan } from './plan/planner.js';
import { emit } from './wasm/emitter.js';
import { RegoError, RegoErrors } from './errors.js';
import type { Module } from './syntax/ast.js';

export interface Source {
  file: string;
  text: string;
}

export interface CompiledPolicy {
  /** A module that follows OPA's WASM ABI 1.3. */
  wasm: Uint8Array;
  /** Entrypoint name (`pkg/rule`, slash-separated, as `opa build -e` names them) to its id. */
  entrypoints: Record<string, number>;
}

/** Parses every source, reporting the errors of all files together. Throws RegoErrors. */
export function parseSources(sources: readonly Source[]): Module[] {
  const modules: Module[] = [];
  const errors: RegoError[] = [];
  for (const s of sources) {
    try {
      modules.push(parseModule(s.text, s.file));
    } catch (e) {
      if (e instanceof RegoErrors) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length > 0) throw new RegoErrors(errors);
  return modules;
}

/**
 * Compiles Rego sources to WASM. `entrypoints` are refs like `taskgate/decision` (or `data.taskgate.decision`).
 * Throws RegoErrors for anything wrong with the policy.
 */
export async function compilePolicy(sources: readonly Source[], entrypoints: readonly string[]): Promise<CompiledPolicy> {
  const checked = check(parseSources(sources));
  const planned = plan(checked, entrypoints.map(normalizeEntrypoint));
  return emit(planned);
}

/** `data.a.b` and `a.b` and `a/b` all name the entrypoint `a/b`. */
export function normalizeEntrypoint(ref: string): string {
  return ref.replace(/^data\./, '').replace(/\./g, '/');
}
