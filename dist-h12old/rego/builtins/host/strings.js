// String builtins that the WASM runtime leaves to the host.
import { BuiltinError, arr, obj, str } from './args.js';
import { goSprintf } from './gofmt.js';
import { renderTemplate } from './template.js';
function sprintf(format, values) {
    return goSprintf(str(format, 1), arr(values, 2));
}
/** Every index (in characters, as OPA counts runes) where `search` starts; overlapping matches count. */
function indexofN(haystack, needle) {
    const chars = [...str(haystack, 1)];
    const search = [...str(needle, 2)];
    const found = [];
    for (let i = 0; i + search.length <= chars.length; i++) {
        if (search.every((c, j) => chars[i + j] === c))
            found.push(i);
    }
    return found;
}
/**
 * Go's strings.Replacer over the pairs sorted by key: at each position the first key (in that order) that
 * matches wins, and replaced text is never scanned again.
 */
function replaceN(patterns, value) {
    const pairs = Object.entries(obj(patterns, 1));
    const s = str(value, 2);
    for (const [, to] of pairs)
        if (typeof to !== 'string')
            throw new BuiltinError('operand 1 must be object[string: string]');
    pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let out = '';
    let i = 0;
    while (i <= s.length) {
        const hit = pairs.find(([from]) => s.startsWith(from, i));
        if (hit) {
            out += hit[1];
            if (hit[0].length > 0) {
                i += hit[0].length;
                continue;
            }
        }
        if (i < s.length)
            out += s[i];
        i++;
    }
    return out;
}
function renderTemplateBuiltin(template, vars) {
    return renderTemplate(str(template, 1), obj(vars, 2));
}
export const stringBuiltins = {
    sprintf,
    indexof_n: indexofN,
    'strings.replace_n': replaceN,
    'strings.render_template': renderTemplateBuiltin,
};
//# sourceMappingURL=strings.js.map