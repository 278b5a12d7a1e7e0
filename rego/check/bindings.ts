// Which variables an expression binds, given the variables already bound before it. This is the heart of the
// safety check: an expression can run once every variable it reads is bound or bound by itself.
//   - a ref whose head is bound binds the variables of its path by iteration (`input.xs[i]`);
//   - unification binds a side's variables when the other side can be evaluated (`x = f(y)`, `[a, b] = pair`),
//     and variables unified with each other become bound together (`x = y; y = 1`);
//   - a call with one argument more than its arity binds its output argument (`count(xs, n)`);
//   - `some k, v in xs` binds its key and value patterns;
//   - negated expressions bind nothing.
import type { Expr, Term } from '../syntax/ast.js';
import type { ArityOf } from './calls.js';
import { evaluatedTerms, forEachRef, patternVars, termVars } from './walk.js';

type VarSet = Set<string>;

function allIn(vars: Iterable<string>, safe: ReadonlySet<string>): boolean {
  for (const v of vars) if (!safe.has(v)) return false;
  return true;
}

/** Variables a ref path binds by iteration: path vars and vars of array/object patterns in the path. */
function pathOutputs(path: readonly Term[], out: VarSet): void {
  for (const p of path) for (const v of patternVars(p)) out.add(v.name);
}

/** Variables bound by evaluating the refs of `terms` whose heads are bound (iterated to a fixpoint, since one
 * ref's outputs may bind another ref's head). */
function refOutputs(terms: readonly Term[], safe: ReadonlySet<string>): VarSet {
  const out: VarSet = new Set();
  const bound = (v: string): boolean => safe.has(v) || out.has(v);
  for (let before = -1; before !== out.size; ) {
    before = out.size;
    for (const t of terms) {
      forEachRef(t, (r) => {
        const headBound = r.head.type === 'var' ? bound(r.head.name) : [...termVars(r.head).keys()].every(bound);
        if (headBound) pathOutputs(r.path, out);
      });
    }
  }
  return out;
}

/** The unification part of OPA's safety analysis: which variables `a = b` binds. */
class Unifier {
  readonly unified: VarSet = new Set();
  private readonly unknown = new Map<string, VarSet>();

  constructor(private readonly safe: ReadonlySet<string>) {}

  private isSafe(v: string): boolean {
    return this.safe.has(v) || this.unified.has(v);
  }

  /** A term that can be evaluated: every variable in it (outside closures) is bound. */
  private evaluable(t: Term): boolean {
    return [...termVars(t).keys()].every((v) => this.isSafe(v));
  }

  unify(a: Term, b: Term): void {
    if (a.type !== 'var' && b.type === 'var') return this.unify(b, a);
    if (a.type === 'var') return this.unifyVar(a.name, b);
    if (a.type === 'array' && b.type === 'array') {
      if (a.items.length === b.items.length) a.items.forEach((x, i) => this.unify(x, b.items[i]));
      return;
    }
    if (a.type === 'object' && b.type === 'object') return this.unifyObjects(a.entries, b.entries);
    if (isPattern(a) && !isPattern(b) && this.evaluable(b)) this.markAllSafe(a);
    else if (isPattern(b) && !isPattern(a) && this.evaluable(a)) this.markAllSafe(b);
  }

  private unifyVar(a: string, b: Term): void {
    if (b.type === 'var') {
      if (this.isSafe(b.name)) this.markSafe(a);
      else if (this.isSafe(a)) this.markSafe(b.name);
      else {
        this.markUnknown(a, b.name);
        this.markUnknown(b.name, a);
      }
    } else if (isPattern(b)) {
      this.unifyAll(a, b);
    } else if (this.evaluable(b)) {
      this.markSafe(a);
    }
  }

  /** Objects unify value by value when they have the same constant keys. */
  private unifyObjects(a: Array<[Term, Term]>, b: Array<[Term, Term]>): void {
    if (a.length !== b.length) return;
    const bByKey = new Map(b.map(([k, v]) => [keyOf(k), v]));
    for (const [k, v] of a) {
      const key = keyOf(k);
      const other = key === undefined ? undefined : bByKey.get(key);
      if (other) this.unify(v, other);
    }
  }

  private unifyAll(a: string, pattern: Term): void {
    if (this.isSafe(a)) return this.markAllSafe(pattern);
    const missing = [...termVars(pattern).keys()].filter((v) => !this.isSafe(v));
    if (missing.length === 0) this.markSafe(a);
    else for (const v of missing) this.markUnknown(a, v);
  }

  private markAllSafe(pattern: Term): void {
    for (const v of patternVars(pattern)) this.markSafe(v.name);
  }

  private markUnknown(a: string, b: string): void {
    const deps = this.unknown.get(a) ?? new Set<string>();
    deps.add(b);
    this.unknown.set(a, deps);
  }

  private markSafe(v: string): void {
    if (this.unified.has(v)) return;
    this.unified.add(v);
    const deps = this.unknown.get(v);
    this.unknown.delete(v);
    for (const d of deps ?? []) this.markSafe(d);
    for (const [other, otherDeps] of [...this.unknown]) {
      if (otherDeps.delete(v) && otherDeps.size === 0) this.markSafe(other);
    }
  }
}

/** A scalar object key as a comparable string; undefined for keys that need evaluation. */
function keyOf(k: Term): string | undefined {
  switch (k.type) {
    case 'string':
    case 'number':
    case 'boolean':
      return `${k.type}:${String(k.value)}`;
    case 'null':
      return 'null';
    default:
      return undefined;
  }
}

function isPattern(t: Term): boolean {
  return t.type === 'array' || t.type === 'object';
}

function unifyOutputs(safe: ReadonlySet<string>, a: Term, b: Term): VarSet {
  const u = new Unifier(safe);
  u.unify(a, b);
  return u.unified;
}

/** Variables `e` binds when the variables in `safe` are already bound. */
export function outputVars(e: Expr, safe: ReadonlySet<string>, arityOf: ArityOf): VarSet {
  if (e.negated) return new Set();
  const bound = new Set(safe);
  for (const v of refOutputs(evaluatedTerms(e), safe)) bound.add(v);
  switch (e.type) {
    case 'term': {
      const t = e.term;
      const arity = t.type === 'call' ? arityOf(t.fn) : undefined;
      if (t.type === 'call' && arity !== undefined && arity >= 0 && t.args.length === arity + 1) {
        const inputs = t.args.slice(0, arity).flatMap((a) => [...termVars(a).keys()]);
        if (allIn(inputs, bound)) for (const v of patternVars(t.args[arity])) bound.add(v.name);
      }
      break;
    }
    case 'unify':
    case 'assign':
      for (const v of unifyOutputs(bound, e.left, e.right)) bound.add(v);
      break;
    case 'somein':
      if (allIn(termVars(e.collection).keys(), bound)) {
        for (const t of [e.key, e.value]) if (t) for (const v of patternVars(t)) bound.add(v.name);
      }
      break;
    default:
      break;
  }
  for (const v of safe) bound.delete(v);
  return bound;
}
