// `with` contexts. Everything an expression under `with` calls must see the replaced documents and functions, so
// each distinct context gets its own variants of the rule functions it reaches. Replaced data is patched into the
// `data` argument; a function replaced by a value carries that value as an extra argument ("carried").
import { isPrefix } from './tree.js';
export const PLAIN_CONTEXT = { id: '', memo: true, replaced: [], mocks: new Map(), carried: 0 };
/** The context an expression's `with` clauses make, inside `outer`. */
export function deriveContext(outer, replaced, mocks, carried) {
    const allReplaced = [...outer.replaced, ...replaced];
    const allMocks = new Map([...outer.mocks, ...mocks]);
    const key = JSON.stringify({
        replaced: [...new Set(allReplaced.map((p) => JSON.stringify(p)))].sort(),
        mocks: [...allMocks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        carried,
    });
    return { id: key, memo: false, replaced: allReplaced, mocks: allMocks, carried };
}
/** True when the document at `path` is replaced (it or one of its ancestors is a `with` target). */
export function isReplaced(ctx, path) {
    return ctx.replaced.some((r) => isPrefix(r, path));
}
/**
 * The context a mock's replacement function runs in: as in OPA, a replacement calls the real functions (a mock of
 * count that calls count gets the builtin), while replaced input and data stay in effect.
 */
export function withoutFunctionMocks(ctx) {
    if (ctx.mocks.size === 0)
        return ctx;
    const inner = deriveContext({ ...PLAIN_CONTEXT, replaced: ctx.replaced }, [], new Map(), ctx.carried);
    return inner;
}
//# sourceMappingURL=context.js.map