// Runs one compliance case through taskgate's own pipeline: compile the case's modules plus the query rule to
// WASM, load it with the engine (OPA's SDK plus the host builtins), evaluate, and report what came out.
import { resetEvaluation } from '../builtins/host/index.js';
import { compilePolicy } from '../compile.js';
import { EvalError, loadEngine } from '../engine.js';
import { RegoErrors } from '../errors.js';
import { QUERY_ENTRYPOINT, QUERY_FILE, parseInputTerm, queryModule, wholeDataVariable } from './query.js';
/** The entrypoint of all of data, as `opa build -e` would name the empty path. */
const WHOLE_DATA = '';
function planCase(c) {
    const modules = c.modules.map((text, i) => ({ file: `${c.suite}/module${i}.rego`, text }));
    const dataVar = wholeDataVariable(c.query);
    if (dataVar !== undefined) {
        return { sources: modules, entrypoint: WHOLE_DATA, bindings: (v) => (v === undefined ? [] : [{ [dataVar]: v }]) };
    }
    return {
        sources: [...modules, { file: QUERY_FILE, text: queryModule(c.query) }],
        entrypoint: QUERY_ENTRYPOINT,
        bindings: (v) => {
            if (v !== undefined && !Array.isArray(v))
                throw new Error(`query rule gave ${JSON.stringify(v)}, not a set`);
            return v ?? [];
        },
    };
}
function inputOf(c) {
    if (c.inputTerm !== undefined)
        return parseInputTerm(c.inputTerm);
    return c.input;
}
/**
 * The case's outcome. Compile and evaluation errors are outcomes; anything else thrown (a crash in a stage, a
 * malformed case) propagates and counts as an errored case.
 */
export async function executeCase(c) {
    let wasm;
    let plan;
    try {
        plan = planCase(c);
        wasm = (await compilePolicy(plan.sources, [plan.entrypoint])).wasm;
    }
    catch (e) {
        if (e instanceof RegoErrors) {
            return { kind: 'compile_error', codes: [...new Set(e.errors.map((x) => x.code))], message: e.message };
        }
        throw e;
    }
    try {
        const engine = await loadEngine(wasm, c.data ?? {});
        resetEvaluation();
        return { kind: 'result', bindings: plan.bindings(engine.evaluate(inputOf(c), plan.entrypoint)) };
    }
    catch (e) {
        if (e instanceof EvalError)
            return { kind: 'eval_error', code: e.code, message: e.message };
        throw e;
    }
}
//# sourceMappingURL=execute.js.map