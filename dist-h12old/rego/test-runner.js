// `opa test` semantics over taskgate's own compiler: every rule named `test_*` is a test, `todo_test_*` is
// skipped; all tests compile into one module (one entrypoint each) and run with no input over the loaded data.
// A test passes when its value is `true`; false or undefined fails it; an evaluation error is an ERROR.
import { check } from './check/index.js';
import { compilePolicy, parseSources } from './compile.js';
import { EvalError, loadEngine } from './engine.js';
const TEST_PREFIX = 'test_';
const TODO_PREFIX = 'todo_test_';
/** The tests the modules define, in source order, each listed once however many bodies it has. */
export function findTests(modules) {
    const tests = [];
    const seen = new Set();
    for (const m of modules) {
        for (const rule of m.rules) {
            const name = testName(rule);
            if (name === undefined)
                continue;
            const pkg = ['data', ...m.package.path].join('.');
            if (seen.has(`${pkg}.${name}`))
                continue;
            seen.add(`${pkg}.${name}`);
            tests.push({
                pkg,
                name,
                location: rule.loc,
                skip: name.startsWith(TODO_PREFIX),
                entrypoint: [...m.package.path, name].join('/'),
            });
        }
    }
    return tests;
}
/** The rule's name when it is a test: a plain rule (not a function, set or ref head) named test_* or todo_test_*. */
function testName(rule) {
    const head = rule.head;
    if (head.ref.length !== 1 || head.args !== undefined || head.contains)
        return undefined;
    const first = head.ref[0];
    if (first.type !== 'string')
        return undefined;
    return first.value.startsWith(TEST_PREFIX) || first.value.startsWith(TODO_PREFIX) ? first.value : undefined;
}
export function fullName(t) {
    return `${t.pkg}.${t.name}`;
}
/**
 * Compiles the loaded policies with one entrypoint per selected test and runs them. Throws RegoErrors when the
 * policies do not compile, and EvalError when the compiled module cannot be loaded.
 */
export async function runTests(loaded, options = {}) {
    const modules = parseSources(loaded.sources);
    const tests = findTests(modules).filter((t) => options.run?.test(fullName(t)) ?? true);
    const runnable = tests.filter((t) => !t.skip);
    if (runnable.length === 0) {
        // Still checked: a broken policy must never report success, even when no test is selected.
        check(modules);
        return tests.map(skipped);
    }
    const compiled = await compilePolicy(loaded.sources, runnable.map((t) => t.entrypoint));
    const engine = await loadEngine(compiled.wasm, loaded.data);
    return tests.map((t) => (t.skip ? skipped(t) : runOne(engine, t)));
}
function skipped(t) {
    return { ...t, outcome: 'SKIPPED', durationNs: 0 };
}
function runOne(engine, t) {
    const start = process.hrtime.bigint();
    try {
        const value = engine.evaluate(undefined, t.entrypoint);
        return { ...t, outcome: value === true ? 'PASS' : 'FAIL', durationNs: elapsed(start) };
    }
    catch (e) {
        if (!(e instanceof EvalError))
            throw e;
        return { ...t, outcome: 'ERROR', durationNs: elapsed(start), error: { code: e.code, message: e.message } };
    }
}
function elapsed(start) {
    return Number(process.hrtime.bigint() - start);
}
//# sourceMappingURL=test-runner.js.map