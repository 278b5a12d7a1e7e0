// The Rego abstract syntax tree. The parser produces it, the checker validates and normalises it, and the
// planner lowers it. Every node carries its source location so that any later stage can point at the text.
//
// Two shapes of the same types exist:
//  - parsed: what the source says (relative refs, imports, `:=`, `some`, wildcards, any expression order);
//  - checked: what `check()` returns, with the invariants listed at `CheckedPolicy` below.

export interface Location {
  file: string;
  row: number; // 1-based
  col: number; // 1-based, in characters
}

// ---------------------------------------------------------------------------------------------- terms

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | SetTerm
  | ObjectTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm
  | TemplateStringTerm;

export interface NullTerm { type: 'null'; loc: Location }
export interface BooleanTerm { type: 'boolean'; value: boolean; loc: Location }
/** `value` keeps the literal's text (e.g. "1e400", "12345678901234567890123") so no precision is lost. */
export interface NumberTerm { type: 'number'; value: string; loc: Location }
export interface StringTerm { type: 'string'; value: string; loc: Location }
/** `_` is a wildcard: every occurrence is a distinct fresh variable. */
export interface VarTerm { type: 'var'; name: string; loc: Location }

/**
 * `a.b[c]["d"]` is `{head: var a, path: [string b, var c, string d]}`. The head is usually a var (`input`,
 * `data`, a local, a rule or an import name) but may be any term: `[1,2][i]`, `f(x).y`, `{"a": 1}.a`.
 */
export interface RefTerm { type: 'ref'; head: Term; path: Term[]; loc: Location }

export interface ArrayTerm { type: 'array'; items: Term[]; loc: Location }
export interface SetTerm { type: 'set'; items: Term[]; loc: Location }
export interface ObjectTerm { type: 'object'; entries: Array<[Term, Term]>; loc: Location }

export interface ArrayComprehension { type: 'arraycompr'; term: Term; body: Body; loc: Location }
export interface SetComprehension { type: 'setcompr'; term: Term; body: Body; loc: Location }
export interface ObjectComprehension { type: 'objectcompr'; key: Term; value: Term; body: Body; loc: Location }

/**
 * A call of a builtin or of a user function. Infix operators are calls too, with OPA's builtin names:
 * `==` equal, `!=` neq, `<` lt, `<=` lte, `>` gt, `>=` gte, `+` plus, `-` minus, `*` mul, `/` div, `%` rem,
 * `&` and, `|` or, `x in xs` internal.member_2, `k, v in xs` internal.member_3.
 * `fn` is the dotted name split into segments: `count` is ["count"], `object.get` is ["object", "get"],
 * a user function `lib.f` is ["lib", "f"] when parsed and ["data", "pkg", "lib", "f"] once checked.
 */
export interface CallTerm { type: 'call'; fn: string[]; args: Term[]; loc: Location }

/** `$"hello {name}"`: literal parts interleaved with embedded terms, parts.length === terms.length + 1. */
export interface TemplateStringTerm { type: 'template'; parts: string[]; terms: Term[]; loc: Location }

// ---------------------------------------------------------------------------------------------- expressions

export type Body = Expr[];

export type Expr = TermExpr | UnifyExpr | AssignExpr | SomeDeclExpr | SomeInExpr | EveryExpr | LogicExpr;

interface ExprBase {
  loc: Location;
  /** `not expr` */
  negated: boolean;
  /** `expr with input.x as 1 with data.y as 2 with f as g` */
  with: With[];
}

/** A bare term used as a condition: true unless undefined or `false`. Calls with an extra output argument
 * (`count(xs, n)`) bind that argument. */
export interface TermExpr extends ExprBase { type: 'term'; term: Term }
/** `a = b`: unification; either side may bind variables. */
export interface UnifyExpr extends ExprBase { type: 'unify'; left: Term; right: Term }
/** `a := b`: declares the variables of `a` (a var, or an array/object pattern of vars) and binds them. */
export interface AssignExpr extends ExprBase { type: 'assign'; left: Term; right: Term }
/** `some x, y`: declares local variables. Removed by the checker. */
export interface SomeDeclExpr extends ExprBase { type: 'some'; vars: VarTerm[] }
/** `some v in xs`, `some k, v in xs`: iterates a collection, key and value may be patterns. */
export interface SomeInExpr extends ExprBase { type: 'somein'; key?: Term; value: Term; collection: Term }
/** `every k, v in xs { body }`: true when body holds for every element (and for an empty collection). */
export interface EveryExpr extends ExprBase { type: 'every'; key?: Term; value: Term; domain: Term; body: Body }

/**
 * OPA's experimental logic keywords, active only in a module that imports them: `A and B`
 * (future.keywords.and), `A or B` (future.keywords.or), and `not { body }` (future.keywords.not), which is an
 * `and` of one operand, negated. Each operand is a body: a braced `{ ... }` one, or a single expression. Every
 * operand is a scope of its own, like a comprehension body: it reads the enclosing variables, and nothing it
 * binds is visible outside. The expression succeeds at most once, binding nothing: `and` when every operand
 * succeeds, `or` when one does, tried left to right and stopping at the first success. `and` binds tighter than
 * `or`, `not` tighter than both; a trailing `with` applies to the whole expression.
 */
export interface LogicExpr extends ExprBase { type: 'logic'; op: 'and' | 'or'; operands: Body[] }

export interface With { target: Term; value: Term; loc: Location }

// ---------------------------------------------------------------------------------------------- rules

export interface Rule {
  loc: Location;
  default: boolean;
  head: RuleHead;
  /** Empty for `p := 1` (always true). */
  body: Body;
  /** `else` clauses in order: `p := 1 if {...} else := 2 if {...} else := 3`. */
  else: ElseClause[];
  /** Set by the checker: the rule's absolute path, starting with the string "data", e.g. data.pkg.p[x]. */
  path?: Term[];
  /** Set by the checker. */
  kind?: RuleKind;
}

/**
 * - complete: `p := v`, `p = v`, `p if ...` (value true), `a.b.c := v` (ref head without variables)
 * - partial_set: `p contains x if ...`, `a.b contains x`
 * - partial_object: a head ref with a variable, e.g. `p[x] := y`, `a.b[c].d := e`, `p[x] if ...` (value true)
 * - function: `f(x) := y if ...`, `f(x) if ...` (value true)
 */
export type RuleKind = 'complete' | 'partial_set' | 'partial_object' | 'function';

export interface RuleHead {
  loc: Location;
  /** The rule's ref relative to its package: the name then the rest, e.g. `a.b[c].d` is
   * [string a, string b, var c, string d]. The first element is always a string term. */
  ref: Term[];
  /** Function arguments, when the rule is a function. */
  args?: Term[];
  /** The element added by `contains`. */
  key?: Term;
  /** The value; undefined means the literal `true` (`p if ...`, `f(x) if ...`, `p[x] if ...`). */
  value?: Term;
  /** `:=` was used (as opposed to `=` or no value). */
  assign: boolean;
  contains: boolean;
}

export interface ElseClause { loc: Location; value?: Term; body: Body; assign: boolean }

// ---------------------------------------------------------------------------------------------- modules

export interface Import {
  loc: Location;
  /** The imported ref, e.g. data.lib.util, input.user, future.keywords.in, rego.v1. */
  path: RefTerm | VarTerm;
  alias?: string;
}

export interface Module {
  file: string;
  /** `package a.b` gives ["a", "b"]. */
  package: { path: string[]; loc: Location };
  imports: Import[];
  rules: Rule[];
}

/**
 * What the checker returns. Invariants the planner relies on:
 *  1. Imports are gone. Every reference to a rule, a package or an import is an absolute ref whose head is the
 *     var `data` or `input`; calls of user functions have `fn` = ["data", ...package, ...name]; builtin calls
 *     keep their dotted name.
 *  2. Within one rule (its head, body, else clauses, nested comprehensions and `every` bodies) every local variable
 *     has a unique name, so the planner needs no scoping: `:=`-declared and `some`-declared variables and wildcards
 *     are renamed (`x` -> `x__1`, `_` -> `$3`). `some` declarations are removed. `:=` becomes `unify`.
 *     Each `logic` operand is a closure like a comprehension body: its own locals are renamed apart, so
 *     nothing bound inside an operand is used outside it.
 *  3. Body expressions are in a safe order: every variable is bound (by unification, by iteration in a ref, by
 *     `some ... in`, or as a call's output argument) before any expression reads it. The bodies of closures
 *     (comprehensions, `every`, `logic` operands) are ordered the same way, the enclosing bindings visible.
 *  4. Every rule has `path` (absolute, starting with string "data") and `kind` set.
 *  5. `rules` lists every rule of every module; `byPath` groups them by the static prefix of their path, dot-joined
 *     without the leading "data" (`pkg.p` for `data.pkg.p[x]`), in source order.
 */
export interface CheckedPolicy {
  modules: Module[];
  rules: Rule[];
  byPath: Map<string, Rule[]>;
}
