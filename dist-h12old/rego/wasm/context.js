// What every part of the emitter needs while it adds code to the module.
import binaryen from 'binaryen';
import { DATA_BASE } from './names.js';
/** The run-time address of a byte of static data. */
export function staticAddress(ctx, offset) {
    const m = ctx.module;
    return m.i32.add(m.global.get(DATA_BASE, binaryen.i32), m.i32.const(offset));
}
/** Stops the evaluation: the SDK turns opa_abort into an exception carrying `message`. */
export function abort(ctx, message) {
    const m = ctx.module;
    const opaAbort = ctx.runtime.importFunction('env', 'opa_abort', 1, false);
    return m.block(null, [
        m.call(opaAbort, [staticAddress(ctx, ctx.data.cString(message))], binaryen.none),
        m.unreachable(),
    ]);
}
//# sourceMappingURL=context.js.map