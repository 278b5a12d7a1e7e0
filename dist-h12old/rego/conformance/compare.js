// What a case expects and whether an outcome meets it. OPA's notes on its own WASM runs apply (suite README):
// expected errors are checked only for conflicts; `strict_error` cases must give an empty result, because
// builtin errors are undefined outside strict mode.
export function expectationOf(c) {
    const code = c.wantErrorCode;
    if (code === 'eval_conflict_error')
        return { kind: 'conflict', message: c.wantError };
    if (code?.startsWith('rego_'))
        return { kind: 'compile_error', code, message: c.wantError };
    if (code !== undefined || c.wantError !== undefined) {
        return c.strictError ? { kind: 'undefined' } : { kind: 'undefined_or_eval_error' };
    }
    return { kind: 'result', bindings: c.wantResult ?? [] };
}
/** JSON with object keys sorted, so equal Rego values give equal text. */
export function canonical(v) {
    if (Array.isArray(v))
        return `[${v.map(canonical).join(',')}]`;
    if (typeof v === 'object' && v !== null) {
        const keys = Object.keys(v).sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
    }
    if (typeof v === 'bigint')
        return v.toString();
    return JSON.stringify(v) ?? 'undefined';
}
/**
 * Binding sets are compared as multisets: the query rule collects them into a set, which has no evaluation
 * order to compare against.
 */
export function sameBindings(actual, expected) {
    if (actual.length !== expected.length)
        return false;
    const a = actual.map(canonical).sort();
    const e = expected.map(canonical).sort();
    return a.every((x, i) => x === e[i]);
}
/** Undefined when the outcome meets the expectation, otherwise why not. */
export function mismatch(expected, actual) {
    switch (expected.kind) {
        case 'result':
            if (actual.kind !== 'result')
                return `expected a result, got ${actual.kind}: ${actual.message}`;
            return sameBindings(actual.bindings, expected.bindings) ? undefined : 'result differs';
        case 'conflict':
            if (actual.kind === 'eval_error' && actual.code === 'eval_conflict_error')
                return undefined;
            return `expected a conflict error, got ${describe(actual)}`;
        case 'compile_error':
            if (actual.kind !== 'compile_error' || !actual.codes.includes(expected.code)) {
                return `expected ${expected.code}, got ${describe(actual)}`;
            }
            if (expected.message && !actual.message.includes(expected.message)) {
                return `expected a message containing ${JSON.stringify(expected.message)}, got ${JSON.stringify(actual.message)}`;
            }
            return undefined;
        case 'undefined':
            if (actual.kind === 'result' && actual.bindings.length === 0)
                return undefined;
            return `expected an undefined (empty) result, got ${describe(actual)}`;
        case 'undefined_or_eval_error':
            if ((actual.kind === 'result' && actual.bindings.length === 0) || actual.kind === 'eval_error')
                return undefined;
            return `expected an evaluation error or an undefined result, got ${describe(actual)}`;
    }
}
function describe(o) {
    if (o.kind === 'result')
        return `result ${canonical(o.bindings)}`;
    if (o.kind === 'compile_error')
        return `compile error ${o.codes.join(', ')}: ${o.message}`;
    return `${o.code}: ${o.message}`;
}
//# sourceMappingURL=compare.js.map