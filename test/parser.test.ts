// The Rego v1 parser: unit tests for the tricky shapes, then every module, query and input term of OPA's
// compliance suite.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { RegoErrors } from '../rego/errors.js';
import type { Body, Expr, Module, Rule, Term } from '../rego/syntax/ast.js';
import { parseModule, parseQuery, parseTermText } from '../rego/syntax/parser.js';

// ---------------------------------------------------------------------------------------------- a compact printer

/** Prints a term the way the tests state expectations: calls by name, refs as ref(head; path...). */
function t(term: Term | undefined): string {
  if (term === undefined) return '-';
  switch (term.type) {
    case 'null': return 'null';
    case 'boolean': return String(term.value);
    case 'number': return term.value;
    case 'string': return JSON.stringify(term.value);
    case 'var': return term.name;
    case 'ref': return `ref(${t(term.head)}; ${term.path.map(t).join(', ')})`;
    case 'call': return `${term.fn.join('.')}(${term.args.map(t).join(', ')})`;
    case 'array': return `[${term.items.map(t).join(', ')}]`;
    case 'set': return `set(${term.items.map(t).join(', ')})`;
    case 'object': return `obj(${term.entries.map(([k, v]) => `${t(k)}: ${t(v)}`).join(', ')})`;
    case 'arraycompr': return `[${t(term.term)} | ${b(term.body)}]`;
    case 'setcompr': return `{${t(term.term)} | ${b(term.body)}}`;
    case 'objectcompr': return `{${t(term.key)}: ${t(term.value)} | ${b(term.body)}}`;
    case 'template': return `tmpl(${JSON.stringify(term.parts)}; ${term.terms.map(t).join(', ')})`;
  }
}

function e(expr: Expr): string {
  let out: string;
  switch (expr.type) {
    case 'term': out = t(expr.term); break;
    case 'unify': out = `${t(expr.left)} = ${t(expr.right)}`; break;
    case 'assign': out = `${t(expr.left)} := ${t(expr.right)}`; break;
    case 'some': out = `some ${expr.vars.map(t).join(', ')}`; break;
    case 'somein': out = `some ${expr.key ? `${t(expr.key)}, ` : ''}${t(expr.value)} in ${t(expr.collection)}`; break;
    case 'every': out = `every ${expr.key ? `${t(expr.key)}, ` : ''}${t(expr.value)} in ${t(expr.domain)} { ${b(expr.body)} }`; break;
    case 'logic': out = expr.operands.map((operand) => `{ ${b(operand)} }`).join(` ${expr.op} `); break;
  }
  if (expr.negated) out = `not ${out}`;
  for (const w of expr.with) out += ` with ${t(w.target)} as ${t(w.value)}`;
  return out;
}

function b(body: Body): string {
  return body.map(e).join('; ');
}

function r(rule: Rule): string {
  const h = rule.head;
  let out = `${rule.default ? 'default ' : ''}${h.ref.map(t).join('.')}`;
  if (h.args) out += `(${h.args.map(t).join(', ')})`;
  if (h.contains) out += ` contains ${t(h.key)}`;
  if (h.value) out += ` ${h.assign ? ':=' : '='} ${t(h.value)}`;
  if (rule.body.length > 0) out += ` if { ${b(rule.body)} }`;
  for (const c of rule.else) {
    out += ' else';
    if (c.value) out += ` ${c.assign ? ':=' : '='} ${t(c.value)}`;
    if (c.body.length > 0) out += ` if { ${b(c.body)} }`;
  }
  return out;
}

function module(text: string): Module {
  return parseModule(`package test\n${text}`, 'test.rego');
}

function rules(text: string): string[] {
  return module(text).rules.map(r);
}

function value(text: string): string {
  return t(module(`p := ${text}`).rules[0].head.value);
}

function body(text: string): string {
  return b(parseQuery(text, 'query.rego'));
}

/** The errors a module produces, as `row:col: message`. */
function errors(text: string): string[] {
  try {
    parseModule(text, 'bad.rego');
  } catch (err) {
    if (!(err instanceof RegoErrors)) throw err;
    for (const one of err.errors) expect(one.code).toBe('rego_parse_error');
    return err.errors.map((one) => `${one.loc.row}:${one.loc.col}: ${one.message}`);
  }
  throw new Error(`expected a parse error in:\n${text}`);
}

// ---------------------------------------------------------------------------------------------- operators

describe('operators', () => {
  it('binds as OPA does: in < relations < | < & < + - < * / %', () => {
    expect(value('1 + 2 * 3 - 4 == 3 | 4 & 5')).toBe('equal(minus(plus(1, mul(2, 3)), 4), or(3, and(4, 5)))');
    expect(value('a < b == c')).toBe('equal(lt(a, b), c)');
    expect(value('x in xs == true')).toBe('internal.member_2(x, equal(xs, true))');
    expect(value('a | b & c')).toBe('or(a, and(b, c))');
  });

  it('is left-associative at every level', () => {
    expect(value('a - b - c')).toBe('minus(minus(a, b), c)');
    expect(value('a / b * c % d')).toBe('rem(mul(div(a, b), c), d)');
    expect(value('x in a in b')).toBe('internal.member_2(internal.member_2(x, a), b)');
  });

  it('lets parentheses override precedence and span lines', () => {
    expect(value('(1 + 2) * 3')).toBe('mul(plus(1, 2), 3)');
    expect(body('x := (1\n + 2)\ny := [1,\n 2]')).toBe('x := plus(1, 2); y := [1, 2]');
  });

  it('continues an expression after an operator at the end of a line', () => {
    expect(body('x := 1 +\n  2')).toBe('x := plus(1, 2)');
  });

  it('reads a minus before a number as a negative literal, and has no unary minus on other terms', () => {
    expect(value('x - -1')).toBe('minus(x, -1)');
    expect(value('[-1.5e3, - 2]')).toBe('[-1.5e3, -2]');
    expect(errors('package a\np := -x')).toEqual(['2:7: unexpected name x: expected a number after "-" (there is no unary minus on other terms)']);
  });

  it('parses membership with a key only where a comma cannot separate items', () => {
    expect(body('k, v in xs')).toBe('internal.member_3(k, v, xs)');
    expect(body('x in {1, 2}')).toBe('internal.member_2(x, set(1, 2))');
    expect(body('f(a, b in c)')).toBe('f(a, internal.member_2(b, c))');
    expect(body('x := [a, b in c]')).toBe('x := [a, internal.member_2(b, c)]');
  });

  it('names the infix builtins as OPA does', () => {
    expect(body('a != b; a <= b; a >= b; a > b; a & b')).toBe('neq(a, b); lte(a, b); gte(a, b); gt(a, b); and(a, b)');
  });
});

// ---------------------------------------------------------------------------------------------- terms

describe('terms', () => {
  it('builds refs whose head is any term', () => {
    expect(value('input.x[y].z')).toBe('ref(input; "x", y, "z")');
    expect(value('[1, 2][0]')).toBe('ref([1, 2]; 0)');
    expect(value('f(x).y')).toBe('ref(f(x); "y")');
    expect(value('{"a": 1}.a')).toBe('ref(obj("a": 1); "a")');
    expect(value('x[_]')).toBe('ref(x; _)');
    expect(value('data.a["b-c"][i + 1]')).toBe('ref(data; "a", "b-c", plus(i, 1))');
  });

  it('makes a ref or a call only when the bracket, dot or parenthesis touches the term', () => {
    expect(errors('package a\np if input.x [1]')).toEqual(['2:14: unexpected "[": expected a newline after the statement']);
    expect(errors('package a\np := a. b')).toEqual(['2:9: unexpected name b: expected a name after "."']);
  });

  it('calls dotted names and rejects calling anything else', () => {
    expect(value('object.get(x, "a", 1)')).toBe('object.get(x, "a", 1)');
    expect(module('p := lib.f(1)').rules[0].head.value).toMatchObject({ type: 'call', fn: ['lib', 'f'] });
    expect(value('contains("abc", "b")')).toBe('contains("abc", "b")');
    expect(errors('package a\np := x[1](2)')).toEqual(['2:10: only a name or a dotted name can be called, e.g. f(x) or lib.f(x)']);
    expect(errors('package a\np := "s".x')).toEqual(['2:6: illegal ref: its head cannot be a string']);
  });

  it('reads set() as the empty set and {} as the empty object', () => {
    expect(value('set()')).toBe('set()');
    expect(value('{}')).toBe('obj()');
    expect(value('[]')).toBe('[]');
  });

  it('tells comprehensions from set and object literals', () => {
    expect(value('[x | x := xs[_]]')).toBe('[x | x := ref(xs; _)]');
    expect(value('{x | some x in xs}')).toBe('{x | some x in xs}');
    expect(value('{k: v | some k, v in o}')).toBe('{k: v | some k, v in o}');
    expect(value('{a + 1: b | b := 1}')).toBe('{plus(a, 1): b | b := 1}');
    expect(value('{a, b}')).toBe('set(a, b)');
    expect(value('{a: b, "c": [1]}')).toBe('obj(a: b, "c": [1])');
    expect(value('{a + 1, 2 | 3}')).toBe('set(plus(a, 1), or(2, 3))');
    expect(value('{a | b}')).toBe('{a | b}');
    expect(value('[1, 2,]')).toBe('[1, 2]');
  });

  it('decodes strings and their escapes', () => {
    expect(value('"a\\n\\t\\"\\\\\\/\\u00e9"')).toBe(JSON.stringify('a\n\t"\\/é'));
    expect(module('p := "\\ud83d\\ude00"').rules[0].head.value).toMatchObject({ value: '😀' });
    expect(module('p := "\\ud83d."').rules[0].head.value).toMatchObject({ value: '\ufffd.' });
    expect(module('p := `a\\n\nb`').rules[0].head.value).toMatchObject({ value: 'a\\n\nb' });
  });

  it('rejects invalid escapes and unterminated strings where they are', () => {
    expect(errors('package a\np := "a\\qb"')).toEqual(['2:6: invalid escape sequence \\q']);
    expect(errors('package a\np := "\\u12"')).toEqual(['2:6: invalid \\u escape: expected four hex digits']);
    expect(errors('package a\np := "abc\nq := 1')).toEqual(['2:6: non-terminated string']);
    expect(errors('package a\np := `abc')).toEqual(['2:6: non-terminated raw string']);
  });

  it('keeps the text of numbers so that no precision is lost', () => {
    expect(value('12345678901234567890123')).toBe('12345678901234567890123');
    expect(value('1e400')).toBe('1e400');
    expect(value('1.5E-3')).toBe('1.5E-3');
    expect(errors('package a\np := 01')).toEqual(['2:6: invalid number: leading zero']);
    expect(errors('package a\np := 1e')).toEqual(['2:6: invalid number: exponent without digits']);
    expect(value('[0e99999, 1e30000, 0.001e-29997]')).toBe('[0e99999, 1e30000, 0.001e-29997]');
    for (const big of ['1e30001', '-1e30001', '0.01e-29999', '1e999999999999999999999']) {
      expect(errors(`package a\np := ${big}`)).toEqual(['2:6: number too big']);
    }
    expect(errors(`package a\np := ${'9'.repeat(30_002)}`)).toEqual(['2:6: number too big']);
  });

  it('parses null, true and false as literals', () => {
    expect(value('[null, true, false]')).toBe('[null, true, false]');
  });

  it('splits template strings into literal parts and embedded terms', () => {
    expect(value('$"a {x + 1} b {"s"}"')).toBe('tmpl(["a "," b ",""]; plus(x, 1), "s")');
    expect(value('$"\\{x} {{1}} {{"k": 1}}"')).toBe('tmpl(["{x} "," ",""]; set(1), obj("k": 1))');
    expect(value('$"{$"{a}"}!"')).toBe('tmpl(["","!"]; tmpl(["",""]; a))');
    expect(value('$`line\n{x}\\{`')).toBe('tmpl(["line\\n","{"]; x)');
    expect(errors('package a\np := $"{x = 1}"')).toEqual(['2:11: unexpected assignment or unification in a template string']);
    expect(errors('package a\np := $"{x"')).toEqual(['2:10: non-terminated string']);
    expect(errors('package a\np := $"{x y}"')).toEqual(['2:11: unexpected name y: expected "}" to end the template expression']);
  });
});

// ---------------------------------------------------------------------------------------------- expressions

describe('expressions', () => {
  it('separates expressions by newlines and semicolons, and skips comments', () => {
    expect(body('a # one\nb; c')).toBe('a; b; c');
    expect(errors('package a\np if { a b }')).toEqual(['2:10: unexpected name b: expected a newline or ";" or "}" after the expression']);
  });

  it('parses some in all its forms', () => {
    expect(body('some x, y')).toBe('some x, y');
    expect(body('some x in xs')).toBe('some x in xs');
    expect(body('some k, v in xs')).toBe('some k, v in xs');
    expect(body('some [a, b] in xs')).toBe('some [a, b] in xs');
    expect(errors('package a\np if { some x.y }')).toEqual(['2:13: unexpected name x: expected `some x, y` or `some x in xs` or `some k, v in xs`']);
  });

  it('parses every with and without a key', () => {
    expect(body('every x in xs { x > 0 }')).toBe('every x in xs { gt(x, 0) }');
    expect(body('every k, v in xs {\n  k != v\n  v\n}')).toBe('every k, v in xs { neq(k, v); v }');
    expect(errors('package a\np if { every [x] in xs { x } }')).toEqual(['2:14: every: the key and the value must be variable names']);
    expect(errors('package a\np if { not every x in xs { x } }')).toEqual(['2:12: illegal negation of every']);
  });

  it('parses not, unification, assignment and several with modifiers', () => {
    expect(body('not f(x)')).toBe('not f(x)');
    expect(body('[a, b] = [1, 2]')).toBe('[a, b] = [1, 2]');
    expect(body('x := y with input.a as 1 with data.b.c as {"k": 2} with count as my_count'))
      .toBe('x := y with ref(input; "a") as 1 with ref(data; "b", "c") as obj("k": 2) with count as my_count');
    expect(body('print("x", 1)')).toBe('print("x", 1)');
    expect(errors('package a\np if { x with 1 as 2 }')).toEqual(['2:15: with target must be a name or a ref, e.g. input.user or data.x.y']);
    expect(errors('package a\np if { x with input.y 2 }')).toEqual(['2:23: unexpected number 2: expected as keyword after the with target']);
  });

  it('refuses keywords as variable names', () => {
    expect(errors('package a\np if { x := in }')).toEqual(['2:13: unexpected in keyword: a keyword cannot be used as a name']);
    expect(errors('package a\np if { some if }')).toEqual(['2:13: unexpected if keyword: a keyword cannot be used as a name']);
    expect(errors('package a\nf(every) := 1')).toEqual(['2:3: unexpected every keyword: a keyword cannot be used as a name']);
  });
});

// ---------------------------------------------------------------------------------------------- rules

describe('rules', () => {
  it('parses complete rules in every form', () => {
    expect(rules('p := 1\np = 2\np if x\np := v if { v := 1 }\np if {\n  x\n  y\n}\np if not q'))
      .toEqual(['"p" := 1', '"p" = 2', '"p" if { x }', '"p" := v if { v := 1 }', '"p" if { x; y }', '"p" if { not q }']);
  });

  it('parses ref heads', () => {
    expect(rules('a.b.c := 1\np[x] := y if { y := x }\na.b[c].d := e if { e := c }\np[x] if { x := 1 }'))
      .toEqual(['"a"."b"."c" := 1', '"p".x := y if { y := x }', '"a"."b".c."d" := e if { e := c }', '"p".x if { x := 1 }']);
  });

  it('parses multi-value rules', () => {
    expect(rules('p contains x if { some x in xs }\na.b contains "c"\np contains {"k": 1} if true'))
      .toEqual(['"p" contains x if { some x in xs }', '"a"."b" contains "c"', '"p" contains obj("k": 1) if { true }']);
    const [rule] = module('p contains x if { x := 1 }').rules;
    expect(rule.head).toMatchObject({ contains: true, assign: false });
    expect(rule.head.value).toBeUndefined();
  });

  it('parses functions with several definitions', () => {
    expect(rules('f(x) := y if { y := x }\nf(x) if x > 1\nf(1) := 2\nlib.g(x, [a, _]) := a'))
      .toEqual(['"f"(x) := y if { y := x }', '"f"(x) if { gt(x, 1) }', '"f"(1) := 2', '"lib"."g"(x, [a, _]) := a']);
  });

  it('parses default rules and rejects non-constant defaults', () => {
    expect(rules('default allow := false\ndefault p = {"a": [1]}\ndefault f(_) := 1'))
      .toEqual(['default "allow" := false', 'default "p" = obj("a": [1])', 'default "f"(_) := 1']);
    expect(errors('package a\ndefault p := input.x')).toEqual(['2:9: illegal default rule: its value cannot contain a ref']);
    expect(errors('package a\ndefault p')).toEqual(['2:9: a default rule needs a value, e.g. default allow := false']);
    expect(errors('package a\ndefault p := 1 if { true }')).toEqual(['2:16: a default rule cannot have a body']);
    expect(errors('package a\ndefault f(x, x) := 1')).toEqual(['2:9: illegal default rule: argument x is repeated']);
  });

  it('parses else chains', () => {
    expect(rules('p := 1 if { a } else := 2 if { b } else = 3 if c else := 4'))
      .toEqual(['"p" := 1 if { a } else := 2 if { b } else = 3 if { c } else := 4']);
    expect(rules('f(x) := 1 if x > 1\nelse := 2'))
      .toEqual(['"f"(x) := 1 if { gt(x, 1) } else := 2']);
    const [rule] = module('p if { a } else if { b }').rules;
    expect(rule.else).toHaveLength(1);
    expect(rule.else[0].value).toBeUndefined();
    expect(rule.else[0].assign).toBe(false);
    expect(b(rule.else[0].body)).toBe('b');
  });

  it('rejects else where OPA does', () => {
    expect(errors('package a\np contains x if { x := 1 } else := 2')).toEqual(['2:28: else keyword cannot be used on multi-value rules']);
    expect(errors('package a\np[x] := 1 if { x := 1 } else := 2')).toEqual(['2:25: else keyword cannot be used on rules with variables in head']);
    expect(errors('package a\np if { a } else { b }')).toEqual(['2:17: unexpected "{": `if` keyword is required before else body']);
  });

  it('turns extra bodies into rules of their own, each with its own copy of the head', () => {
    const parsed = module('p := x if { x := 1 } { x := 2 }').rules;
    expect(parsed.map(r)).toEqual(['"p" := x if { x := 1 }', '"p" := x if { x := 2 }']);
    expect(parsed[0].head).not.toBe(parsed[1].head);
    expect(parsed[1].loc).toEqual({ file: 'test.rego', row: 2, col: 22 });
  });

  it('reads `if {` as a body unless the expression reading is not a set literal', () => {
    expect(rules('p if { x }\nq if { {1, 2} }\nr if {"a": 1}.a')).toEqual(['"p" if { x }', '"q" if { set(1, 2) }', '"r" if { ref(obj("a": 1); "a") }']);
    expect(errors('package a\np if {}')).toEqual(['2:6: found empty body']);
  });

  it('requires the v1 keywords', () => {
    expect(errors('package a\np { true }')).toEqual(['2:3: `if` keyword is required before rule body']);
    expect(errors('package a\np[x] { x := 1 }')).toEqual(['2:6: `if` keyword is required before rule body']);
    expect(errors('package a\np[x]')).toEqual(['2:5: unexpected end of file: `contains` keyword is required for partial set rules (p contains x), or give a value with :=']);
  });

  it('refuses keywords as rule names but accepts them inside refs', () => {
    expect(errors('package a\nif := 1')).toEqual(['2:1: unexpected if keyword: a keyword cannot be used as a rule name']);
    expect(rules('if.foo := 1\nfoo.if := 2\nnot.x contains 1\np if { not.foo == 1; foo.else }'))
      .toEqual(['"if"."foo" := 1', '"foo"."if" := 2', '"not"."x" contains 1', '"p" if { equal(ref(not; "foo"), 1); ref(foo; "else") }']);
  });
});

// ---------------------------------------------------------------------------------------------- logic keywords

const LOGIC_IMPORTS = 'import future.keywords.and\nimport future.keywords.or\nimport future.keywords.not\n';

/** The body of `p if { text }` in a module that imports the experimental keywords. */
function logicBody(text: string): string {
  return b(module(`${LOGIC_IMPORTS}p if {\n${text}\n}`).rules[0].body);
}

describe('logic keywords (and, or, not { })', () => {
  it('binds and tighter than or, not tighter than and, and chains left to right', () => {
    expect(logicBody('a and b or c and d')).toBe('{ { a } and { b } } or { { c } and { d } }');
    expect(logicBody('a or b and c or d')).toBe('{ a } or { { b } and { c } } or { d }');
    expect(logicBody('a and b and c')).toBe('{ a } and { b } and { c }');
    expect(logicBody('not a and b')).toBe('{ not a } and { b }');
    expect(logicBody('x > 0 and count(xs) == 2 or "a" in ys')).toBe('{ { gt(x, 0) } and { equal(count(xs), 2) } } or { internal.member_2("a", ys) }');
  });

  it('reads braced operands as bodies, before and after the keyword', () => {
    expect(logicBody('{ a := 1; a > 0 } and input.y == 2')).toBe('{ a := 1; gt(a, 0) } and { equal(ref(input; "y"), 2) }');
    expect(logicBody('input.y == 2 and { a := 1\n a > 0 }')).toBe('{ equal(ref(input; "y"), 2) } and { a := 1; gt(a, 0) }');
    expect(logicBody('{ a or { b and c } } and d')).toBe('{ { a } or { { b } and { c } } } and { d }');
    expect(logicBody('{ some n in xs; n > 0 } or false')).toBe('{ some n in xs; gt(n, 0) } or { false }');
  });

  it('keeps braces that no keyword follows a set, an object or a comprehension', () => {
    expect(logicBody('{1, 2} == s and {"k": 1} == o')).toBe('{ equal(set(1, 2), s) } and { equal(obj("k": 1), o) }');
    expect(logicBody('x := {y | y := xs[_]}\nx')).toBe('x := {y | y := ref(xs; _)}; x');
    expect(logicBody('a and {"k": 1} == o; b or {1} == s')).toBe('{ a } and { equal(obj("k": 1), o) }; { b } or { equal(set(1), s) }');
    expect(logicBody('xs := [1 | a or { b }]')).toBe('xs := [1 | { a } or { b }]');
    expect(logicBody('x := or({1}, {2}); y := and({1}, {2})')).toBe('x := or(set(1), set(2)); y := and(set(1), set(2))');
  });

  it('applies a trailing with to the whole expression, and refuses one between operands', () => {
    expect(logicBody('a and b with input as {"x": 1}')).toBe('{ a } and { b } with input as obj("x": 1)');
    expect(logicBody('{ q with input.x as 1 } and input.x == 5')).toBe('{ q with ref(input; "x") as 1 } and { equal(ref(input; "x"), 5) }');
    expect(errors(`package a\n${LOGIC_IMPORTS}p if { a with input as 1 and b }`))
      .toEqual(['5:26: unexpected name and: with applies to the whole and/or expression: put it last, or in a braced operand { ... }']);
  });

  it('negates a braced body with future.keywords.not', () => {
    expect(logicBody('not { some n in xs; n < 0 or n > 10 }')).toBe('not { some n in xs; { lt(n, 0) } or { gt(n, 10) } }');
    expect(logicBody('not { a } and b')).toBe('{ not { a } } and { b }');
    expect(rules('p if { not {1} }')).toEqual(['"p" if { not set(1) }']);
  });

  it('works in rule heads, else clauses, comprehensions and every', () => {
    expect(module(`${LOGIC_IMPORTS}p := 1 if a or b else := 2 if c and d`).rules.map(r))
      .toEqual(['"p" := 1 if { { a } or { b } } else := 2 if { { c } and { d } }']);
    expect(logicBody('xs := [1 | true or true]\nevery n in xs { n < 0 or n > 0 }'))
      .toBe('xs := [1 | { true } or { true }]; every n in xs { { lt(n, 0) } or { gt(n, 0) } }');
  });

  it('puts the location of the first operand on the expression', () => {
    const [expr] = module(`${LOGIC_IMPORTS}p if {\n  input.a or input.b\n}`).rules[0].body;
    expect(expr).toMatchObject({ type: 'logic', op: 'or', loc: { row: 6, col: 3 } });
  });

  it('reads and and or as keywords only in a module that imports them', () => {
    expect(errors('package a\np if { true and true }')).toEqual(['2:13: unexpected name and: expected a newline or ";" or "}" after the expression']);
    expect(errors('package a\nimport future.keywords.and\np if { true or true }')).toEqual(['3:13: unexpected name or: expected a newline or ";" or "}" after the expression']);
    expect(module('import future.keywords.or\np if a or b').rules.map(r)).toEqual(['"p" if { { a } or { b } }']);
    expect(errors('package a\nimport future.keywords.xor')).toEqual(['2:8: invalid import: expected future.keywords or future.keywords.x, x one of contains, every, if, in, and, or, not']);
    expect(errors('package a\nimport future.keywords.or as x')).toEqual(['2:8: future imports cannot be aliased']);
  });

  it('reports a missing operand where it is missing', () => {
    expect(errors(`package a\n${LOGIC_IMPORTS}p if { a and }`)).toEqual(['5:14: unexpected "}": expected a term']);
    expect(errors(`package a\n${LOGIC_IMPORTS}p if { a or {} }`)).toEqual(['5:14: unexpected "}": expected an expression (a body cannot be empty)']);
  });
});

// ---------------------------------------------------------------------------------------------- modules

describe('modules', () => {
  it('reads the package and the imports', () => {
    const m = parseModule('package a.b["c-d"].if\nimport rego.v1\nimport future.keywords.in\nimport future.keywords\nimport data.x.y as z\nimport input.a\nimport input', 'm.rego');
    expect(m.package.path).toEqual(['a', 'b', 'c-d', 'if']);
    expect(m.imports.map((i) => `${t(i.path)}${i.alias ? ` as ${i.alias}` : ''}`))
      .toEqual(['ref(rego; "v1")', 'ref(future; "keywords", "in")', 'ref(future; "keywords")', 'ref(data; "x", "y") as z', 'ref(input; "a")', 'input']);
  });

  it('rejects bad imports', () => {
    expect(errors('package a\nimport foo.bar')).toEqual(['2:8: unexpected import path: it must begin with one of data, input, future, rego, not foo']);
    expect(errors('package a\nimport future.keywords.in as x')).toEqual(['2:8: future imports cannot be aliased']);
    expect(errors('package a\nimport rego.v2')).toEqual(['2:8: invalid import: the only rego import is rego.v1']);
    expect(errors('package a\nimport data.x.if')).toEqual(['2:8: unexpected import path: it must not end with a keyword (import it with an alias)']);
  });

  it('requires one package, first', () => {
    expect(errors('')).toEqual(['1:1: empty module: expected package declaration']);
    expect(errors('p := 1')).toEqual(['1:1: unexpected name p: expected package declaration']);
    expect(errors('package a\npackage b')).toEqual(['2:1: unexpected package keyword: a file declares one package, at its top']);
    expect(errors('package')).toEqual(['1:8: unexpected end of file: expected a package path']);
  });

  it('reports several errors, resuming at the next rule', () => {
    const text = 'package a\n\np if {\n  x :=\n}\n\nq := [1,\n\nr := 3\n\ns := "ok"\nt := "\\x"\n';
    expect(errors(text)).toEqual([
      '5:1: unexpected "}": expected a term',
      '9:3: unexpected ":=": expected "]" or "," in the list',
      '12:6: invalid escape sequence \\x',
    ]);
  });

  it('puts a location on every node', () => {
    const m = parseModule('package a\n\nallow if {\n  input.user == "é😀"; x\n\tcount(y) > 1\n}', 'loc.rego');
    const [rule] = m.rules;
    expect(rule.loc).toEqual({ file: 'loc.rego', row: 3, col: 1 });
    expect(rule.head.loc).toEqual({ file: 'loc.rego', row: 3, col: 1 });
    const [eq, x, gt] = rule.body;
    expect(eq.loc).toMatchObject({ row: 4, col: 3 });
    expect(eq.type === 'term' && eq.term.type === 'call' && eq.term.args[1].loc).toMatchObject({ row: 4, col: 17 });
    expect(x.loc).toMatchObject({ row: 4, col: 23 }); // the emoji is one column, not two UTF-16 units
    expect(gt.loc).toMatchObject({ row: 5, col: 2 });
    expect(gt.type === 'term' && gt.term.type === 'call' && gt.term.args[0]).toMatchObject({ type: 'call', loc: { row: 5, col: 2 } });
    expect(m.package.loc).toEqual({ file: 'loc.rego', row: 1, col: 1 });
  });

  it('refuses nesting deep enough to exhaust the stack', () => {
    expect(errors(`package a\np := ${'['.repeat(10_000)}`)).toEqual(['2:206: nesting deeper than 200 levels']);
  });

  it('parses a large module in linear time', () => {
    const rule = (i: number) => `r${i}[x] := y if {\n  some x, y in input.items[_].list\n  y > ${i} + 2 * x\n}\n`;
    const time = (n: number) => {
      const text = `package p\n${Array.from({ length: n }, (_, i) => rule(i)).join('')}`;
      const start = performance.now();
      expect(parseModule(text, 'big.rego').rules).toHaveLength(n);
      return performance.now() - start;
    };
    time(2000); // warm up
    const small = time(2000);
    const large = time(16000);
    expect(large / small).toBeLessThan(8 * 3);
  });
});

// ---------------------------------------------------------------------------------------------- queries, terms

describe('queries and terms', () => {
  it('parses queries', () => {
    expect(body('data.x.p = y')).toBe('ref(data; "x", "p") = y');
    expect(body('x := 1; y = x + 1')).toBe('x := 1; y = plus(x, 1)');
  });

  it('parses a term and nothing else', () => {
    expect(t(parseTermText('{"a": {1, 2}, "b": [null]}', 'input'))).toBe('obj("a": set(1, 2), "b": [null])');
    expect(() => parseTermText('1 2', 'input')).toThrow(RegoErrors);
  });
});

// ---------------------------------------------------------------------------------------------- shipped policies

function regoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return regoFiles(path);
    return entry.name.endsWith('.rego') ? [path] : [];
  });
}

describe('shipped policies', () => {
  it('all parse', () => {
    const files = regoFiles(new URL('../policies', import.meta.url).pathname);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(parseModule(readFileSync(file, 'utf8'), file).rules.length, file).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------- the compliance suite

// OPA's compliance suite lives beside the project, at ../shared/rego-compliance.
const SUITE = new URL('../../shared/rego-compliance/v1', import.meta.url).pathname;

interface ComplianceCase {
  note: string;
  query?: string;
  modules?: string[];
  input_term?: string;
  want_error_code?: string;
}

function loadCases(): ComplianceCase[] {
  const out: ComplianceCase[] = [];
  for (const dir of readdirSync(SUITE).sort()) {
    for (const name of readdirSync(join(SUITE, dir)).filter((n) => n.endsWith('.yaml')).sort()) {
      const doc = parseYaml(readFileSync(join(SUITE, dir, name), 'utf8')) as { cases?: ComplianceCase[] };
      out.push(...(doc.cases ?? []));
    }
  }
  return out;
}

/** `with` inside a template string expression: the AST's TemplateStringTerm holds terms, not expressions. */
const WITH_IN_TEMPLATE = new Set([
  'string-interpolation/with in template expression',
  'string-interpolation/multi-line/with in template expression',
]);

describe('compliance suite', () => {
  const cases = loadCases();
  const unsupported = cases.filter((c) => WITH_IN_TEMPLATE.has(c.note));
  const supported = cases.filter((c) => !WITH_IN_TEMPLATE.has(c.note));

  it('parses every module, and fails exactly where a parse error is wanted', () => {
    let modules = 0;
    const failures: string[] = [];
    for (const c of supported) {
      const wantsParseError = c.want_error_code === 'rego_parse_error';
      (c.modules ?? []).forEach((text, i) => {
        modules++;
        try {
          parseModule(text, `${c.note}#${i}`);
          if (wantsParseError) failures.push(`${c.note}: parsed, but a parse error was wanted`);
        } catch (err) {
          if (!(err instanceof RegoErrors)) throw err;
          if (!wantsParseError) failures.push(`${err.message}\n${text}`);
        }
      });
    }
    console.log(`compliance: ${supported.length} of ${cases.length} cases, ${modules} modules, all parsed`);
    expect(failures).toEqual([]);
    expect(modules).toBeGreaterThan(1800);
  });

  it('parses every query and input term', () => {
    const failures: string[] = [];
    for (const c of cases) {
      try {
        if (c.query !== undefined) parseQuery(c.query, `${c.note} query`);
        if (c.input_term !== undefined) parseTermText(c.input_term, `${c.note} input_term`);
      } catch (err) {
        if (!(err instanceof RegoErrors)) throw err;
        failures.push(err.message);
      }
    }
    expect(failures).toEqual([]);
  });

  it('rejects what it does not support with a located error', () => {
    expect(unsupported.length).toBe(cases.length - supported.length);
    for (const c of unsupported) {
      const thrown = (() => {
        try {
          (c.modules ?? []).forEach((text, i) => parseModule(text, `${c.note}#${i}`));
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(thrown, c.note).toBeInstanceOf(RegoErrors);
      for (const one of (thrown as RegoErrors).errors) expect(one.loc.row).toBeGreaterThan(0);
    }
    console.log(`compliance: ${unsupported.length} with-in-template cases rejected`);
  });
});
