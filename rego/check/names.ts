// Fresh variable names for one rule. Generated names never collide with a name the rule already uses, and
// each remembers what the author wrote, so that errors about a renamed variable show the original name.
import type { Rule } from '../syntax/ast.js';
import { allBodyVars, allTermVars, type VarLocations } from './walk.js';

export class LocalNames {
  private readonly taken: Set<string>;
  private readonly originals = new Map<string, string>();
  private counter = 0;

  constructor(rule: Rule) {
    this.taken = new Set(ruleVarNames(rule).keys());
  }

  /** `x` -> `x__1`: a declared variable's unique name. */
  fresh(original: string): string {
    return this.generate((n) => `${original}__${n}`, original);
  }

  /** `_` -> `$1`: every wildcard is a distinct variable. */
  wildcard(): string {
    return this.generate((n) => `$${n}`, '_');
  }

  /** The name the author wrote for a (possibly generated) variable. */
  original(name: string): string {
    return this.originals.get(name) ?? name;
  }

  private generate(format: (n: number) => string, original: string): string {
    let name: string;
    do name = format(++this.counter);
    while (this.taken.has(name));
    this.taken.add(name);
    this.originals.set(name, this.original(original));
    return name;
  }
}

/** Every variable in a rule: head, arguments, bodies, else clauses, closures. */
function ruleVarNames(rule: Rule): VarLocations {
  const out: VarLocations = new Map();
  const h = rule.head;
  for (const t of [...h.ref, ...(h.args ?? []), h.key, h.value]) if (t) allTermVars(t, out);
  allBodyVars(rule.body, out);
  for (const c of rule.else) {
    if (c.value) allTermVars(c.value, out);
    allBodyVars(c.body, out);
  }
  return out;
}
