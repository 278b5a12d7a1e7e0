// The checker: normalisation invariants the planner relies on (see CheckedPolicy in rego/syntax/ast.ts) and
// every kind of error with its location. Policies are written as Rego text and parsed.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BUILTINS } from '../rego/builtins/catalog.js';
import { check } from '../rego/check/index.js';
import { RegoErrors } from '../rego/errors.js';
import type { Body, CheckedPolicy, Rule, Term } from '../rego/syntax/ast.js';
import { parseModule } from '../rego/syntax/parser.js';
import { showBody, showRule } from './checker-print.js';

function checkRego(...sources: string[]): CheckedPolicy {
  return check(sources.map((text, i) => parseModule(text, `m${i}.rego`)));
}

/** The checked rules of the sources, one line each. */
function rulesOf(...sources: string[]): string[] {
  return checkRego(...sources).rules.map(showRule);
}

interface Reported {
  code: string;
  message: string;
  at: string;
}

/** The errors check() reports, as `code`, `message` and `file:row:col`. */
function errorsOf(...sources: string[]): Reported[] {
  try {
    checkRego(...sources);
  } catch (e) {
    if (!(e instanceof RegoErrors)) throw e;
    return e.errors.map((x) => ({ code: x.code, message: x.message, at: `${x.loc.file}:${x.loc.row}:${x.loc.col}` }));
  }
  throw new Error('expected check() to fail');
}

function ruleAt(policy: CheckedPolicy, path: string): Rule {
  const rules = policy.byPath.get(path);
  if (!rules || rules.length === 0) throw new Error(`no rule at ${path}`);
  return rules[0];
}

describe('names become absolute refs (invariant 1)', () => {
  it('resolves rules of the package, imports of data and input, aliases; removes imports', () => {
    const policy = checkRego(
      `package app.authz
import data.lib.roles
import data.lib.roles.admin as boss
import input.user
default allow := false
allow if {
  user.name == boss
  roles.known[user.role]
  ok
}
ok if input.enabled`,
      `package lib.roles
admin := "alice"
known contains "dev"`,
    );
    expect(policy.modules.every((m) => m.imports.length === 0)).toBe(true);
    expect(ruleAt(policy, 'app.authz.allow').default).toBe(true);
    expect(showBody(policy.byPath.get('app.authz.allow')![1].body)).toBe(
      'equal(input.user.name, data.lib.roles.admin); data.lib.roles.known[input.user.role]; data.app.authz.ok',
    );
  });

  it('resolves an alias of the whole input document', () => {
    expect(rulesOf(`package app
import input as req
p if req.method == "GET"`)).toEqual(['data.app.p { equal(input.method, "GET") }']);
  });

  it('calls user functions by absolute name and keeps builtin names', () => {
    const rules = rulesOf(
      `package app
import data.lib.strings as s
check(x) if s.is_prefix(x, "a")
p if { check(input.x); object.get(input, "y", 0) > count(input.zs); lower(input.n) == "x" }`,
      `package lib.strings
is_prefix(a, b) if startswith(a, b)`,
    );
    expect(rules).toContain('data.app.check(x) { data.lib.strings.is_prefix(x, "a") }');
    expect(rules).toContain(
      'data.app.p { data.app.check(input.x); gt(object.get(input, "y", 0), count(input.zs)); equal(lower(input.n), "x") }',
    );
  });

  it('lets a declared local hide a rule of the same name, in the whole body', () => {
    const rules = rulesOf(`package app
x := 1
p if { x := 2; x > 1 }
q if { x > 0 }
r if { x = 1 }`);
    expect(rules).toContain('data.app.p { x__1 = 2; gt(x__1, 1) }');
    expect(rules).toContain('data.app.q { gt(data.app.x, 0) }');
    // Unification does not declare: x still denotes the rule, so this compares.
    expect(rules).toContain('data.app.r { data.app.x = 1 }');
  });

  it('lets a user function shadow a builtin of the same name', () => {
    const rules = rulesOf(`package app
count(x) := 42
p := count([1, 2])`);
    expect(rules).toContain('data.app.p = $1 { $1 = data.app.count([1, 2]) }');
  });

  it('resolves rules of the same package across modules, and ref heads', () => {
    const rules = rulesOf(
      `package app
p if a.b.c`,
      `package app
a.b.c := true`,
    );
    expect(rules[0]).toBe('data.app.p { data.app.a.b.c }');
  });
});

describe('locals get unique names (invariant 2)', () => {
  it('renames := and some declarations, turns := into =, removes some, renames wildcards', () => {
    const rules = rulesOf(`package app
p[k] := v if {
  some k
  v := input.m[k]
  input.xs[_] == v
  [_, second] := input.pair
}`);
    expect(rules).toEqual(['data.app.p[k__1] = v__2 { v__2 = input.m[k__1]; equal(input.xs[$3], v__2); [$4, second__5] = input.pair }']);
  });

  it('gives a shadowing declaration in a comprehension its own name', () => {
    const rules = rulesOf(`package app
p := ys if {
  x := 1
  ys := [x | some x in input.xs]
  x == 1
}`);
    expect(rules).toEqual(['data.app.p = ys__3 { x__1 = 1; ys__3 = [x__2 | some x__2 in input.xs]; equal(x__1, 1) }']);
  });

  it('shares an outer variable with a comprehension that uses its name (closure)', () => {
    const rules = rulesOf(`package app
p := ys if {
  n = input.n
  ys := [x | x = input.xs[_]; x > n]
}`);
    expect(rules).toEqual(['data.app.p = ys__2 { n = input.n; ys__2 = [x | x = input.xs[$1]; gt(x, n)] }']);
  });

  it('keeps locals of sibling comprehensions, every bodies and else clauses apart', () => {
    const policy = checkRego(`package app
p if {
  a := [x | x = input.a[_]]
  b := [x | x = input.b[_]]
  every y in input.c { z = y; z > 0 }
  every y in input.d { z = y; z > 1 }
}
f(v) := r if { r = v + 1; r > 1 } else := r if { r = v }`);
    expect(showRule(ruleAt(policy, 'app.p'))).toBe(
      'data.app.p { a__2 = [x | x = input.a[$1]]; b__4 = [x__7 | x__7 = input.b[$3]]; ' +
        'every y__5 in input.c { z = y__5; gt(z, 0) }; every y__6 in input.d { z__8 = y__6; gt(z__8, 1) } }',
    );
    expect(showRule(ruleAt(policy, 'app.f'))).toBe('data.app.f(v) = r { r = plus(v, 1); gt(r, 1) } else = r__1 { r__1 = v }');
  });

  it('never reuses a name the author wrote', () => {
    const rules = rulesOf(`package app
p if { x__1 := input.a; x := x__1 }`);
    expect(rules).toEqual(['data.app.p { x__1__1 = input.a; x__2 = x__1__1 }']);
  });
});

describe('bodies are in a safe order (invariant 3)', () => {
  it('keeps the source order when it is already safe', () => {
    const rules = rulesOf(`package app
p if { x := input.a; y := x + 1; y > 2; not input.deny }`);
    expect(rules).toEqual(['data.app.p { x__1 = input.a; y__2 = plus(x__1, 1); gt(y__2, 2); not input.deny }']);
  });

  it('moves an expression after the ones that bind what it reads', () => {
    const rules = rulesOf(`package app
p contains msg if {
  msg = sprintf("%s is %d", [name, age])
  age > 17
  name = input.users[i].name
  age = input.users[i].age
}`);
    expect(rules).toEqual([
      'data.app.p contains msg { name = input.users[i].name; age = input.users[i].age; msg = sprintf("%s is %d", [name, age]); gt(age, 17) }',
    ]);
  });

  it('binds through call outputs, var-to-var unification and some-in', () => {
    const rules = rulesOf(`package app
p if { n > 1; count(input.xs, n) }
q if { a = b; b = c; c = 1; a == 1 }
r if { x > 1; some v in input.vs; x = v }`);
    expect(rules).toEqual([
      'data.app.p { count(input.xs, n); gt(n, 1) }',
      'data.app.q { c = 1; b = c; a = b; equal(a, 1) }',
      'data.app.r { some v__1 in input.vs; x = v__1; gt(x, 1) }',
    ]);
  });

  it('binds through array and object patterns on either side of =', () => {
    const rules = rulesOf(`package app
p if { a > b; [a, {"k": b}] = input.pair }
q if { x > 1; input.o = {"x": x} }`);
    expect(rules).toEqual([
      'data.app.p { [a, {"k": b}] = input.pair; gt(a, b) }',
      'data.app.q { input.o = {"x": x}; gt(x, 1) }',
    ]);
  });

  it('runs negations, comprehensions and every after their variables are bound', () => {
    const rules = rulesOf(`package app
p if {
  not x == 2
  ys := [y | y = input.ys[_]; y > x]
  every z in ys { z > x }
  x = input.x
}`);
    expect(rules).toEqual([
      'data.app.p { x = input.x; not equal(x, 2); ys__2 = [y | y = input.ys[$1]; gt(y, x)]; every z__3 in ys__2 { gt(z__3, x) } }',
    ]);
  });

  it('reorders comprehension and every bodies with the enclosing bindings visible', () => {
    const rules = rulesOf(`package app
p := [y | y > n; y = input.ys[_]] if n := 1
q if { every x in input.xs { y > 0; y = x } }`);
    expect(rules).toEqual([
      'data.app.p = $3 { n__1 = 1; $3 = [y | y = input.ys[$2]; gt(y, n__1)] }',
      'data.app.q { every x__1 in input.xs { y = x__1; gt(y, 0) } }',
    ]);
  });

  it('requires with values to be bound, and orders the expression after them', () => {
    const rules = rulesOf(`package app
p if { data.app.q with input as v; v = {"a": 1} }
q if input.a == 1`);
    expect(rules[0]).toBe('data.app.p { v = {"a": 1}; data.app.q with input as v }');
  });

  it('moves head terms that need evaluation into the body, as OPA does', () => {
    const rules = rulesOf(`package app
xs := {1, 2}
q := xs[_]
f(x) := x * 2`);
    expect(rules).toEqual(['data.app.xs = {1, 2} {  }', 'data.app.q = $2 { $2 = data.app.xs[$1] }', 'data.app.f(x) = $1 { $1 = mul(x, 2) }']);
  });
});

describe('logic operators (and, or, not { })', () => {
  const imports = 'import future.keywords.and\nimport future.keywords.or\nimport future.keywords.not\n';

  it('gives each operand its own scope: declarations and undeclared locals do not collide', () => {
    expect(rulesOf(`package app
${imports}p if {
  a := -100
  { a := 1; a > 0 } and { a := 2; a > 1 }
  { b = 1; b > 0 } or { b = -1; b < 0 }
  a == -100
}`)).toEqual([
      'data.app.p { a__1 = -100; { a__2 = 1; gt(a__2, 0) } and { a__3 = 2; gt(a__3, 1) }; ' +
        '{ b = 1; gt(b, 0) } or { b__4 = -1; lt(b__4, 0) }; equal(a__1, -100) }',
    ]);
  });

  it('renames locals apart in nested operands, comprehensions and every bodies', () => {
    expect(rulesOf(`package app
${imports}p := [1 | { some n in [1]; n > 0 } and { { some n in [2]; n > 1 } or not { some n in [3]; n > 2 } }]`)).toEqual([
      'data.app.p = $4 { $4 = [1 | { some n__1 in [1]; gt(n__1, 0) } and ' +
        '{ { some n__2 in [2]; gt(n__2, 1) } or { not { some n__3 in [3]; gt(n__3, 2) } } }] }',
    ]);
  });

  it('orders the expression after the outer variables its operands read, and each operand body safely', () => {
    expect(rulesOf(`package app
${imports}p if {
  x > 0 or { y > x; y = input.y }
  x = input.x
}`)).toEqual(['data.app.p { x = input.x; { gt(x, 0) } or { y = input.y; gt(y, x) } }']);
  });

  it('lets an operand local hide a rule of the same name inside that operand only', () => {
    expect(rulesOf(`package app
${imports}q := 5
p if { { q := 1; q > 0 } and q > 4 }`)[1]).toBe('data.app.p { { q__1 = 1; gt(q__1, 0) } and { gt(data.app.q, 4) } }');
  });

  it('reports variables that an operand reads and nothing binds, and bindings that do not leak out', () => {
    expect(errorsOf(`package app
${imports}p if { x > 0 or true }`)).toEqual([{ code: 'rego_unsafe_var_error', message: 'var x is unsafe', at: 'm0.rego:5:8' }]);
    expect(errorsOf(`package app
${imports}p if {
  { y := input.y } and true
  y > 0
}`)).toEqual([{ code: 'rego_unsafe_var_error', message: 'var y is unsafe', at: 'm0.rego:7:3' }]);
    expect(errorsOf(`package app
${imports}p if {
  { y = input.y } or true
  y > 0
}`)).toEqual([{ code: 'rego_unsafe_var_error', message: 'var y is unsafe', at: 'm0.rego:6:5' }]);
  });

  it('reports redeclaring within one operand, and unused some declarations in an operand', () => {
    expect(errorsOf(`package app
${imports}p if { { a := 1; a := 2 } and true }`)).toEqual([{ code: 'rego_compile_error', message: 'var a assigned above', at: 'm0.rego:5:18' }]);
    expect(errorsOf(`package app
${imports}p if { { some z; true } or true }`)).toEqual([{ code: 'rego_compile_error', message: 'declared var z unused', at: 'm0.rego:5:10' }]);
  });

  it('checks calls, with targets and recursion inside operands', () => {
    expect(errorsOf(`package app
${imports}p if { true and { nope(1) } }`).map((x) => x.message)).toEqual(['undefined function nope']);
    expect(errorsOf(`package app
${imports}p if { true or { q with foo as 1 } }
q := 1`).map((x) => x.code)).toEqual(['rego_type_error']);
    expect(errorsOf(`package app
${imports}p if q or true
q if { false and p }`).map((x) => x.code)).toEqual(['rego_recursion_error', 'rego_recursion_error']);
  });
});

describe('paths, kinds and byPath (invariants 4 and 5)', () => {
  it('sets an absolute path and a kind on every rule and groups them by static path', () => {
    const policy = checkRego(
      `package app.x
default allow := false
allow if input.ok
roles contains r if some r in input.roles
by_id[id] := u if { some u in input.users; id := u.id }
a.b[c].d := 1 if c := "k"
f(v) := v
g(v) if v`,
      `package app.x
allow if input.admin`,
    );
    const summary = policy.rules.map((r) => `${r.kind} ${r.path!.map((t) => (t.type === 'string' ? t.value : `[${(t as { name: string }).name}]`)).join('.')}`);
    expect(summary).toEqual([
      'complete data.app.x.allow',
      'complete data.app.x.allow',
      'partial_set data.app.x.roles',
      'partial_object data.app.x.by_id.[id__2]',
      'partial_object data.app.x.a.b.[c__1].d',
      'function data.app.x.f',
      'function data.app.x.g',
      'complete data.app.x.allow',
    ]);
    expect([...policy.byPath.keys()]).toEqual(['app.x.allow', 'app.x.roles', 'app.x.by_id', 'app.x.a.b', 'app.x.f', 'app.x.g']);
    expect(policy.byPath.get('app.x.allow')!.map((r) => r.loc.file)).toEqual(['m0.rego', 'm0.rego', 'm1.rego']);
    expect(policy.rules.every((r) => r.path![0].type === 'string' && (r.path![0] as { value: string }).value === 'data')).toBe(true);
  });
});

describe('unsafe variables', () => {
  it('reports a variable no expression binds, at the variable', () => {
    expect(errorsOf(`package app
p if {
  x := input.a
  y > x
}`)).toEqual([{ code: 'rego_unsafe_var_error', message: 'var y is unsafe', at: 'm0.rego:4:3' }]);
  });

  it('reports head variables the body does not bind', () => {
    expect(errorsOf(`package app
p[k] := v if v := input.a
q contains z if input.b`)).toEqual([
      { code: 'rego_unsafe_var_error', message: 'var k is unsafe', at: 'm0.rego:2:3' },
      { code: 'rego_unsafe_var_error', message: 'var z is unsafe', at: 'm0.rego:3:12' },
    ]);
  });

  it('reports variables of a negation that nothing binds', () => {
    expect(errorsOf(`package app
p if { not input.a[i] == 1 }`)).toEqual([{ code: 'rego_unsafe_var_error', message: 'var i is unsafe', at: 'm0.rego:2:20' }]);
  });

  it('reports a negated wildcard as an unsafe expression', () => {
    expect(errorsOf(`package app
p if { not input.a[_] == 1 }`)).toEqual([{ code: 'rego_unsafe_var_error', message: 'expression is unsafe', at: 'm0.rego:2:8' }]);
  });

  it('reports comprehension heads not bound by their body, and closures reading unbound outer vars', () => {
    expect(errorsOf(`package app
p := [x | y = input.a[_]]
q if { count([1 | n > 0]) > 1; n := 1 }`)).toEqual([
      { code: 'rego_unsafe_var_error', message: 'var x is unsafe', at: 'm0.rego:2:7' },
      { code: 'rego_unsafe_var_error', message: 'var n is unsafe', at: 'm0.rego:3:19' },
    ]);
  });

  it('reports with values that are not bound, and every bodies reading unbound vars', () => {
    expect(errorsOf(`package app
p if { input.a with input.b as v }
q if { every x in input.xs { x > limit } }`)).toEqual([
      { code: 'rego_unsafe_var_error', message: 'var v is unsafe', at: 'm0.rego:2:32' },
      { code: 'rego_unsafe_var_error', message: 'var limit is unsafe', at: 'm0.rego:3:34' },
    ]);
  });

  it('reports the author’s name for renamed variables, in else clauses too', () => {
    expect(errorsOf(`package app
f(a) := b if { b := a; c > 1 } else := d if { a > 1 }`)).toEqual([
      { code: 'rego_unsafe_var_error', message: 'var c is unsafe', at: 'm0.rego:2:24' },
      { code: 'rego_unsafe_var_error', message: 'var d is unsafe', at: 'm0.rego:2:40' },
    ]);
  });
});

describe('declarations', () => {
  it('rejects redeclaring, declaring after use, and redeclaring an argument', () => {
    expect(errorsOf(`package app
p if { x := 1; x := 2 }
q if { y == 1; y := 2 }
r if { some z; z := 1 }
f(a) if { a := 1 }`)).toEqual([
      { code: 'rego_compile_error', message: 'var x assigned above', at: 'm0.rego:2:16' },
      { code: 'rego_compile_error', message: 'var y referenced above', at: 'm0.rego:3:16' },
      { code: 'rego_compile_error', message: 'var z declared above', at: 'm0.rego:4:16' },
      { code: 'rego_compile_error', message: 'arg a redeclared', at: 'm0.rego:5:11' },
    ]);
  });

  it('rejects shadowing input and data, by variables, arguments and rules', () => {
    expect(errorsOf(`package app
p if { input := 1 }
f(data) := 1 if false else := 2
input := 2`)).toEqual([
      { code: 'rego_compile_error', message: 'variables must not shadow input (use a different variable name)', at: 'm0.rego:2:8' },
      { code: 'rego_compile_error', message: 'args must not shadow data (use a different variable name)', at: 'm0.rego:3:3' },
      { code: 'rego_compile_error', message: 'rules must not shadow input (use a different rule name)', at: 'm0.rego:4:1' },
    ]);
  });

  it('rejects assigning to a non-variable and unused some declarations', () => {
    expect(errorsOf(`package app
p if { [1, x] := input.a }
q if { some y; input.b }`)).toEqual([
      { code: 'rego_compile_error', message: 'cannot assign to number', at: 'm0.rego:2:9' },
      { code: 'rego_compile_error', message: 'declared var y unused', at: 'm0.rego:3:8' },
    ]);
  });

  it('rejects two imports of one name', () => {
    expect(errorsOf(`package app
import data.a.x
import data.b.x
p := x`)).toEqual([{ code: 'rego_compile_error', message: 'import data.b.x shadows import data.a.x', at: 'm0.rego:3:1' }]);
  });

  it('rejects imports outside data and input in modules built without the parser', () => {
    const mod = parseModule('package app\nimport input.x\np := x', 'm0.rego');
    const path = mod.imports[0].path as Extract<Term, { type: 'ref' }>;
    mod.imports[0] = { ...mod.imports[0], path: { ...path, head: { ...path.head, name: 'foo' } as Term } };
    expect(() => check([mod])).toThrow('m0.rego:2:1: rego_compile_error: invalid import foo.x: path must begin with input or data');
  });
});

describe('functions and calls', () => {
  it('reports unknown functions', () => {
    expect(errorsOf(`package app
p if { nope(1) }
q if { lib.f(1) }
r if { data.other.g(2) }`)).toEqual([
      { code: 'rego_type_error', message: 'undefined function nope', at: 'm0.rego:2:8' },
      { code: 'rego_type_error', message: 'undefined function lib.f', at: 'm0.rego:3:8' },
      { code: 'rego_type_error', message: 'undefined function data.other.g', at: 'm0.rego:4:8' },
    ]);
  });

  it('reports wrong numbers of arguments, allowing one output argument on a call of its own', () => {
    expect(errorsOf(`package app
f(a, b) := a + b
p if { count(input.xs, n, m) }
q if { x := count(input.xs, n) }
r if { f(1) }
s if { f(1, 2, y); y > 1; count(input.xs, z); z > 1 }`)).toEqual([
      { code: 'rego_type_error', message: 'count: arity mismatch (have 3 arguments, want 1 argument)', at: 'm0.rego:3:8' },
      { code: 'rego_type_error', message: 'count: arity mismatch (have 2 arguments, want 1 argument)', at: 'm0.rego:4:13' },
      { code: 'rego_type_error', message: 'function data.app.f has arity 2, got 1 argument', at: 'm0.rego:5:8' },
    ]);
  });
  it('rejects builtins deprecated in Rego v1', () => {
    expect(errorsOf(`package app
p if any([true])
q if re_match("a", input.s)`)).toEqual([
      { code: 'rego_type_error', message: 'deprecated built-in function calls in expression: any', at: 'm0.rego:2:6' },
      { code: 'rego_type_error', message: 'deprecated built-in function calls in expression: re_match', at: 'm0.rego:3:6' },
    ]);
  });
});

describe('rule conflicts', () => {
  it('reports different kinds, arities and several defaults at one path', () => {
    expect(errorsOf(`package app
p := 1
p contains 2
f(x) := x
f(x, y) := x
default d := 1
default d := 2`)).toEqual([
      { code: 'rego_type_error', message: 'conflicting rules data.app.p found', at: 'm0.rego:2:1' },
      { code: 'rego_type_error', message: 'conflicting rules data.app.f found', at: 'm0.rego:4:1' },
      { code: 'rego_type_error', message: 'multiple default rules data.app.d found', at: 'm0.rego:6:1' },
    ]);
  });

  it('reports rules inside the document of a single-value or multi-value rule, across packages', () => {
    expect(errorsOf(
      `package app
q := {"r": 1}
s contains 1`,
      `package app.q
r := 2`,
      `package app
s.t := 3`,
    )).toEqual([
      { code: 'rego_type_error', message: 'single-value rule data.app.q conflicts with [data.app.q.r]', at: 'm0.rego:2:1' },
      { code: 'rego_type_error', message: 'multi-value rule data.app.s conflicts with [data.app.s.t]', at: 'm0.rego:3:1' },
    ]);
  });

  it('rejects default rules with variables in the head, and else on rules that are not single-valued', () => {
    expect(errorsOf(`package app
default p[x] := 1`)).toEqual([
      { code: 'rego_compile_error', message: 'default rules must not have variables in their head: data.app.p', at: 'm0.rego:2:1' },
    ]);
    // The parser rejects `else` on such rules; a module built by other means gets the same answer.
    const mod = parseModule('package app\nq[x] := 1 if x := 1\nr := 1 if false else := 2', 'm0.rego');
    mod.rules[0] = { ...mod.rules[0], else: mod.rules[1].else };
    expect(() => check([mod])).toThrow('m0.rego:3:17: rego_compile_error: else keyword cannot be used on rules with variables in head');
  });

  it('allows rules below a rule whose ref has variables, as OPA does', () => {
    expect(() => checkRego(`package app
p[q].r := 1 if q := "a"
p.b.r := 2`)).not.toThrow();
  });
});

describe('recursion', () => {
  it('reports direct and indirect recursion with the chain', () => {
    expect(errorsOf(`package app
p if q
q if p
r if r`)).toEqual([
      { code: 'rego_recursion_error', message: 'rule data.app.p is recursive: data.app.p -> data.app.q -> data.app.p', at: 'm0.rego:2:1' },
      { code: 'rego_recursion_error', message: 'rule data.app.q is recursive: data.app.q -> data.app.p -> data.app.q', at: 'm0.rego:3:1' },
      { code: 'rego_recursion_error', message: 'rule data.app.r is recursive: data.app.r -> data.app.r', at: 'm0.rego:4:1' },
    ]);
  });

  it('reports recursion through functions, imports and whole-package refs', () => {
    expect(errorsOf(
      `package app
import data.lib
f(x) := lib.g(x)`,
      `package lib
g(x) := y if { y := data.app[_] }`,
    )).toEqual([
      { code: 'rego_recursion_error', message: 'rule data.app.f is recursive: data.app.f -> data.lib.g -> data.app.f', at: 'm0.rego:3:1' },
      { code: 'rego_recursion_error', message: 'rule data.lib.g is recursive: data.lib.g -> data.app.f -> data.lib.g', at: 'm1.rego:2:1' },
    ]);
  });

  it('does not call a ref recursive when its variable segment cannot reach the rule', () => {
    expect(() => checkRego(
      `package test
p := data[first].allow.x if first := "primary"`,
      `package primary
allow.x := true`,
    )).not.toThrow();
  });
});

describe('with', () => {
  it('accepts input, data, builtins and user functions as targets', () => {
    const rules = rulesOf(`package app
mock(x) := 7
p if { q with input.a as 1 with data.other as {} with count as mock with time.now_ns as 1 }
q if { count(input.a) == 7 }`);
    expect(rules[1]).toBe('data.app.p { data.app.q with input.a as 1 with data.other as {} with count as data.app.mock with time.now_ns as 1 }');
  });

  it('accepts a builtin name as the replacement of a function', () => {
    const rules = rulesOf(`package app
p if { count([1, 2]) == 3 with count as sum }`);
    expect(rules).toEqual(['data.app.p { equal(count([1, 2]), 3) with count as sum }']);
  });

  it('rejects other targets and partial replacement of a rule', () => {
    expect(errorsOf(`package app
q := {"a": 1}
p if { input.a with x as 1 }
r if { input.a with data.app.q.a as 2 }
s if { input.a with eq as 2 }`)).toEqual([
      { code: 'rego_type_error', message: 'with keyword target must reference existing input, data, or a function', at: 'm0.rego:3:21' },
      { code: 'rego_compile_error', message: 'with keyword cannot partially replace virtual document(s)', at: 'm0.rego:4:21' },
      { code: 'rego_compile_error', message: 'with keyword replacing built-in function: replacement of eq invalid', at: 'm0.rego:5:21' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------- compliance

const COMPLIANCE = '/work/shared/rego-compliance/v1';

interface ComplianceCase {
  note: string;
  modules?: string[];
  want_error_code?: string;
}

let loadedCases: ComplianceCase[] | undefined;

function complianceCases(): ComplianceCase[] {
  if (loadedCases) return loadedCases;
  const cases: ComplianceCase[] = [];
  for (const dir of readdirSync(COMPLIANCE, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of readdirSync(`${COMPLIANCE}/${dir.name}`)) {
      const doc = parseYaml(readFileSync(`${COMPLIANCE}/${dir.name}/${file}`, 'utf8')) as { cases?: ComplianceCase[] };
      cases.push(...(doc.cases ?? []));
    }
  }
  loadedCases = cases;
  return cases;
}

/** Structural invariants of a checked body that hold whatever the policy: no `some`, no `:=`, negations and
 * closures only read variables that an earlier expression (or the enclosing scope) mentions. */
function invariantViolations(body: Body, seen: Set<string>, where: string): string[] {
  const problems: string[] = [];
  const local = new Set(seen);
  const varsOf = (e: Body[number]): string[] => {
    const names: string[] = [];
    const visit = (t: Term): void => {
      if (t.type === 'var') names.push(t.name);
      else if (t.type === 'ref') [t.head, ...t.path].forEach(visit);
      else if (t.type === 'call') t.args.forEach(visit);
      else if (t.type === 'array' || t.type === 'set') t.items.forEach(visit);
      else if (t.type === 'object') t.entries.flat().forEach(visit);
    };
    if (e.type === 'term') visit(e.term);
    if (e.type === 'unify') [e.left, e.right].forEach(visit);
    if (e.type === 'somein') [e.key, e.value, e.collection].forEach((t) => t && visit(t));
    if (e.type === 'every') visit(e.domain);
    return names;
  };
  for (const e of body) {
    if (e.type === 'some' || e.type === 'assign') problems.push(`${where}: ${e.type} expression left`);
    const vars = varsOf(e);
    if (e.negated) for (const v of vars) if (!local.has(v) && v !== 'input' && v !== 'data') problems.push(`${where}: negation reads unbound ${v}`);
    if (e.type === 'every') {
      const inner = new Set([...local, ...vars]);
      for (const k of [e.key, e.value]) if (k?.type === 'var') inner.add(k.name);
      problems.push(...invariantViolations(e.body, inner, where));
    }
    if (e.type === 'logic') for (const operand of e.operands) problems.push(...invariantViolations(operand, local, where));
    for (const v of vars) local.add(v);
  }
  return problems;
}

function policyViolations(policy: CheckedPolicy, note: string): string[] {
  const problems: string[] = [];
  if (policy.modules.some((m) => m.imports.length > 0)) problems.push(`${note}: imports left`);
  const grouped = [...policy.byPath.values()].flat();
  if (grouped.length !== policy.rules.length) problems.push(`${note}: byPath does not cover every rule`);
  for (const rule of policy.rules) {
    const first = rule.path?.[0];
    if (!rule.kind || first?.type !== 'string' || first.value !== 'data') problems.push(`${note}: rule without path or kind`);
    const args = new Set<string>();
    for (const a of rule.head.args ?? []) if (a.type === 'var') args.add(a.name);
    problems.push(...invariantViolations(rule.body, args, note));
  }
  return problems;
}

describe('OPA compliance cases', () => {
  it('accepts every parsable case, except for builtins the catalog lacks, and keeps the invariants', () => {
    const cases = complianceCases();
    let unparsable = 0;
    let missingBuiltin = 0;
    let checked = 0;
    const unexpected: string[] = [];
    for (const c of cases) {
      let modules;
      try {
        modules = (c.modules ?? []).map((text, i) => parseModule(text, `test-${i}.rego`));
      } catch {
        unparsable++; // the parser's tests own these
        continue;
      }
      try {
        const policy = check(modules);
        checked++;
        unexpected.push(...policyViolations(policy, c.note));
      } catch (e) {
        if (!(e instanceof RegoErrors)) throw e;
        const onlyMissingBuiltins = e.errors.every((x) => {
          const m = /^undefined function ([\w.]+)$/.exec(x.message);
          return m !== null && !BUILTINS.has(m[1]);
        });
        if (onlyMissingBuiltins) missingBuiltin++;
        else unexpected.push(`${c.note}: ${e.message}`);
      }
    }
    // The subset holds no case that expects a compile error (want_error_code rego_*): every case must check.
    expect(cases.filter((c) => c.want_error_code?.startsWith('rego_') && c.note.startsWith('regoparsemodule') === false)).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(checked).toBeGreaterThan(1400);
    console.log(`compliance: ${cases.length} cases, ${checked} checked, ${missingBuiltin} use builtins outside the catalog, ${unparsable} not parsable yet`);
  });
});

describe('shipped policies', () => {
  it('checks the taskgate policies and their tests, keeping the invariants', () => {
    const dir = 'policies/taskgate';
    const files = readdirSync(dir).filter((f) => f.endsWith('.rego'));
    const policy = check(files.map((f) => parseModule(readFileSync(`${dir}/${f}`, 'utf8'), f)));
    expect(policy.byPath.has('taskgate.decision')).toBe(true);
    expect(policyViolations(policy, dir)).toEqual([]);
  });
});

describe('robustness', () => {
  it('leaves the parsed modules it is given untouched', () => {
    const modules = [parseModule('package app\nimport data.lib.x\np[k] := v if { some k; v := x[k]; [y | y := v] }', 'm0.rego')];
    const before = JSON.stringify(modules);
    check(modules);
    expect(JSON.stringify(modules)).toBe(before);
  });

  it('never crashes on mutated compliance policies: each result is a checked policy or RegoErrors', () => {
    const crashes: string[] = [];
    const problems: string[] = [];
    let variants = 0;
    for (const c of complianceCases()) {
      let modules;
      try {
        modules = (c.modules ?? []).map((text, i) => parseModule(text, `test-${i}.rego`));
      } catch {
        continue;
      }
      // Dropping one body expression at a time leaves variables unbound, rules unused, declarations missing.
      // At most a few variants per case keep the test quick.
      let perCase = 0;
      modules.forEach((mod, mi) =>
        mod.rules.forEach((rule, ri) =>
          rule.body.forEach((_, ei) => {
            if (perCase++ >= 6) return;
            const mutated = modules.map((m, j) =>
              j !== mi ? m : { ...m, rules: m.rules.map((r, k) => (k !== ri ? r : { ...r, body: r.body.filter((__, x) => x !== ei) })) },
            );
            variants++;
            try {
              problems.push(...policyViolations(check(mutated), c.note));
            } catch (e) {
              if (!(e instanceof RegoErrors)) crashes.push(`${c.note}: ${(e as Error).stack}`);
            }
          }),
        ),
      );
    }
    expect(crashes).toEqual([]);
    expect(problems).toEqual([]);
    expect(variants).toBeGreaterThan(1000);
  });
});
