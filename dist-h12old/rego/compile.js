// The Rego compiler: a list of named stages, each a file with one input and one output.
//   source --scanner/parser--> Module --checker--> CheckedPolicy --planner--> Plan --emitter--> policy.wasm
import { parseModule } from './syntax/parser.js';
import { check } from './check/index.js';
import { plan } from './plan/planner.js';
import { emit } from './wasm/emitter.js';
import { RegoErrors } from './errors.js';
/** Parses every source, reporting the errors of all files together. Throws RegoErrors. */
export function parseSources(sources) {
    const modules = [];
    const errors = [];
    for (const s of sources) {
        try {
            modules.push(parseModule(s.text, s.file));
        }
        catch (e) {
            if (e instanceof RegoErrors)
                errors.push(...e.errors);
            else
                throw e;
        }
    }
    if (errors.length > 0)
        throw new RegoErrors(errors);
    return modules;
}
/**
 * Compiles Rego sources to WASM. `entrypoints` are refs like `taskgate/decision` (or `data.taskgate.decision`).
 * Throws RegoErrors for anything wrong with the policy.
 */
export async function compilePolicy(sources, entrypoints) {
    const checked = check(parseSources(sources));
    const planned = plan(checked, entrypoints.map(normalizeEntrypoint));
    return emit(planned);
}
/** `data.a.b` and `a.b` and `a/b` all name the entrypoint `a/b`. */
export function normalizeEntrypoint(ref) {
    return ref.replace(/^data\./, '').replace(/\./g, '/');
}
//# sourceMappingURL=compile.js.map