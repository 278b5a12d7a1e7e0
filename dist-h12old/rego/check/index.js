// The checker: validates parsed modules and normalises them for the planner (see `CheckedPolicy` in ast.ts
// for the guarantees). Like OPA's compiler it runs in stages and stops after the first stage that finds
// errors, reporting every error of that stage, since later stages assume the earlier ones succeeded:
//   1. names: imports, rule and local names, declarations, dynamic heads
//      (resolve.ts, locals.ts, scopes.ts, heads.ts);
//   2. structure: rule conflicts, calls and arities, `with` targets (conflicts.ts, calls.ts, with.ts);
//   3. order: safety of every body (safety.ts) and recursion (recursion.ts).
import { RegoErrors } from '../errors.js';
import { arityLookup, checkCalls } from './calls.js';
import { checkConflicts } from './conflicts.js';
import { moveHeadTermsToBody } from './heads.js';
import { renameDeclaredVars } from './locals.js';
import { LocalNames } from './names.js';
import { pathKey, rulePath, ruleKind } from './paths.js';
import { checkRecursion } from './recursion.js';
import { resolveModules } from './resolve.js';
import { checkSafety } from './safety.js';
import { uniquifyScopes } from './scopes.js';
import { checkWithTargets } from './with.js';
function failIfAny(errors) {
    if (errors.length === 0)
        return;
    const sorted = [...errors].sort((a, b) => a.loc.file.localeCompare(b.loc.file) || a.loc.row - b.loc.row || a.loc.col - b.loc.col);
    throw new RegoErrors(sorted);
}
/** Stage 1 for one module: every rule gets absolute refs and unique local names. */
function normaliseNames(mod, names, errors) {
    const rules = mod.rules.map((parsed) => {
        const localNames = new LocalNames(parsed);
        const renamed = uniquifyScopes(renameDeclaredVars(parsed, localNames, errors), localNames);
        const moved = moveHeadTermsToBody(renamed, localNames);
        const rule = { ...moved, path: rulePath(mod, moved), kind: ruleKind(moved) };
        names.set(rule, localNames);
        return rule;
    });
    return { ...mod, rules };
}
function groupByPath(rules) {
    const byPath = new Map();
    for (const rule of rules) {
        const key = pathKey(rule.path);
        byPath.set(key, [...(byPath.get(key) ?? []), rule]);
    }
    return byPath;
}
/** Dotted path (without "data") of every user function -> its number of arguments. */
function userFunctions(rules) {
    const functions = new Map();
    for (const rule of rules) {
        const key = pathKey(rule.path);
        if (rule.kind === 'function' && !functions.has(key))
            functions.set(key, rule.head.args.length);
    }
    return functions;
}
export function check(parsed) {
    const errors = [];
    const resolved = resolveModules(parsed, errors);
    const names = new Map();
    const named = resolved.map((mod) => normaliseNames(mod, names, errors));
    failIfAny(errors);
    const allRules = named.flatMap((m) => m.rules);
    const byPath = groupByPath(allRules);
    const arityOf = arityLookup(userFunctions(allRules));
    const rulePaths = new Set(byPath.keys());
    errors.push(...checkConflicts(byPath));
    for (const rule of allRules)
        errors.push(...checkCalls(rule, arityOf), ...checkWithTargets(rule, rulePaths));
    failIfAny(errors);
    const safeRules = new Map();
    for (const rule of allRules) {
        const result = checkSafety(rule, names.get(rule), arityOf);
        errors.push(...result.errors);
        safeRules.set(rule, result.rule);
    }
    errors.push(...checkRecursion(allRules));
    failIfAny(errors);
    const modules = named.map((m) => ({ ...m, rules: m.rules.map((r) => safeRules.get(r)) }));
    const rules = modules.flatMap((m) => m.rules);
    return { modules, rules, byPath: groupByPath(rules) };
}
//# sourceMappingURL=index.js.map