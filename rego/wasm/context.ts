// What every part of the emitter needs while it adds code to the module.
import binaryen from 'binaryen';
import type { RuntimeLink } from './link.js';
import type { StaticData } from './static-data.js';
import type { HostBuiltins } from './host-builtins.js';
import type { Memo } from './memo.js';
import { DATA_BASE } from './names.js';

export interface PlannedFunction {
  internal: string;
  params: number;
}

export interface EmitContext {
  module: binaryen.Module;
  runtime: RuntimeLink;
  data: StaticData;
  hostBuiltins: HostBuiltins;
  memo: Memo;
  constCount: number;
  funcs: ReadonlyMap<string, PlannedFunction>;
  /** Functions may keep looked-up paths in locals (see lookup-cache.ts). */
  cacheLookups: boolean;
}

/** The run-time address of a byte of static data. */
export function staticAddress(ctx: EmitContext, offset: number): binaryen.ExpressionRef {
  const m = ctx.module;
  return m.i32.add(m.global.get(DATA_BASE, binaryen.i32), m.i32.const(offset));
}

/** Stops the evaluation: the SDK turns opa_abort into an exception carrying `message`. */
export function abort(ctx: EmitContext, message: string): binaryen.ExpressionRef {
  const m = ctx.module;
  const opaAbort = ctx.runtime.importFunction('env', 'opa_abort', 1, false);
  return m.block(null, [
    m.call(opaAbort, [staticAddress(ctx, ctx.data.cString(message))], binaryen.none),
    m.unreachable(),
  ]);
}
