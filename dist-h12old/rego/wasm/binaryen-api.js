// binaryen.js 132 functions that its index.d.ts leaves out or names differently; typed here once, so the rest
// of the emitter stays type-checked.
import binaryen from 'binaryen';
export function dataSegments(module) {
    const api = module;
    const out = [];
    for (let i = 0; i < api.getNumDataSegments(); i++)
        out.push(api.getDataSegmentInfo(api.getDataSegmentByIndex(i)));
    return out;
}
/** The text of one expression. */
export function expressionText(expr) {
    return binaryen.emitText(expr);
}
/** An i64 constant; binaryen.js 132 takes one bigint where its d.ts still says (low, high). */
export function i64Const(module, value) {
    return module.i64.const(value);
}
//# sourceMappingURL=binaryen-api.js.map