// Rule groups and functions as IR functions. A complete rule's bodies each try to give the value (a different
// second value is a conflict), `else` clauses are tried in order until one succeeds, `default` applies when no
// body succeeds. Partial rules insert into a set or a document; functions match their arguments first.
import { RegoError } from '../errors.js';
import type { Body, Rule, Term } from '../syntax/ast.js';
import type { Local } from './ir.js';
import { BodyPlanner, locText } from './body.js';
import { TRUE } from './consts.js';
import { containerAt, insertLeaf } from './leaves.js';
import { matchableNow, unifyLocal } from './unify.js';
import type { FunctionGroup, RuleGroup } from './tree.js';

/** One way a rule gives its value: the rule's own body and head, or one of its else clauses. */
interface Clause {
  body: Body;
  value?: Term;
}

function clausesOf(rule: Rule): Clause[] {
  return [{ body: rule.body, value: rule.head.value }, ...rule.else.map((e) => ({ body: e.body, value: e.value }))];
}

/** Matching of function arguments around a body: most before it, those that need the body's bindings after. */
interface ArgMatch {
  before: () => void;
  after: () => void;
}

const NO_ARGS: ArgMatch = { before: () => {}, after: () => {} };

function argMatch(bp: BodyPlanner, patterns: Term[], args: Local[]): ArgMatch {
  let deferred: number[] = [];
  return {
    before: () => {
      deferred = [];
      patterns.forEach((p, i) => {
        if (matchableNow(bp, p)) unifyLocal(bp, p, args[i]);
        else deferred.push(i);
      });
    },
    after: () => deferred.forEach((i) => unifyLocal(bp, patterns[i], args[i])),
  };
}

/** Runs a rule's clauses in order (each inside the argument matching), giving the first clause's value;
 * `result` receives it once (a different value from another rule there is a conflict). */
function planChain(bp: BodyPlanner, rule: Rule, result: Local, args: ArgMatch, exit?: (value: Local) => void): void {
  const fb = bp.fb;
  const loc = locText(rule.loc);
  const clauses = clausesOf(rule);
  const chain = clauses.length === 1 ? result : fb.local();
  if (chain !== result) fb.emit({ op: 'reset', target: chain });
  clauses.forEach((clause, i) => {
    fb.block(() =>
      bp.nestedVars(() => {
        if (i > 0) fb.emit({ op: 'isUndefined', source: chain });
        args.before();
        bp.planBody(clause.body);
        args.after();
        const value = clause.value ? bp.evalTerm(clause.value) : bp.constLocal(TRUE);
        fb.emit({ op: 'assignOnce', source: value, target: chain, loc });
        exit?.(chain);
      }),
    );
  });
  if (chain !== result) {
    fb.block(() => {
      fb.emit({ op: 'isDefined', source: chain });
      fb.emit({ op: 'assignOnce', source: chain, target: result, loc });
    });
  }
}

/**
 * True when every non-default rule or definition gives the same constant and has no else (`allow if ...`,
 * `f(x) if ...`, written once or several times): the first solution fixes the value, and no later one can change
 * it or conflict with it, so the function returns at once instead of trying every remaining binding, as OPA's
 * early exit does.
 */
function givesOneConstant(rules: readonly Rule[]): boolean {
  const keys = rules
    .filter((r) => !r.default)
    .map((r) => {
      if (r.else.length > 0) return undefined;
      const v = r.head.value;
      if (v === undefined) return 'boolean:true';
      if (v.type === 'boolean' || v.type === 'number' || v.type === 'string') return `${v.type}:${String(v.value)}`;
      return v.type === 'null' ? 'null' : undefined;
    });
  return keys.length > 0 && keys[0] !== undefined && keys.every((k) => k === keys[0]);
}

function planDefaults(bp: BodyPlanner, rules: Rule[], result: Local): void {
  for (const rule of rules.filter((r) => r.default)) {
    bp.fb.block(() =>
      bp.nestedVars(() => {
        bp.fb.emit({ op: 'isUndefined', source: result });
        const value = rule.head.value ? bp.evalTerm(rule.head.value) : bp.constLocal(TRUE);
        bp.fb.emit({ op: 'assign', source: value, target: result });
      }),
    );
  }
}

/** Emits the early exit: `beforeReturn` (e.g. storing the memo) and a return of the value. */
function earlyExit(bp: BodyPlanner, beforeReturn: (value: Local) => void): (value: Local) => void {
  return (value) => {
    beforeReturn(value);
    bp.fb.emit({ op: 'return', source: value });
  };
}

/** Body of (input, data, ...carried) -> value for a complete group; `beforeReturn` runs before an early exit. */
export function planCompleteGroup(bp: BodyPlanner, group: RuleGroup, beforeReturn: (value: Local) => void): Local {
  const result = bp.fb.local();
  const exit = givesOneConstant(group.rules) ? earlyExit(bp, beforeReturn) : undefined;
  for (const rule of group.rules.filter((r) => !r.default)) planChain(bp, rule, result, NO_ARGS, exit);
  planDefaults(bp, group.rules, result);
  return result;
}

/** Body of (input, data, ...carried, target) -> target: every rule's every solution inserts into target. */
export function planInserter(bp: BodyPlanner, group: RuleGroup, target: Local): void {
  group.rules.forEach((rule, r) => {
    if (rule.default || rule.else.length > 0) {
      throw new RegoError('rego_type_error', 'default and else are only allowed on complete rules and functions', rule.loc);
    }
    const loc = locText(rule.loc);
    bp.fb.block(() =>
      bp.nestedVars(() => {
        bp.planBody(rule.body);
        const keys = group.rest[r].map((t) => bp.evalTerm(t));
        if (rule.head.contains) {
          const element = rule.head.key ?? rule.head.value;
          if (!element) throw new RegoError('rego_compile_error', 'contains without an element', rule.loc);
          const set = group.mode === 'set' ? target : containerAt(bp, target, keys, 'set', loc);
          bp.fb.emit({ op: 'setAdd', set, value: bp.evalTerm(element) });
          return;
        }
        const value = rule.head.value ? bp.evalTerm(rule.head.value) : bp.constLocal(TRUE);
        const parent = containerAt(bp, target, keys.slice(0, -1), 'object', loc);
        insertLeaf(bp, parent, keys[keys.length - 1], value, loc);
      }),
    );
  });
}

/** Body of (input, data, ...carried, ...args) -> value for a Rego function. */
export function planFunction(bp: BodyPlanner, fn: FunctionGroup, args: Local[]): Local {
  const result = bp.fb.local();
  const exit = givesOneConstant(fn.rules) ? earlyExit(bp, () => {}) : undefined;
  for (const rule of fn.rules.filter((r) => !r.default)) {
    planChain(bp, rule, result, argMatch(bp, rule.head.args ?? [], args), exit);
  }
  for (const rule of fn.rules.filter((r) => r.default)) {
    bp.fb.block(() =>
      bp.nestedVars(() => {
        bp.fb.emit({ op: 'isUndefined', source: result });
        const match = argMatch(bp, rule.head.args ?? [], args);
        match.before();
        match.after();
        const value = rule.head.value ? bp.evalTerm(rule.head.value) : bp.constLocal(TRUE);
        bp.fb.emit({ op: 'assign', source: value, target: result });
      }),
    );
  }
  return result;
}
