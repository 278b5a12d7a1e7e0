// `with` modifiers may only replace the input document, documents under data (whole rules, not parts of
// them), and functions (builtins or user functions). Messages follow OPA's.
import { BUILTINS } from '../builtins/catalog.js';
import { RegoError } from '../errors.js';
import { dottedName, visitRuleExprs } from './walk.js';
function unreplaceableBuiltin(name) {
    return name === 'eq' || name === 'assign' || name.startsWith('internal.');
}
function rootOf(t) {
    if (t.type === 'var')
        return t.name;
    if (t.type === 'ref' && t.head.type === 'var')
        return t.head.name;
    return undefined;
}
function checkWith(w, rulePaths) {
    const root = rootOf(w.target);
    if (root === 'input')
        return [];
    if (root === 'data') {
        const name = dottedName(w.target);
        const segments = name === undefined ? [] : name.split('.').slice(1);
        for (let n = 1; n < segments.length; n++) {
            if (rulePaths.has(segments.slice(0, n).join('.'))) {
                return [new RegoError('rego_compile_error', 'with keyword cannot partially replace virtual document(s)', w.target.loc)];
            }
        }
        return [];
    }
    const name = dottedName(w.target);
    if (name !== undefined && BUILTINS.has(name)) {
        if (!unreplaceableBuiltin(name))
            return [];
        return [new RegoError('rego_compile_error', `with keyword replacing built-in function: replacement of ${name} invalid`, w.target.loc)];
    }
    return [new RegoError('rego_type_error', 'with keyword target must reference existing input, data, or a function', w.target.loc)];
}
/** Checks every `with` of the rule; `rulePaths` are the static path keys of all rules (`pkg.p`). */
export function checkWithTargets(rule, rulePaths) {
    const errors = [];
    visitRuleExprs(rule, (e) => {
        for (const w of e.with)
            errors.push(...checkWith(w, rulePaths));
    });
    return errors;
}
//# sourceMappingURL=with.js.map