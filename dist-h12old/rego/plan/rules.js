// Rule groups and functions as IR functions. A complete rule's bodies each try to give the value (a different
// second value is a conflict), `else` clauses are tried in order until one succeeds, `default` applies when no
// body succeeds. Partial rules insert into a set or a document; functions match their arguments first.
import { RegoError } from '../errors.js';
import { locText } from './body.js';
import { TRUE } from './consts.js';
import { containerAt, insertLeaf } from './leaves.js';
import { matchableNow, unifyLocal } from './unify.js';
function clausesOf(rule) {
    return [{ body: rule.body, value: rule.head.value }, ...rule.else.map((e) => ({ body: e.body, value: e.value }))];
}
const NO_ARGS = { before: () => { }, after: () => { } };
function argMatch(bp, patterns, args) {
    let deferred = [];
    return {
        before: () => {
            deferred = [];
            patterns.forEach((p, i) => {
                if (matchableNow(bp, p))
                    unifyLocal(bp, p, args[i]);
                else
                    deferred.push(i);
            });
        },
        after: () => deferred.forEach((i) => unifyLocal(bp, patterns[i], args[i])),
    };
}
/** Runs a rule's clauses in order (each inside the argument matching), giving the first clause's value;
 * `result` receives it once (a different value from another rule there is a conflict). */
function planChain(bp, rule, result, args) {
    const fb = bp.fb;
    const loc = locText(rule.loc);
    const clauses = clausesOf(rule);
    const chain = clauses.length === 1 ? result : fb.local();
    if (chain !== result)
        fb.emit({ op: 'reset', target: chain });
    clauses.forEach((clause, i) => {
        fb.block(() => bp.nestedVars(() => {
            if (i > 0)
                fb.emit({ op: 'isUndefined', source: chain });
            args.before();
            bp.planBody(clause.body);
            args.after();
            const value = clause.value ? bp.evalTerm(clause.value) : bp.constLocal(TRUE);
            fb.emit({ op: 'assignOnce', source: value, target: chain, loc });
        }));
    });
    if (chain !== result) {
        fb.block(() => {
            fb.emit({ op: 'isDefined', source: chain });
            fb.emit({ op: 'assignOnce', source: chain, target: result, loc });
        });
    }
}
function planDefaults(bp, rules, result) {
    for (const rule of rules.filter((r) => r.default)) {
        bp.fb.block(() => bp.nestedVars(() => {
            bp.fb.emit({ op: 'isUndefined', source: result });
            const value = rule.head.value ? bp.evalTerm(rule.head.value) : bp.constLocal(TRUE);
            bp.fb.emit({ op: 'assign', source: value, target: result });
        }));
    }
}
/** Body of (input, data, ...carried) -> value for a complete group. */
export function planCompleteGroup(bp, group) {
    const result = bp.fb.local();
    for (const rule of group.rules.filter((r) => !r.default))
        planChain(bp, rule, result, NO_ARGS);
    planDefaults(bp, group.rules, result);
    return result;
}
/** Body of (input, data, ...carried, target) -> target: every rule's every solution inserts into target. */
export function planInserter(bp, group, target) {
    group.rules.forEach((rule, r) => {
        if (rule.default || rule.else.length > 0) {
            throw new RegoError('rego_type_error', 'default and else are only allowed on complete rules and functions', rule.loc);
        }
        const loc = locText(rule.loc);
        bp.fb.block(() => bp.nestedVars(() => {
            bp.planBody(rule.body);
            const keys = group.rest[r].map((t) => bp.evalTerm(t));
            if (rule.head.contains) {
                const element = rule.head.key ?? rule.head.value;
                if (!element)
                    throw new RegoError('rego_compile_error', 'contains without an element', rule.loc);
                const set = group.mode === 'set' ? target : containerAt(bp, target, keys, 'set', loc);
                bp.fb.emit({ op: 'setAdd', set, value: bp.evalTerm(element) });
                return;
            }
            const value = rule.head.value ? bp.evalTerm(rule.head.value) : bp.constLocal(TRUE);
            const parent = containerAt(bp, target, keys.slice(0, -1), 'object', loc);
            insertLeaf(bp, parent, keys[keys.length - 1], value, loc);
        }));
    });
}
/** Body of (input, data, ...carried, ...args) -> value for a Rego function. */
export function planFunction(bp, fn, args) {
    const result = bp.fb.local();
    for (const rule of fn.rules.filter((r) => !r.default)) {
        planChain(bp, rule, result, argMatch(bp, rule.head.args ?? [], args));
    }
    for (const rule of fn.rules.filter((r) => r.default)) {
        bp.fb.block(() => bp.nestedVars(() => {
            bp.fb.emit({ op: 'isUndefined', source: result });
            const match = argMatch(bp, rule.head.args ?? [], args);
            match.before();
            match.after();
            const value = rule.head.value ? bp.evalTerm(rule.head.value) : bp.constLocal(TRUE);
            bp.fb.emit({ op: 'assign', source: value, target: result });
        }));
    }
    return result;
}
//# sourceMappingURL=rules.js.map