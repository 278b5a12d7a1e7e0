// binaryen.js 132 functions that its index.d.ts leaves out or names differently; typed here once, so the rest
// of the emitter stays type-checked.
import binaryen from 'binaryen';

export interface DataSegmentInfo {
  name: string;
  /** null for passive segments (and active ones whose offset is not a constant) */
  offset: number | null;
  data: ArrayBuffer;
  passive: boolean;
}

interface DataSegmentMethods {
  getNumDataSegments(): number;
  getDataSegmentByIndex(index: number): number;
  getDataSegmentInfo(segment: number): DataSegmentInfo;
}

export function dataSegments(module: binaryen.Module): DataSegmentInfo[] {
  const api = module as unknown as DataSegmentMethods;
  const out: DataSegmentInfo[] = [];
  for (let i = 0; i < api.getNumDataSegments(); i++) out.push(api.getDataSegmentInfo(api.getDataSegmentByIndex(i)));
  return out;
}

/** A named memory segment for `setMemory` (the d.ts omits the name binaryen.js accepts). */
export interface NamedMemorySegment extends binaryen.MemorySegment {
  name: string;
}

/** The text of one expression. */
export function expressionText(expr: binaryen.ExpressionRef): string {
  return (binaryen as unknown as { emitText(e: binaryen.ExpressionRef): string }).emitText(expr);
}

/** An i64 constant; binaryen.js 132 takes one bigint where its d.ts still says (low, high). */
export function i64Const(module: binaryen.Module, value: bigint): binaryen.ExpressionRef {
  return (module.i64 as unknown as { const(v: bigint): binaryen.ExpressionRef }).const(value);
}

interface LowLevelFunctionApi {
  _BinaryenFunctionImportGetModule(func: binaryen.FunctionRef): number;
}

/** Whether a function is imported, without `getFunctionInfo`, which also copies out its name, types and locals
 * (the runtime has hundreds of functions and a handful of imports). */
export function isImportedFunction(func: binaryen.FunctionRef): boolean {
  return (binaryen as unknown as LowLevelFunctionApi)._BinaryenFunctionImportGetModule(func) !== 0;
}
