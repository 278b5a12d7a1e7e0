// How a builtin is called: natively when the runtime exports it, else through the host's opa_builtin<N> import.
import binaryen from 'binaryen';
import { nativeExportName } from '../builtins/catalog.js';
import { MAX_HOST_BUILTIN_ARGS } from './host-builtins.js';
/** An expression yielding the builtin's result (0 when undefined). */
export function builtinCall(ctx, name, args) {
    const native = nativeExportName(name);
    if (ctx.runtime.has(native))
        return ctx.runtime.call(native, args);
    if (args.length > MAX_HOST_BUILTIN_ARGS) {
        throw new Error(`emitter: builtin ${name} with ${args.length} arguments is not native and OPA's ABI passes at most ${MAX_HOST_BUILTIN_ARGS} to the host`);
    }
    const m = ctx.module;
    const hostImport = ctx.runtime.importFunction('env', `opa_builtin${args.length}`, args.length + 2, true);
    const noContext = m.i32.const(0);
    return m.call(hostImport, [m.i32.const(ctx.hostBuiltins.id(name)), noContext, ...args], binaryen.i32);
}
//# sourceMappingURL=builtin-call.js.map