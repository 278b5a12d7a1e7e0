// `opa test` semantics over taskgate's own compiler: every rule named `test_*` is a test, `todo_test_*` is
// skipped; all tests compile into one module (one entrypoint each) and run with no input over the loaded data.
// A test passes when its value is `true`; false or undefined fails it; an evaluation error is an ERROR.
import { check } from './check/index.js';
import { compilePolicy, parseSources } from './compile.js';
import { EvalError, loadEngine, type Engine } from './engine.js';
import type { Loaded } from './loader.js';
import type { Location, Module, Rule } from './syntax/ast.js';

export type TestOutcome = 'PASS' | 'FAIL' | 'ERROR' | 'SKIPPED';

export interface TestCase {
  /** `data.pkg`, as opa prints it. */
  pkg: string;
  /** The rule name, `test_x` or `todo_test_x`. */
  name: string;
  location: Location;
  skip: boolean;
  /** The compiled entrypoint, `pkg/test_x`. */
  entrypoint: string;
}

export interface TestResult extends TestCase {
  outcome: TestOutcome;
  durationNs: number;
  error?: { code: string; message: string };
}

export interface TestOptions {
  /** Only tests whose full name (`data.pkg.test_x`) matches. */
  run?: RegExp;
}

const TEST_PREFIX = 'test_';
const TODO_PREFIX = 'todo_test_';

/** The tests the modules define, in source order, each listed once however many bodies it has. */
export function findTests(modules: readonly Module[]): TestCase[] {
  const tests: TestCase[] = [];
  const seen = new Set<string>();
  for (const m of modules) {
    for (const rule of m.rules) {
      const name = testName(rule);
      if (name === undefined) continue;
      const pkg = ['data', ...m.package.path].join('.');
      if (seen.has(`${pkg}.${name}`)) continue;
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
function testName(rule: Rule): string | undefined {
  const head = rule.head;
  if (head.ref.length !== 1 || head.args !== undefined || head.contains) return undefined;
  const first = head.ref[0];
  if (first.type !== 'string') return undefined;
  return first.value.startsWith(TEST_PREFIX) || first.value.startsWith(TODO_PREFIX) ? first.value : undefined;
}

export function fullName(t: TestCase): string {
  return `${t.pkg}.${t.name}`;
}

/**
 * Compiles the loaded policies with one entrypoint per selected test and runs them. Throws RegoErrors when the
 * policies do not compile, and EvalError when the compiled module cannot be loaded.
 */
export async function runTests(loaded: Loaded, options: TestOptions = {}): Promise<TestResult[]> {
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

function skipped(t: TestCase): TestResult {
  return { ...t, outcome: 'SKIPPED', durationNs: 0 };
}

function runOne(engine: Engine, t: TestCase): TestResult {
  const start = process.hrtime.bigint();
  try {
    const value = engine.evaluate(undefined, t.entrypoint);
    return { ...t, outcome: value === true ? 'PASS' : 'FAIL', durationNs: elapsed(start) };
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    return { ...t, outcome: 'ERROR', durationNs: elapsed(start), error: { code: e.code, message: e.message } };
  }
}

function elapsed(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}
