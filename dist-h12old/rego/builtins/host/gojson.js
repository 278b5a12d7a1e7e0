// JSON text as Go's encoding/json writes it for OPA: object keys sorted, `<` `>` `&` and U+2028/U+2029
// escaped, and MarshalIndent's layout when an indent is given.
function escapeString(s) {
    return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
function goNumber(n) {
    // Go switches to exponent form at the same points as JS, but writes at least two exponent digits.
    return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}
/** `indent` undefined means compact output. */
export function goJson(v, indent, prefix = '', depth = 0) {
    if (v === null || v === undefined)
        return 'null';
    if (typeof v === 'number')
        return goNumber(v);
    if (typeof v === 'boolean')
        return String(v);
    if (typeof v === 'string')
        return escapeString(v);
    const entries = Array.isArray(v)
        ? v.map((x) => [undefined, x])
        : Object.keys(v).sort().map((k) => [k, v[k]]);
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0)
        return open + close;
    const item = ([k, x]) => (k === undefined ? '' : escapeString(k) + (indent === undefined ? ':' : ': ')) + goJson(x, indent, prefix, depth + 1);
    if (indent === undefined)
        return open + entries.map(item).join(',') + close;
    const inner = '\n' + prefix + indent.repeat(depth + 1);
    return open + entries.map((e) => inner + item(e)).join(',') + '\n' + prefix + indent.repeat(depth) + close;
}
//# sourceMappingURL=gojson.js.map