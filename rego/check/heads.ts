// Head terms that need evaluation (refs, calls, comprehensions: `q := xs[_]`, `f(x) := x + 1`) move into the
// body, as OPA does: the body gains `$n = <term>` at its end and the head refers to `$n`. The head then only
// holds values and variables bound by the body, and variables such a term binds (the `_` in `xs[_]`) become
// body variables that the safety check orders like any other.
import type { Body, Expr, Rule, Term } from '../syntax/ast.js';
import type { LocalNames } from './names.js';
import { visitTerm } from './walk.js';

function needsEvaluation(t: Term): boolean {
  let found = false;
  visitTerm(t, (x) => {
    if (x.type === 'ref' || x.type === 'call' || x.type === 'arraycompr' || x.type === 'setcompr' || x.type === 'objectcompr') found = true;
  });
  return found;
}

class HeadMover {
  readonly moved: Expr[] = [];

  constructor(private readonly names: LocalNames) {}

  term(t: Term | undefined): Term | undefined {
    if (t === undefined || !needsEvaluation(t)) return t;
    const v: Term = { type: 'var', name: this.names.wildcard(), loc: t.loc };
    this.moved.push({ type: 'unify', loc: t.loc, negated: false, with: [], left: v, right: t });
    return v;
  }
}

export function moveHeadTermsToBody(rule: Rule, names: LocalNames): Rule {
  if (rule.default) return rule;
  const main = new HeadMover(names);
  const head = {
    ...rule.head,
    ref: rule.head.ref.map((t, i) => (i === 0 ? t : main.term(t)!)),
    key: main.term(rule.head.key),
    value: main.term(rule.head.value),
  };
  const body: Body = [...rule.body, ...main.moved];
  const elses = rule.else.map((c) => {
    const mover = new HeadMover(names);
    const value = mover.term(c.value);
    return { ...c, value, body: [...c.body, ...mover.moved] };
  });
  return { ...rule, head, body, else: elses };
}
