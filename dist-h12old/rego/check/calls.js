// Calls: every call must name a builtin from the catalog or a user function, with a valid number of arguments.
// A call that is an expression on its own may pass one more argument, the output (`count(xs, n)`). Builtins that
// OPA deprecated are rejected, as OPA does for Rego v1.
import { BUILTINS } from '../builtins/catalog.js';
import { RegoError } from '../errors.js';
import { visitRuleExprs, visitRuleTerms } from './walk.js';
/** Arity lookup over the catalog and the user functions (keyed by dotted path without "data"). */
export function arityLookup(userFunctions) {
    return (fn) => {
        if (fn[0] === 'data')
            return userFunctions.get(fn.slice(1).join('.'));
        return BUILTINS.get(fn.join('.'))?.arity;
    };
}
const DEPRECATED = new Set([
    ...['any', 'all', 're_match', 'set_diff', 'net.cidr_overlap'],
    ...['cast_array', 'cast_set', 'cast_string', 'cast_boolean', 'cast_null', 'cast_object'],
]);
function deprecated(call, name) {
    return new RegoError('rego_type_error', `deprecated built-in function calls in expression: ${name}`, call.loc);
}
function checkCall(call, arityOf, standalone) {
    const name = call.fn.join('.');
    if (DEPRECATED.has(name))
        return [deprecated(call, name)];
    const arity = arityOf(call.fn);
    if (arity === undefined)
        return [new RegoError('rego_type_error', `undefined function ${name}`, call.loc)];
    const got = call.args.length;
    if (arity < 0 || got === arity || (standalone && got === arity + 1))
        return [];
    const args = (n) => `${n} argument${n === 1 ? '' : 's'}`;
    // OPA words the two cases differently; its users search for these messages.
    const message = call.fn[0] === 'data'
        ? `function ${name} has arity ${arity}, got ${args(got)}`
        : `${name}: arity mismatch (have ${args(got)}, want ${args(arity)})`;
    return [new RegoError('rego_type_error', message, call.loc)];
}
export function checkCalls(rule, arityOf) {
    const standalone = new WeakSet();
    visitRuleExprs(rule, (e) => {
        if (e.type === 'term' && e.term.type === 'call')
            standalone.add(e.term);
    });
    const errors = [];
    visitRuleTerms(rule, (t) => {
        if (t.type === 'call')
            errors.push(...checkCall(t, arityOf, standalone.has(t)));
    });
    return errors;
}
//# sourceMappingURL=calls.js.map