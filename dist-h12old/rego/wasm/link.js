// The runtime as seen from generated code: its exported functions by export name (the only names the runtime's
// README promises; internal names are whatever the binary's name section says), and the host imports.
import binaryen from 'binaryen';
const i32 = binaryen.i32;
export class RuntimeLink {
    module;
    exported = new Map();
    imports = new Map();
    constructor(module) {
        this.module = module;
        for (let i = 0; i < module.getNumExports(); i++) {
            const info = binaryen.getExportInfo(module.getExportByIndex(i));
            if (info.kind !== binaryen.ExternalFunction)
                continue;
            this.exported.set(info.name, describe(module, info.value));
        }
        for (let i = 0; i < module.getNumFunctions(); i++) {
            const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
            if (info.module !== null && info.base !== null)
                this.imports.set(`${info.module}.${info.base}`, info.name);
        }
    }
    has(exportName) {
        return this.exported.has(exportName);
    }
    /** A call to a runtime export whose result is the value; checks the arity the runtime was built with. */
    call(exportName, args) {
        const f = this.checkedArity(exportName, args.length);
        if (!f.returnsValue)
            throw new Error(`emitter: runtime export ${exportName} returns nothing`);
        return this.module.call(f.internal, args, i32);
    }
    /** A call made for its effect: a result, if the runtime returns one (some return the collection), is dropped. */
    callForEffect(exportName, args) {
        const f = this.checkedArity(exportName, args.length);
        const call = this.module.call(f.internal, args, f.returnsValue ? i32 : binaryen.none);
        return f.returnsValue ? this.module.drop(call) : call;
    }
    /** The internal name of an imported function, importing it (all i32) when the runtime does not already. */
    importFunction(moduleName, base, params, returnsValue) {
        const key = `${moduleName}.${base}`;
        const known = this.imports.get(key);
        if (known)
            return known;
        const internal = `tg:import:${key}`;
        const paramType = binaryen.createType(new Array(params).fill(i32));
        this.module.addFunctionImport(internal, moduleName, base, paramType, returnsValue ? i32 : binaryen.none);
        this.imports.set(key, internal);
        return internal;
    }
    /** The internal name of an existing import, if the runtime has it. */
    importedFunction(moduleName, base) {
        return this.imports.get(`${moduleName}.${base}`);
    }
    checkedArity(exportName, args) {
        const f = this.exported.get(exportName);
        if (!f)
            throw new Error(`emitter: the runtime does not export ${exportName}; rebuild it with \`make runtime\``);
        if (f.params !== args) {
            throw new Error(`emitter: runtime export ${exportName} takes ${f.params} arguments, the call passes ${args}`);
        }
        return f;
    }
}
/**
 * AssemblyScript compiles each export as a wrapper that only calls the internal function with the same
 * arguments. Generated code calls that function directly: one call fewer per runtime operation, which binaryen's
 * inlining pass would otherwise have to remove (at a cost of hundreds of milliseconds per compile).
 */
function forwardedTarget(module, wrapper) {
    const info = binaryen.getFunctionInfo(module.getFunction(wrapper));
    if (info.body === 0 || info.vars.length > 0)
        return wrapper;
    const call = binaryen.getExpressionInfo(info.body);
    if (call.id !== binaryen.CallId || call.isReturn)
        return wrapper;
    const params = binaryen.expandType(info.params);
    if (call.operands.length !== params.length)
        return wrapper;
    const forwardsEveryParam = call.operands.every((operand, i) => {
        const get = binaryen.getExpressionInfo(operand);
        return get.id === binaryen.LocalGetId && get.index === i;
    });
    if (!forwardsEveryParam)
        return wrapper;
    const target = binaryen.getFunctionInfo(module.getFunction(call.target));
    return target.params === info.params && target.results === info.results ? call.target : wrapper;
}
function describe(module, internal) {
    const info = binaryen.getFunctionInfo(module.getFunction(internal));
    return {
        internal,
        params: binaryen.expandType(info.params).length,
        returnsValue: info.results !== binaryen.none,
    };
}
//# sourceMappingURL=link.js.map