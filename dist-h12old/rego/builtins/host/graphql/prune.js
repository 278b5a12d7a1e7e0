// The object a policy gets for a GraphQL document. OPA drops every null, and every empty array or object (after
// pruning inside it), from gqlparser's structs to keep the objects small; strings and booleans stay even when
// empty or false, so `"Name": ""` and `"NonNull": false` are part of the shape policies compare against.
/** Selection kinds are told apart by a `kind` tag here; gqlparser's objects carry no such field. */
const INTERNAL_KEYS = new Set(['kind']);
function isEmpty(v) {
    if (v === null)
        return true;
    if (Array.isArray(v))
        return v.length === 0;
    return typeof v === 'object' && Object.keys(v).length === 0;
}
export function prune(value) {
    if (Array.isArray(value))
        return value.map(prune).filter((v) => !isEmpty(v));
    if (typeof value === 'object' && value !== null) {
        const out = {};
        for (const [key, v] of Object.entries(value)) {
            if (INTERNAL_KEYS.has(key))
                continue;
            const pruned = prune(v);
            if (!isEmpty(pruned))
                out[key] = pruned;
        }
        return out;
    }
    return (value ?? null);
}
//# sourceMappingURL=prune.js.map