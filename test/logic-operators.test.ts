// The experimental `and` / `or` keywords (and `not { body }`) end to end: Rego text compiled to WASM and run
// through the opa-wasm SDK, then OPA's own logic_operators compliance cases through the conformance runner.
import { describe, expect, it } from 'vitest';
import { loadCases } from '../rego/conformance/cases.js';
import { expectationOf, mismatch } from '../rego/conformance/compare.js';
import { executeCase } from '../rego/conformance/execute.js';
import { compilePolicy } from '../rego/compile.js';
import { loadEngine, type Engine, type EngineOptions } from '../rego/engine.js';
import { RegoErrors } from '../rego/errors.js';

const IMPORTS = 'import future.keywords.and\nimport future.keywords.or\nimport future.keywords.not\n';

/** Compiles `package test` with the keywords imported; every rule name in `rules` becomes an entrypoint. */
async function compile(text: string, rules: string[], options?: EngineOptions): Promise<Engine> {
  const { wasm } = await compilePolicy([{ file: 'logic.rego', text: `package test\n${IMPORTS}${text}` }], rules.map((r) => `test/${r}`));
  return loadEngine(wasm, {}, options);
}

describe('and / or through WASM', () => {
  it('evaluates truth tables over input, with undefined operands', async () => {
    const engine = await compile(`
both if input.a and input.b
either if input.a or input.b
mixed if input.a and input.b or input.c and input.d
negated if not input.a and input.b
`, ['both', 'either', 'mixed', 'negated']);
    const run = (rule: string, input: object) => engine.evaluate(input, `test/${rule}`);
    expect(run('both', { a: true, b: true })).toBe(true);
    expect(run('both', { a: true, b: false })).toBeUndefined();
    expect(run('both', { b: true })).toBeUndefined();
    expect(run('either', { a: false, b: true })).toBe(true);
    expect(run('either', { b: true })).toBe(true);
    expect(run('either', { a: false, b: false })).toBeUndefined();
    expect(run('mixed', { a: false, b: true, c: true, d: true })).toBe(true);
    expect(run('mixed', { a: true, b: false, c: true, d: false })).toBeUndefined();
    expect(run('negated', { a: false, b: true })).toBe(true);
    expect(run('negated', { a: true, b: true })).toBeUndefined();
  });

  it('contributes one result however many ways the operands succeed', async () => {
    const engine = await compile(`
twice := [1 | true or true]
iterated := [1 | { some n in [1, 2, 3]; n > 0 } and { some m in [4, 5]; m > 0 }]
per_element := [x | some x in input.xs; x > 0 or x < 10]
`, ['twice', 'iterated', 'per_element']);
    expect(engine.evaluate(undefined, 'test/twice')).toEqual([1]);
    expect(engine.evaluate(undefined, 'test/iterated')).toEqual([1]);
    expect(engine.evaluate({ xs: [1, 2, 3] }, 'test/per_element')).toEqual([1, 2, 3]);
  });

  it('does not evaluate the right operand of or when the left one succeeds', async () => {
    let calls = 0;
    const sprintf = (): string => {
      calls++;
      return 'called';
    };
    const engine = await compile('p if input.x > 0 or sprintf("%v", [input.x]) == "called"', ['p'], { builtins: { sprintf } });
    expect(engine.evaluate({ x: 1 }, 'test/p')).toBe(true);
    expect(calls).toBe(0);
    expect(engine.evaluate({ x: 0 }, 'test/p')).toBe(true);
    expect(calls).toBe(1);
  });

  it('keeps operand locals apart from each other and from the enclosing body', async () => {
    const engine = await compile(`
p if {
  a := -100
  { a := 1; a > 0 } and { a := 2; a > 1 }
  { b = 0; b > 0 } or { b = 5; b > 0 }
  a == -100
}
`, ['p']);
    expect(engine.evaluate(undefined, 'test/p')).toBe(true);
  });

  it('reads enclosing variables in operands, in every bodies, functions, else and default', async () => {
    const engine = await compile(`
default d := "fallback"
d := "ok" if input.x > 0 and input.y > 0
e := "primary" if input.role == "admin" or input.role == "root" else := "secondary"
in_range(n) if n > 0 and n < 10
f if in_range(input.x)
all_nonzero if every n in input.xs { n < 0 or n > 0 }
none_out_of_range if not { some n in input.xs; n < -100 or n > 100 }
`, ['d', 'e', 'f', 'all_nonzero', 'none_out_of_range']);
    const run = (rule: string, input: object) => engine.evaluate(input, `test/${rule}`);
    expect(run('d', { x: 1, y: 0 })).toBe('fallback');
    expect(run('d', { x: 1, y: 1 })).toBe('ok');
    expect(run('e', { role: 'root' })).toBe('primary');
    expect(run('e', { role: 'guest' })).toBe('secondary');
    expect(run('f', { x: 5 })).toBe(true);
    expect(run('f', { x: 42 })).toBeUndefined();
    expect(run('all_nonzero', { xs: [-3, 1, 5] })).toBe(true);
    expect(run('all_nonzero', { xs: [-3, 0, 5] })).toBeUndefined();
    expect(run('none_out_of_range', { xs: [0, 5, 99] })).toBe(true);
    expect(run('none_out_of_range', { xs: [0, 500] })).toBeUndefined();
  });

  it('applies a trailing with to both operands, and a with inside a braced operand to that operand', async () => {
    const engine = await compile(`
outer if input.x > 0 and input.y > 0 with input as {"x": 1, "y": 2}
inner if { input.x < 2 with input.x as 1 } and input.x == 5
`, ['outer', 'inner']);
    expect(engine.evaluate({}, 'test/outer')).toBe(true);
    expect(engine.evaluate({ x: 5 }, 'test/inner')).toBe(true);
    expect(engine.evaluate({ x: 4 }, 'test/inner')).toBeUndefined();
  });

  it('rejects a variable an operand reads but nothing binds, with its location', async () => {
    await expect(compile('p if { x > 0 or true }', ['p'])).rejects.toThrow(RegoErrors);
    await expect(compile('p if { x > 0 or true }', ['p'])).rejects.toThrow(/logic\.rego:5:8: rego_unsafe_var_error: var x is unsafe/);
  });
});

describe('OPA compliance: logic_operators', () => {
  it('passes every case, judged as the conformance runner judges them', async () => {
    const cases = loadCases(new URL('../../shared/rego-compliance', import.meta.url).pathname, ['logic_operators']);
    expect(cases.length).toBeGreaterThanOrEqual(96);
    const failures: string[] = [];
    for (const c of cases) {
      const why = mismatch(expectationOf(c), await executeCase(c));
      if (why !== undefined) failures.push(`${c.note}: ${why}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
