import { isGround } from './walk.js';
export function rulePath(mod, rule) {
    const loc = mod.package.loc;
    const prefix = ['data', ...mod.package.path].map((value) => ({ type: 'string', value, loc }));
    return [...prefix, ...rule.head.ref];
}
export function ruleKind(rule) {
    const h = rule.head;
    if (h.args !== undefined)
        return 'function';
    if (h.contains)
        return 'partial_set';
    return h.ref.every(isGround) ? 'complete' : 'partial_object';
}
/** The leading string segments of an absolute path, without "data". */
export function staticSegments(path) {
    const segments = [];
    for (const t of path.slice(1)) {
        if (t.type !== 'string')
            break;
        segments.push(t.value);
    }
    return segments;
}
/** The key of `CheckedPolicy.byPath`: `pkg.p` for data.pkg.p[x]. */
export function pathKey(path) {
    return staticSegments(path).join('.');
}
/** `data.pkg.p` for messages. */
export function pathText(path) {
    return ['data', ...staticSegments(path)].join('.');
}
export function isPrefix(prefix, of) {
    return prefix.length <= of.length && prefix.every((s, i) => s === of[i]);
}
//# sourceMappingURL=paths.js.map