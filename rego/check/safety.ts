// Safety: every variable must be bound before it is read. Bodies are reordered, keeping the author's order
// where it is already safe, so that each expression comes after the ones that bind what it reads. Closures
// (comprehensions, `every`, logic operands) may read variables of the enclosing body, so they come after the
// expressions that bind those; their own bodies are checked the same way with the enclosing bindings visible.
// What cannot be ordered safely is reported as `var x is unsafe` (or `expression is unsafe` when only wildcards
// are unbound).
import { RegoError } from '../errors.js';
import type { Body, Expr, Location, Rule, Term } from '../syntax/ast.js';
import { outputVars } from './bindings.js';
import type { ArityOf } from './calls.js';
import type { LocalNames } from './names.js';
import { bodyVars, closureVars, exprVars, mapTerm, rebuildExpr, ROOT_DOCUMENTS, termVars, type VarLocations } from './walk.js';

interface CheckedBody {
  body: Body;
  /** Variables bound once the whole body has run. */
  bound: Set<string>;
}

function isWildcard(name: string): boolean {
  return name.startsWith('$');
}

/** Variables the expression reads or binds in its own scope. */
function neededVars(e: Expr): VarLocations {
  const needed = exprVars(e);
  for (const root of ROOT_DOCUMENTS) needed.delete(root);
  return needed;
}

class SafetyChecker {
  readonly errors: RegoError[] = [];

  constructor(
    private readonly names: LocalNames,
    private readonly arityOf: ArityOf,
  ) {}

  /** Variables of `e` that are still unbound when it would run after `bound`; empty when it can run. */
  private unbound(e: Expr, bound: ReadonlySet<string>, scopeVars: ReadonlySet<string>): VarLocations {
    const outputs = outputVars(e, bound, this.arityOf);
    const missing: VarLocations = new Map();
    for (const [v, loc] of neededVars(e)) if (!bound.has(v) && !outputs.has(v)) missing.set(v, loc);
    // A closure reads the enclosing variables it shares a name with; the expression itself cannot bind them.
    for (const [v, loc] of closureVars(e)) if (scopeVars.has(v) && !bound.has(v) && !missing.has(v)) missing.set(v, loc);
    return missing;
  }

  body(body: Body, outer: ReadonlySet<string>): CheckedBody {
    const scopeVars = new Set(bodyVars(body).keys());
    const bound = new Set(outer);
    const placed: Array<{ expr: Expr; boundBefore: Set<string> }> = [];
    const pending = new Set(body);
    for (let progress = true; progress; ) {
      progress = false;
      for (const e of body) {
        if (!pending.has(e) || this.unbound(e, bound, scopeVars).size > 0) continue;
        const boundBefore = new Set(bound);
        for (const v of outputVars(e, bound, this.arityOf)) bound.add(v);
        placed.push({ expr: e, boundBefore });
        pending.delete(e);
        progress = true;
      }
    }
    this.reportUnsafe([...pending], bound, scopeVars);
    const reordered = placed.map(({ expr, boundBefore }) => this.closuresInExpr(expr, boundBefore));
    return { body: [...reordered, ...pending], bound };
  }

  private reportUnsafe(pending: readonly Expr[], bound: ReadonlySet<string>, scopeVars: ReadonlySet<string>): void {
    const reported = new Set<string>();
    const wildcardOnly: Expr[] = [];
    for (const e of pending) {
      const missing = [...this.unbound(e, bound, scopeVars)];
      const named = missing.filter(([v]) => !isWildcard(v));
      if (named.length === 0) wildcardOnly.push(e);
      for (const [v, loc] of named) {
        if (reported.has(v)) continue;
        reported.add(v);
        this.unsafeVar(v, loc);
      }
    }
    if (reported.size === 0) {
      for (const e of wildcardOnly) this.errors.push(new RegoError('rego_unsafe_var_error', 'expression is unsafe', e.loc));
    }
  }

  private unsafeVar(name: string, loc: Location): void {
    this.errors.push(new RegoError('rego_unsafe_var_error', `var ${this.names.original(name)} is unsafe`, loc));
  }

  /** Variables of a closure's head terms must be bound by its body (or outside it). */
  private requireBound(terms: readonly Term[], bound: ReadonlySet<string>): void {
    for (const t of terms) for (const [v, loc] of termVars(t)) if (!bound.has(v) && !ROOT_DOCUMENTS.has(v)) this.unsafeVar(v, loc);
  }

  /** Checks the closures inside a term, with `bound` visible to them. */
  term(t: Term, bound: ReadonlySet<string>): Term {
    return mapTerm(t, (x) => {
      switch (x.type) {
        case 'arraycompr':
        case 'setcompr': {
          const inner = this.body(x.body, bound);
          this.requireBound([x.term], inner.bound);
          return { ...x, body: inner.body, term: this.term(x.term, inner.bound) };
        }
        case 'objectcompr': {
          const inner = this.body(x.body, bound);
          this.requireBound([x.key, x.value], inner.bound);
          return { ...x, body: inner.body, key: this.term(x.key, inner.bound), value: this.term(x.value, inner.bound) };
        }
        default:
          return undefined;
      }
    });
  }

  private closuresInExpr(e: Expr, bound: ReadonlySet<string>): Expr {
    return rebuildExpr(e, {
      term: (x) => this.term(x, bound),
      every: ({ key, value, body }) => {
        const inner = new Set(bound);
        for (const k of [key, value]) if (k) for (const v of termVars(k).keys()) inner.add(v);
        return { key, value, body: this.body(body, inner).body };
      },
      operand: (operand) => this.body(operand, bound).body,
    });
  }
}

/** Head terms read the body's variables: each must occur in the body (or be an argument). */
function checkHeadVars(terms: ReadonlyArray<Term | undefined>, available: ReadonlySet<string>, names: LocalNames): RegoError[] {
  const errors: RegoError[] = [];
  for (const t of terms) {
    if (!t) continue;
    for (const [v, loc] of termVars(t)) {
      if (available.has(v) || ROOT_DOCUMENTS.has(v)) continue;
      errors.push(new RegoError('rego_unsafe_var_error', `var ${names.original(v)} is unsafe`, loc));
    }
  }
  return errors;
}

/**
 * Reorders the rule's bodies into a safe order; returns the rule and the unsafe variables found. Head terms
 * hold no closures here (heads.ts moved them into the body), so the head only needs its variables bound.
 */
export function checkSafety(rule: Rule, names: LocalNames, arityOf: ArityOf): { rule: Rule; errors: RegoError[] } {
  const checker = new SafetyChecker(names, arityOf);
  const args = new Set<string>(ROOT_DOCUMENTS);
  for (const a of rule.head.args ?? []) for (const v of termVars(a).keys()) args.add(v);

  const h = rule.head;
  const body = checker.body(rule.body, args).body;
  const available = new Set([...args, ...bodyVars(rule.body).keys()]);
  const headErrors = checkHeadVars([...h.ref.slice(1), h.key, h.value], available, names);

  const elses = rule.else.map((c) => {
    const elseAvailable = new Set([...args, ...bodyVars(c.body).keys()]);
    headErrors.push(...checkHeadVars([c.value], elseAvailable, names));
    return { ...c, body: checker.body(c.body, args).body };
  });
  return { rule: { ...rule, body, else: elses }, errors: [...headErrors, ...checker.errors] };
}
