// Rules that cannot coexist: different kinds or arities at one path, several defaults, and single-value or
// multi-value rules with other rules inside the document they define. Messages follow OPA's.
import { RegoError } from '../errors.js';
import { isPrefix, pathText, staticSegments } from './paths.js';
import { isGround } from './walk.js';
function kindConflict(rules) {
    const kinds = new Set(rules.map((r) => r.kind));
    const arities = new Set(rules.map((r) => r.head.args?.length ?? -1));
    return kinds.size > 1 || arities.size > 1;
}
/** Rules whose static path lies strictly below `segments`. */
function rulesBelow(segments, all) {
    const below = [];
    for (const rules of all.values()) {
        const other = staticSegments(rules[0].path);
        if (other.length > segments.length && isPrefix(segments, other))
            below.push(pathText(rules[0].path));
    }
    return below.sort();
}
function checkGroup(rules, byPath) {
    const first = rules[0];
    const name = pathText(first.path);
    const segments = staticSegments(first.path);
    // Only rules whose whole head ref is constant define the entire document at their path.
    const whole = rules.filter((r) => r.head.ref.every(isGround));
    const multi = whole.some((r) => r.kind === 'partial_set');
    const below = whole.length > 0 ? rulesBelow(segments, byPath) : [];
    if (below.length > 0) {
        const what = multi ? 'multi-value' : 'single-value';
        return below.map((b) => `${what} rule ${name} conflicts with [${b}]`);
    }
    if (kindConflict(rules))
        return [`conflicting rules ${name} found`];
    if (rules.filter((r) => r.default).length > 1)
        return [`multiple default rules ${name} found`];
    return [];
}
/** A default rule gives the value of a whole document, so its head ref cannot have variables. */
function checkDefault(rule) {
    if (!rule.default || rule.head.ref.every(isGround))
        return [];
    const message = `default rules must not have variables in their head: ${pathText(rule.path)}`;
    return [new RegoError('rego_compile_error', message, rule.loc)];
}
/** `else` only makes sense when the rule produces one value (the parser rejects the rest; modules built by
 * other means get the same message). */
function checkElse(rule) {
    if (rule.else.length === 0 || rule.kind === 'complete' || rule.kind === 'function')
        return [];
    const what = rule.kind === 'partial_set' ? 'multi-value rules' : 'rules with variables in head';
    return [new RegoError('rego_compile_error', `else keyword cannot be used on ${what}`, rule.else[0].loc)];
}
export function checkConflicts(byPath) {
    const errors = [];
    for (const rules of byPath.values()) {
        for (const message of checkGroup(rules, byPath)) {
            errors.push(new RegoError('rego_type_error', message, rules[0].loc));
        }
        for (const r of rules)
            errors.push(...checkDefault(r), ...checkElse(r));
    }
    return errors;
}
//# sourceMappingURL=conflicts.js.map