// Unique names for undeclared locals of inner scopes. A variable that a comprehension, an `every` body, a logic
// operand or an else clause binds without declaring it (`[x | x = input.xs[_]]`) is local to that scope unless
// the enclosing scope uses the same name, in which case it is the enclosing variable (a closure). Two sibling
// scopes may therefore use the same name for different variables; this pass gives each such variable its own
// name so that a rule has one flat namespace.
import type { Body, Expr, Rule, Term } from '../syntax/ast.js';
import type { LocalNames } from './names.js';
import { bodyVars, mapTerm, rebuildExpr, ROOT_DOCUMENTS, renameInBody, renameInTerm, termVars } from './walk.js';

class ScopeNamer {
  /** Names already owned by some variable of the rule. */
  private readonly claimed = new Set<string>();

  constructor(private readonly names: LocalNames) {}

  rule(rule: Rule): Rule {
    const h = rule.head;
    const argVars = new Set<string>();
    for (const a of h.args ?? []) for (const v of termVars(a).keys()) argVars.add(v);
    const top = new Set(argVars);
    for (const t of [...h.ref.slice(1), h.key, h.value]) if (t) for (const v of termVars(t).keys()) top.add(v);
    for (const v of bodyVars(rule.body).keys()) top.add(v);
    for (const v of top) this.claimed.add(v);

    const inScope = (t: Term | undefined): Term | undefined => t && this.closuresInTerm(t, top);
    const head = { ...h, ref: h.ref.map((t) => inScope(t)!), key: inScope(h.key), value: inScope(h.value) };
    const body = this.closuresInBody(rule.body, top);

    const elses = rule.else.map((c) => {
      const scope = this.scope([c.value], c.body, argVars);
      return { ...c, value: scope.terms[0], body: scope.body };
    });
    return { ...rule, head, body, else: elses };
  }

  /**
   * A scope: head terms (a comprehension's term, `every` key and value, an else value) and a body, seen from
   * an enclosing scope whose variables are `outer`. Returns them with its locals uniquely named.
   */
  private scope(terms: Array<Term | undefined>, body: Body, outer: ReadonlySet<string>): { terms: Array<Term | undefined>; body: Body } {
    const own = bodyVars(body);
    for (const t of terms) if (t) termVars(t, own);
    const renames = new Map<string, string>();
    for (const v of own.keys()) {
      if (outer.has(v) || ROOT_DOCUMENTS.has(v)) continue;
      if (this.claimed.has(v)) renames.set(v, this.names.fresh(this.names.original(v)));
      this.claimed.add(renames.get(v) ?? v);
    }
    const visible = new Set(outer);
    for (const v of own.keys()) visible.add(renames.get(v) ?? v);
    const renamedTerms = terms.map((t) => t && this.closuresInTerm(renameInTerm(t, renames), visible));
    return { terms: renamedTerms, body: this.closuresInBody(renameInBody(body, renames), visible) };
  }

  private closuresInTerm(t: Term, visible: ReadonlySet<string>): Term {
    return mapTerm(t, (x) => {
      switch (x.type) {
        case 'arraycompr':
        case 'setcompr': {
          const s = this.scope([x.term], x.body, visible);
          return { ...x, term: s.terms[0]!, body: s.body };
        }
        case 'objectcompr': {
          const s = this.scope([x.key, x.value], x.body, visible);
          return { ...x, key: s.terms[0]!, value: s.terms[1]!, body: s.body };
        }
        default:
          return undefined;
      }
    });
  }

  private closuresInBody(body: Body, visible: ReadonlySet<string>): Body {
    return body.map((e) => this.closuresInExpr(e, visible));
  }

  private closuresInExpr(e: Expr, visible: ReadonlySet<string>): Expr {
    return rebuildExpr(e, {
      term: (x) => this.closuresInTerm(x, visible),
      every: ({ key, value, body }) => {
        const s = this.scope([key, value], body, visible);
        return { key: s.terms[0], value: s.terms[1]!, body: s.body };
      },
      operand: (operand) => this.scope([], operand, visible).body,
    });
  }
}

/** Gives every variable of the rule a name that no other variable of the rule has. */
export function uniquifyScopes(rule: Rule, names: LocalNames): Rule {
  return new ScopeNamer(names).rule(rule);
}
