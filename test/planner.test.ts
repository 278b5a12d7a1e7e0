// The planner, checked two ways: the IR's shape (through the dump), and its meaning, by compiling through the
// whole pipeline and evaluating with OPA's own SDK. OPA's compliance suites run through the same path in
// `make conformance`, which holds the suites the planner serves to per-suite floors (docs/conformance.md).
import { describe, expect, it } from 'vitest';
import { plan } from '../rego/plan/planner.js';
import { dumpFunc, dumpPlan } from '../rego/plan/dump.js';
import { check } from '../rego/check/index.js';
import { compilePolicy, parseSources } from '../rego/compile.js';
import { loadEngine } from '../rego/engine.js';

function asSources(source: string | string[]): Array<{ file: string; text: string }> {
  return (typeof source === 'string' ? [source] : source).map((text, i) => ({ file: `m${i}.rego`, text }));
}

async function planOf(source: string | string[], entrypoints: string[]) {
  return plan(check(parseSources(asSources(source))), entrypoints);
}

/** Compiles with the whole pipeline and evaluates as the decider does (OPA's SDK, taskgate's host builtins). */
async function evalRego(source: string | string[], entrypoint: string, input?: unknown, data: unknown = {}): Promise<unknown> {
  const compiled = await compilePolicy(asSources(source), [entrypoint]);
  return (await loadEngine(compiled.wasm, data)).evaluate(input, entrypoint);
}

describe('planner: IR shape', () => {
  it('plans a complete rule with a default as one memoized function', async () => {
    const p = await planOf('package test\ndefault allow := false\nallow if input.x == 1\n', ['test/allow']);
    const text = dumpPlan(p);
    expect(p.entrypoints).toEqual([{ name: 'test/allow', func: 'entrypoint test/allow' }]);
    expect(p.memoSlots).toBe(1);
    expect(text).toContain('func data.test.allow(l0, l1)');
    expect(text).toMatch(/memo 0 = l\d+/);
    expect(text).toMatch(/undefined\? l\d+/); // the default applies only when no body gave a value
  });

  it('plans a variant without memo for rules reached under with', async () => {
    const p = await planOf('package test\np := input.x\nq := [a, b] if { a := data.test.p; b := data.test.p with input.x as 7 }\n', ['test/q']);
    const plain = p.funcs.find((f) => f.name === 'data.test.p');
    const variant = p.funcs.find((f) => f.name === 'data.test.p@with1');
    expect(plain && dumpFunc(plain)).toMatch(/memo \d/);
    expect(variant && dumpFunc(variant)).not.toMatch(/memo/);
    expect(p.memoSlots).toBe(2); // p and q, never the variant
  });

  it('plans only what the entrypoints reach', async () => {
    const p = await planOf('package test\np := 1\nq := 2\n', ['test/p']);
    expect(p.funcs.map((f) => f.name).sort()).toEqual(['data.test.p', 'entrypoint test/p']);
  });
});

describe('planner: complete rules', () => {
  it('complete rules, defaults and conflicts', async () => {
    const src = 'package test\ndefault allow := false\nallow if input.x == 1\nv := input.x\nv := 2 if input.y\n';
    expect(await evalRego(src, 'test/allow', { x: 1 })).toBe(true);
    expect(await evalRego(src, 'test/allow', { x: 2 })).toBe(false);
    expect(await evalRego(src, 'test/v', { x: 2, y: true })).toBe(2);
    await expect(evalRego(src, 'test/v', { x: 3, y: true })).rejects.toThrow(/var assignment conflict/);
  });
});

describe('planner: semantics', () => {
  it('partial sets and objects, and the package document', async () => {
    const src = `package test
s contains x if some x in input.xs
o[k] := v if some k, v in input.m
o2[k] := 1 if some k in ["a", "a"]
`;
    const bad = 'package test\nbad[k] := v if { some v in [1, 2]; k := "a" }\n';
    expect(await evalRego(src, 'test/s', { xs: [3, 1, 3] })).toEqual([1, 3]);
    expect(await evalRego(src, 'test/s', {})).toEqual([]);
    expect(await evalRego(src, 'test/o', { m: { a: 1, b: [2] } })).toEqual({ a: 1, b: [2] });
    expect(await evalRego(src, 'test/o2', {})).toEqual({ a: 1 });
    await expect(evalRego(bad, 'test/bad', {})).rejects.toThrow(/object insert conflict/);
    expect(await evalRego(src, 'test', { xs: [1], m: {} }, { test: { base: 7 } })).toEqual({ s: [1], o: {}, o2: { a: 1 }, base: 7 });
  });

  it('general ref heads merge as OPA merges them', async () => {
    const src = `package test
p[q].r := i if some i, q in ["a", "b", "c"]
p.a.r := 0
p.e := 4
s[q] contains r if { some q in ["a", "b"]; some r in ["x", q] }
s.b contains "foo"
`;
    expect(await evalRego(src, 'test/p', {})).toEqual({ a: { r: 0 }, b: { r: 1 }, c: { r: 2 }, e: 4 });
    expect(await evalRego(src, 'test/p/b', {})).toEqual({ r: 1 });
    expect(await evalRego(src, 'test/s', {})).toEqual({ a: ['a', 'x'], b: ['b', 'foo', 'x'] });
    const conflict = `package test\np[q].r := i if some i, q in ["a"]\np.a.r := 42\n`;
    await expect(evalRego(conflict, 'test/p', {})).rejects.toThrow(/conflict/);
    const injection = `package test\np[q].r := {"s": 1} if q := "q"\np.q.r.t := 42\n`;
    await expect(evalRego(injection, 'test/p', {})).rejects.toThrow(/conflict/);
  });

  it('else chains and functions', async () => {
    const src = `package test
v := 1 if input.x > 10
else := 2 if input.x > 5
else := 3
f(x) := "neg" if x < 0
f(0) := "zero"
f(x) := "pos" if x > 0
g(x) := 1
g(x) := 2 if x == 2
h := [data.test.f(-1), data.test.f(0), data.test.f(5)]
k := data.test.g(input.x)
`;
    expect(await evalRego(src, 'test/v', { x: 11 })).toBe(1);
    expect(await evalRego(src, 'test/v', { x: 6 })).toBe(2);
    expect(await evalRego(src, 'test/v', { x: 1 })).toBe(3);
    expect(await evalRego(src, 'test/h', {})).toEqual(['neg', 'zero', 'pos']);
    expect(await evalRego(src, 'test/k', { x: 1 })).toBe(1);
    await expect(evalRego(src, 'test/k', { x: 2 })).rejects.toThrow(/var assignment conflict/);
  });

  it('unification, comprehensions, every and not', async () => {
    const src = `package test
a := [x | some x in input.xs; x > 1]
b := {x | some x in input.xs}
c := {k: v | some k, v in input.xs}
d if { [x, 2] = [1, y]; x == 1; y == 2 }
e if { {"a": x} = input.o; x == 5 }
all_pos if every x in input.xs { x > 0 }
none_big if not any_big
any_big if input.xs[_] > 100
n := m if count(input.xs, m)
`;
    const input = { xs: [3, 1, 2], o: { a: 5 } };
    expect(await evalRego(src, 'test/a', input)).toEqual([3, 2]);
    expect(await evalRego(src, 'test/b', input)).toEqual([1, 2, 3]);
    expect(await evalRego(src, 'test/c', input)).toEqual({ '0': 3, '1': 1, '2': 2 });
    expect(await evalRego(src, 'test/d', input)).toBe(true);
    expect(await evalRego(src, 'test/e', input)).toBe(true);
    expect(await evalRego(src, 'test/e', { o: { a: 5, b: 1 } })).toBeUndefined();
    expect(await evalRego(src, 'test/all_pos', input)).toBe(true);
    expect(await evalRego(src, 'test/all_pos', { xs: [1, -1] })).toBeUndefined();
    expect(await evalRego(src, 'test/all_pos', {})).toBeUndefined();
    expect(await evalRego(src, 'test/none_big', input)).toBe(true);
    expect(await evalRego(src, 'test/none_big', { xs: [101] })).toBeUndefined();
    expect(await evalRego(src, 'test/n', input)).toBe(3);
  });

  it('some ... in with a value pattern iterates and matches', async () => {
    const src = 'package test\nks := {k | some k, "b" in input.m}\nvs := {v | some v in input.m}\n';
    expect(await evalRego(src, 'test/ks', { m: { x: 'b', y: 'c', z: 'b' } })).toEqual(['x', 'z']);
    expect(await evalRego(src, 'test/vs', { m: { x: 'b', y: 'c' } })).toEqual(['b', 'c']);
  });

  it('with replaces input, data and functions for everything the expression calls', async () => {
    const src = `package test
p := input.x
q := y if y := data.test.p with input.x as 7
base := data.cfg.limit
r := y if y := data.test.base with data.cfg.limit as 3
f(x) := x + 1
g := data.test.f(1)
m1 := y if y := data.test.g with data.test.f as 10
double(x) := x * 2
m2 := y if y := data.test.g with data.test.f as data.test.double
both := [data.test.p, data.test.q]
`;
    expect(await evalRego(src, 'test/q', { x: 1 })).toBe(7);
    expect(await evalRego(src, 'test/r', {}, { cfg: { limit: 1 } })).toBe(3);
    expect(await evalRego(src, 'test/m1', {})).toBe(10);
    expect(await evalRego(src, 'test/m2', {})).toBe(2);
    // the memoized plain value of p is not confused with its value under `with`
    expect(await evalRego(src, 'test/both', { x: 1 })).toEqual([1, 7]);
  });
});

describe('planner: documents', () => {
  it('a ref with a run-time key evaluates only the document the key names', async () => {
    const sources = [
      'package test\np := data[first].allow.x if first := input.pkg\n',
      'package primary\nallow.x := 1\n',
      'package other\nallow.x := 2\n',
    ];
    expect(await evalRego(sources, 'test/p', { pkg: 'other' })).toBe(2);
    expect(await evalRego(sources, 'test/p', { pkg: 'base' }, { base: { allow: { x: 3 } } })).toBe(3);
    expect(await evalRego(sources, 'test/p', { pkg: 'test' })).toBeUndefined();
    // no cycle: test.p does not evaluate data.test (which holds p) to find data[first]
    const planned = await planOf(sources, ['test/p']);
    const p = planned.funcs.find((f) => f.name === 'data.test.p');
    expect(p && dumpFunc(p)).toMatch(/call data\.primary\.allow\.x\(/);
    expect(p && dumpFunc(p)).not.toMatch(/call data\.test\.p\(/);
  });

  it('packages and the objects holding functions exist even when empty', async () => {
    const sources = ['package a.b\n', 'package x\np := data.a.b\nf(y) := y\n'];
    expect(await evalRego(sources, '', {})).toEqual({ a: { b: {} }, x: { p: {} } });
  });

  it('base data wins over a virtual document where they conflict, and merges where both are objects', async () => {
    const src = 'package t\nk := "bar"\no.x := 1\n';
    expect(await evalRego(src, 't', {}, { t: { k: 'foo', o: { y: 2 } } })).toEqual({ k: 'foo', o: { x: 1, y: 2 } });
  });

  it('integer keys into base data also find string keys', async () => {
    expect(await evalRego('package t\np := data.nested[2]\n', 't/p', {}, { nested: { '2': 'bar' } })).toBe('bar');
    expect(await evalRego('package t\np := data.arr[1]\n', 't/p', {}, { arr: ['a', 'b'] })).toBe('b');
  });
});

describe('planner: errors', () => {
  it('rejects a rule that reads a document containing itself', async () => {
    await expect(planOf('package test\np := data.test\n', ['test/p'])).rejects.toThrow(/rego_recursion_error/);
  });
});

describe('planner: end to end through WASM and the opa-wasm SDK', () => {
  it('evaluates rules, packages and with as OPA does', async () => {
    const src = `package test
default allow := false
allow if input.user in data.admins
grants[g.resource] contains a if { some g in input.grants; some a in g.actions }
decision := {"allow": allow, "grants": grants}
mocked := d if d := decision with input.user as "root" with data.admins as ["root"]
`;
    const input = { user: 'bob', grants: [{ resource: 'db', actions: ['read', 'write'] }, { resource: 'db', actions: ['read'] }] };
    const data = { admins: ['alice'] };
    expect(await evalRego(src, 'test/decision', input, data)).toEqual({ allow: false, grants: { db: ['read', 'write'] } });
    expect(await evalRego(src, 'test/mocked', input, data)).toEqual({ allow: true, grants: { db: ['read', 'write'] } });
    expect(await evalRego(src, 'test/grants/db', input, data)).toEqual(['read', 'write']);
    expect(await evalRego(src, 'test/nothing', input, data)).toBeUndefined();
  });

  it('aborts with OPA\'s conflict message', async () => {
    const src = 'package test\np := x if some x in input.xs\n';
    expect(await evalRego(src, 'test/p', { xs: [1, 1] })).toBe(1);
    await expect(evalRego(src, 'test/p', { xs: [1, 2] })).rejects.toThrow(/var assignment conflict/);
  });
});
