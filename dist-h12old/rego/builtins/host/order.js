// OPA's total order over JSON-decoded values (null < boolean < number < string < array < object), used to
// return a Rego set's elements in the order OPA would list them.
const RANK = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5 };
function rank(v) {
    if (v === null)
        return RANK.null;
    if (Array.isArray(v))
        return RANK.array;
    return RANK[typeof v] ?? RANK.object;
}
export function compareValues(a, b) {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb)
        return ra - rb;
    if (typeof a === 'boolean' || typeof a === 'number')
        return a === b ? 0 : a < b ? -1 : 1;
    if (typeof a === 'string')
        return a === b ? 0 : a < b ? -1 : 1;
    if (Array.isArray(a)) {
        const bb = b;
        for (let i = 0; i < Math.min(a.length, bb.length); i++) {
            const c = compareValues(a[i], bb[i]);
            if (c !== 0)
                return c;
        }
        return a.length - bb.length;
    }
    if (a === null)
        return 0;
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const c = compareValues(ka[i], kb[i]) || compareValues(a[ka[i]], b[kb[i]]);
        if (c !== 0)
            return c;
    }
    return ka.length - kb.length;
}
//# sourceMappingURL=order.js.map