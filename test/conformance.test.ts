import { describe, expect, it } from 'vitest';
import type { ConformanceCase } from '../rego/conformance/cases.js';
import { expectationOf, mismatch, sameBindings } from '../rego/conformance/compare.js';
import { findExclusion, parseExclusions } from '../rego/conformance/exclusions.js';
import { breachedFloors, parseFloors } from '../rego/conformance/floors.js';
import { parseInputTerm, queryModule, queryVariables, wholeDataVariable } from '../rego/conformance/query.js';
import { CasePool } from '../rego/conformance/pool.js';
import { parseArgs } from '../rego/conformance/run.js';
import { formatSummary, summarize } from '../rego/conformance/report.js';
import { parseQuery } from '../rego/syntax/parser.js';

function makeCase(fields: Partial<ConformanceCase>): ConformanceCase {
  return { suite: 's', file: 'f.yaml', note: 's/n', query: 'data.a.p = x', modules: [], sortBindings: false, strictError: false, ...fields };
}

describe('result comparison', () => {
  it('compares bindings as multisets of values, ignoring key order', () => {
    expect(sameBindings([{ x: { a: 1, b: [2] } }, { x: 2 }], [{ x: 2 }, { x: { b: [2], a: 1 } }])).toBe(true);
    expect(sameBindings([{ x: 1 }, { x: 1 }], [{ x: 1 }])).toBe(false);
    expect(sameBindings([{ x: [1, 2] }], [{ x: [2, 1] }])).toBe(false);
    expect(sameBindings([], [])).toBe(true);
  });
  it('derives what a case expects', () => {
    expect(expectationOf(makeCase({ wantResult: [{ x: 1 }] }))).toEqual({ kind: 'result', bindings: [{ x: 1 }], sortArrays: false });
    expect(expectationOf(makeCase({ wantResult: [{ x: 1 }], strictError: true }))).toEqual({ kind: 'result', bindings: [{ x: 1 }], sortArrays: false });
    expect(expectationOf(makeCase({ wantResult: [{ x: 1 }], sortBindings: true }))).toEqual({ kind: 'result', bindings: [{ x: 1 }], sortArrays: true });
    expect(expectationOf(makeCase({ wantErrorCode: 'eval_conflict_error', wantError: 'conflict' })).kind).toBe('conflict');
    expect(expectationOf(makeCase({ wantErrorCode: 'eval_builtin_error', strictError: true })).kind).toBe('undefined');
    expect(expectationOf(makeCase({ wantErrorCode: 'eval_type_error' })).kind).toBe('undefined_or_eval_error');
    expect(expectationOf(makeCase({ wantErrorCode: 'rego_type_error', wantError: 'arity' }))).toEqual({ kind: 'compile_error', code: 'rego_type_error', message: 'arity' });
  });
  it('judges outcomes against expectations', () => {
    const result = (bindings: unknown[]) => ({ kind: 'result' as const, bindings });
    const evalError = (code: string) => ({ kind: 'eval_error' as const, code, message: 'm' });
    expect(mismatch({ kind: 'result', bindings: [{ x: 1 }], sortArrays: false }, result([{ x: 1 }]))).toBeUndefined();
    expect(mismatch({ kind: 'result', bindings: [{ x: 1 }], sortArrays: false }, result([{ x: 2 }]))).toBe('result differs');
    expect(mismatch({ kind: 'result', bindings: [], sortArrays: false }, evalError('eval_internal_error'))).toMatch(/expected a result/);
    expect(mismatch({ kind: 'conflict' }, evalError('eval_conflict_error'))).toBeUndefined();
    expect(mismatch({ kind: 'conflict' }, result([]))).toMatch(/expected a conflict/);
    expect(mismatch({ kind: 'undefined' }, result([]))).toBeUndefined();
    expect(mismatch({ kind: 'undefined' }, evalError('eval_builtin_error'))).toMatch(/undefined/);
    expect(mismatch({ kind: 'undefined_or_eval_error' }, evalError('eval_type_error'))).toBeUndefined();
    expect(mismatch({ kind: 'undefined_or_eval_error' }, result([{ x: 1 }]))).toMatch(/evaluation error or an undefined/);
    const compileError = { kind: 'compile_error' as const, codes: ['rego_type_error'], message: 'f:1:1: rego_type_error: wrong arity' };
    expect(mismatch({ kind: 'compile_error', code: 'rego_type_error', message: 'arity' }, compileError)).toBeUndefined();
    expect(mismatch({ kind: 'compile_error', code: 'rego_type_error', message: 'unsafe' }, compileError)).toMatch(/message containing/);
    expect(mismatch({ kind: 'compile_error', code: 'rego_parse_error' }, compileError)).toMatch(/expected rego_parse_error/);
  });
});

describe('result comparison as OPA judges its WASM target', () => {
  const result = (bindings: unknown[]) => ({ kind: 'result' as const, bindings });
  it('checks want_result first when a case also names the error strict mode would raise', () => {
    const c = makeCase({ wantResult: [{ x: { b: { c: {} } } }], wantErrorCode: 'eval_builtin_error', wantError: 'divide by zero', strictError: true });
    expect(mismatch(expectationOf(c), result([{ x: { b: { c: {} } } }]))).toBeUndefined();
    expect(mismatch(expectationOf(c), result([]))).toBe('result differs');
  });
  it('with sort_bindings, sorts each bound array of the outcome in OPA order before comparing', () => {
    const sorted = (bindings: unknown[]) => expectationOf(makeCase({ wantResult: bindings as Array<Record<string, unknown>>, sortBindings: true }));
    // walk(x, [_, v]) yields the inner values first; a set of falsy values lists {} before set() (an array in JSON).
    expect(mismatch(sorted([{ x: [1, 2, 3, 4, [1, 2, 3, 4]] }]), result([{ x: [[1, 2, 3, 4], 1, 2, 3, 4] }]))).toBeUndefined();
    expect(mismatch(sorted([{ x: [null, 0, '', [], [], {}] }]), result([{ x: [null, 0, '', [], {}, []] }]))).toBeUndefined();
    expect(mismatch(sorted([{ x: [[{ b: ['a'] }], [{ b: ['a', 'c'] }]] }]), result([{ x: [[{ b: ['a', 'c'] }], [{ b: ['a'] }]] }]))).toBeUndefined();
    expect(mismatch(sorted([{ x: [1, 2] }]), result([{ x: [2, 3] }]))).toBe('result differs');
  });
  it('without sort_bindings, array order counts', () => {
    const unsorted = expectationOf(makeCase({ wantResult: [{ x: [1, 2] }] }));
    expect(mismatch(unsorted, result([{ x: [2, 1] }]))).toBe('result differs');
  });
});

describe('exclusions', () => {
  const table = [
    '# Conformance',
    '| excluded | reason |',
    '| --- | --- |',
    '| `graphql` | not in the catalog |',
    '| `time/time caching` | needs test.sleep |',
    '| `array/flatten*` | array.flatten is missing |',
    '',
    '| other | table |',
    '| `sprintf` | not an exclusion |',
  ].join('\n');
  const exclusions = parseExclusions(table);
  it('reads only the exclusions table', () => {
    expect(exclusions.map((e) => e.pattern)).toEqual(['graphql', 'time/time caching', 'array/flatten*']);
  });
  it('matches by suite, by note and by note prefix', () => {
    expect(findExclusion(makeCase({ suite: 'graphql', note: 'graphql/x' }), exclusions)?.reason).toBe('not in the catalog');
    expect(findExclusion(makeCase({ suite: 'time', note: 'time/time caching' }), exclusions)).toBeDefined();
    expect(findExclusion(makeCase({ suite: 'time', note: 'time/time caching 2' }), exclusions)).toBeUndefined();
    expect(findExclusion(makeCase({ suite: 'array', note: 'array/flatten empty' }), exclusions)?.reason).toBe('array.flatten is missing');
    expect(findExclusion(makeCase({ suite: 'sprintf', note: 'sprintf/x' }), exclusions)).toBeUndefined();
  });
});

describe('per-suite floors', () => {
  const doc = [
    '| excluded | reason |',
    '| --- | --- |',
    '| `graphql` | not in the catalog |',
    '',
    '| suite with a floor | passing at least |',
    '| --- | --- |',
    '| `refheads` | 34 |',
    '| `every` | 28 |',
    '| `sets` | 4 |',
  ].join('\n');
  const floors = parseFloors(doc);
  const passing = (suite: string, n: number) => Array.from({ length: n }, (_, i) => ({ suite, note: `${suite}/${i}`, status: 'passed' as const }));
  const summary = summarize([...passing('refheads', 33), ...passing('every', 30), { suite: 'sets', note: 'sets/0', status: 'failed' }]);

  it('reads only the floors table', () => {
    expect(floors).toEqual([
      { suite: 'refheads', minPassed: 34 },
      { suite: 'every', minPassed: 28 },
      { suite: 'sets', minPassed: 4 },
    ]);
    expect(() => parseFloors('| suite with a floor | passing at least |\n| --- | --- |\n| `every` | most |')).toThrow(/floor of suite every is not a whole number/);
  });
  it('reports a selected suite below its floor, and a selected suite with no cases as passing none', () => {
    expect(breachedFloors(summary, floors, [])).toEqual([
      { suite: 'refheads', minPassed: 34, passed: 33 },
      { suite: 'sets', minPassed: 4, passed: 0 },
    ]);
  });
  it('holds only the suites a run selected to their floors', () => {
    expect(breachedFloors(summary, floors, ['every'])).toEqual([]);
    expect(breachedFloors(summary, floors, ['every', 'refheads'])).toEqual([{ suite: 'refheads', minPassed: 34, passed: 33 }]);
  });
});

describe('query rule', () => {
  it('binds the variables of the query, not data, input, wildcards or comprehension locals', () => {
    expect(queryVariables(parseQuery('data.a.p[x] = y; z := [w | w := input.v[_]]', 'q'))).toEqual(['x', 'y', 'z']);
    expect(queryVariables(parseQuery('data.a.f(1)', 'q'))).toEqual([]);
  });
  it('wraps the query in a partial set rule', () => {
    expect(queryModule('data.a.p = x')).toBe('package __conformance__\n\nq contains {"x": x} if {\ndata.a.p = x\n}\n');
    expect(queryModule('1 / 0')).toContain('q contains {} if {');
  });
  it('runs whole-data queries as the whole-data entrypoint', () => {
    expect(wholeDataVariable('data = x')).toBe('x');
    expect(wholeDataVariable('x = data')).toBe('x');
    expect(wholeDataVariable('data.a = x')).toBeUndefined();
    expect(wholeDataVariable('data = x; x.a = 1')).toBeUndefined();
  });
  it('turns input_term into JSON, sets as arrays', () => {
    expect(parseInputTerm('{"a": {1, 2}, "b": [null, true, "s", 1.5]}')).toEqual({ a: [1, 2], b: [null, true, 's', 1.5] });
    expect(() => parseInputTerm('{"a": x}')).toThrow(/not a ground value/);
  });
});

describe('command line and report', () => {
  it('parses options', () => {
    const o = parseArgs(['--suite', 'a', '--suite', 'b', '--json', 'r.json', '--min-pass-rate', '0.9', '--verbose', 'dir']);
    expect(o).toMatchObject({ dir: 'dir', suites: ['a', 'b'], json: 'r.json', minPassRate: 0.9, verbose: true });
    expect(() => parseArgs(['--min-pass-rate', '2', 'dir'])).toThrow(/from 0 to 1/);
    expect(() => parseArgs(['--bogus', 'dir'])).toThrow(/unknown option/);
    expect(() => parseArgs([])).toThrow(/exactly one suite directory/);
  });
  it('tallies per suite and computes the pass rate over the cases that ran', () => {
    const summary = summarize([
      { suite: 'a', note: 'a/1', status: 'passed' },
      { suite: 'a', note: 'a/2', status: 'failed' },
      { suite: 'b', note: 'b/1', status: 'errored' },
      { suite: 'b', note: 'b/2', status: 'skipped' },
      { suite: 'b', note: 'b/3', status: 'passed' },
    ]);
    expect(summary.suites.b).toEqual({ passed: 1, failed: 0, errored: 1, skipped: 1 });
    expect(summary.total.passRate).toBe(0.5);
    expect(formatSummary(summary)).toContain('total: 5 cases, 2 passed, 1 failed, 1 errored, 1 skipped; pass rate 50.0% of 4 run');
  });
});

describe('case pool', () => {
  it('ends a case that runs too long or crashes its worker, and keeps running the others', async () => {
    const pool = new CasePool({ workers: 1, timeoutMs: 500, workerUrl: new URL('./fixtures/conformance-pool/worker.mjs', import.meta.url) });
    try {
      const hung = await pool.run(makeCase({ note: 'hang' }));
      expect(hung).toMatchObject({ error: 'timed out after 500 ms' });
      const crashed = await pool.run(makeCase({ note: 'crash' }));
      expect(crashed).toMatchObject({ error: 'worker exited with code 3' });
      const fine = await pool.run(makeCase({ note: 'fine' }));
      expect(fine).toMatchObject({ outcome: { kind: 'result', bindings: [] } });
    } finally {
      await pool.close();
    }
  });
});
