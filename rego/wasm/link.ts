// The runtime as seen from generated code: its exported functions by export name (the only names the runtime's
// README promises; internal names are whatever the binary's name section says), and the host imports.
import binaryen from 'binaryen';
import { isImportedFunction } from './binaryen-api.js';

const i32 = binaryen.i32;

export interface RuntimeFunction {
  /** binaryen's internal name, the one `call` needs */
  internal: string;
  params: number;
  returnsValue: boolean;
}

export class RuntimeLink {
  private readonly exported = new Map<string, RuntimeFunction>();
  private readonly imports = new Map<string, string>();

  constructor(private readonly module: binaryen.Module) {
    for (let i = 0; i < module.getNumExports(); i++) {
      const info = binaryen.getExportInfo(module.getExportByIndex(i));
      if (info.kind !== binaryen.ExternalFunction) continue;
      this.exported.set(info.name, describe(module, forwardedTarget(module, info.value)));
    }
    for (let i = 0; i < module.getNumFunctions(); i++) {
      const func = module.getFunctionByIndex(i);
      if (!isImportedFunction(func)) continue;
      const info = binaryen.getFunctionInfo(func);
      this.imports.set(`${info.module}.${info.base}`, info.name);
    }
  }

  has(exportName: string): boolean {
    return this.exported.has(exportName);
  }

  /** A call to a runtime export whose result is the value; checks the arity the runtime was built with. */
  call(exportName: string, args: binaryen.ExpressionRef[]): binaryen.ExpressionRef {
    const f = this.checkedArity(exportName, args.length);
    if (!f.returnsValue) throw new Error(`emitter: runtime export ${exportName} returns nothing`);
    return this.module.call(f.internal, args, i32);
  }

  /** A call made for its effect: a result, if the runtime returns one (some return the collection), is dropped. */
  callForEffect(exportName: string, args: binaryen.ExpressionRef[]): binaryen.ExpressionRef {
    const f = this.checkedArity(exportName, args.length);
    const call = this.module.call(f.internal, args, f.returnsValue ? i32 : binaryen.none);
    return f.returnsValue ? this.module.drop(call) : call;
  }

  /** The internal name of an imported function, importing it (all i32) when the runtime does not already. */
  importFunction(moduleName: string, base: string, params: number, returnsValue: boolean): string {
    const key = `${moduleName}.${base}`;
    const known = this.imports.get(key);
    if (known) return known;
    const internal = `tg:import:${key}`;
    const paramType = binaryen.createType(new Array<binaryen.Type>(params).fill(i32));
    this.module.addFunctionImport(internal, moduleName, base, paramType, returnsValue ? i32 : binaryen.none);
    this.imports.set(key, internal);
    return internal;
  }

  /** The internal name of an existing import, if the runtime has it. */
  importedFunction(moduleName: string, base: string): string | undefined {
    return this.imports.get(`${moduleName}.${base}`);
  }

  private checkedArity(exportName: string, args: number): RuntimeFunction {
    const f = this.exported.get(exportName);
    if (!f) throw new Error(`emitter: the runtime does not export ${exportName}; rebuild it with \`make runtime\``);
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
function forwardedTarget(module: binaryen.Module, wrapper: string): string {
  const info = binaryen.getFunctionInfo(module.getFunction(wrapper));
  if (info.body === 0 || info.vars.length > 0) return wrapper;
  const call = binaryen.getExpressionInfo(info.body) as binaryen.CallInfo;
  if (call.id !== binaryen.CallId || call.isReturn) return wrapper;
  const params = binaryen.expandType(info.params);
  if (call.operands.length !== params.length) return wrapper;
  const forwardsEveryParam = call.operands.every((operand, i) => {
    const get = binaryen.getExpressionInfo(operand) as binaryen.LocalGetInfo;
    return get.id === binaryen.LocalGetId && get.index === i;
  });
  if (!forwardsEveryParam) return wrapper;
  const target = binaryen.getFunctionInfo(module.getFunction(call.target));
  return target.params === info.params && target.results === info.results ? call.target : wrapper;
}

function describe(module: binaryen.Module, internal: string): RuntimeFunction {
  const info = binaryen.getFunctionInfo(module.getFunction(internal));
  return {
    internal,
    params: binaryen.expandType(info.params).length,
    returnsValue: info.results !== binaryen.none,
  };
}
