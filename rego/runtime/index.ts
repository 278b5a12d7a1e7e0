// The runtime's exports under the names OPA's ABI and the emitter use (see README.md). Logic lives in the
// modules imported here; this file only names things.

import { alloc, heapTop, setHeapTop } from "./memory";
import { boolValue, makeBool, makeNull, makeString, TYPE_BOOLEAN, typeOf } from "./value";
import { makeFloat, makeInt, parseNumber } from "./number";
import { arrayAppend, makeArray, makeObject, makeSet, pinSortedViews, setAdd, tablePut } from "./collections";
import { compareValues, valuesEqual } from "./compare";
import { dumpJson, dumpRego, parseJson, parseRegoValue } from "./json";
import { finishCString } from "./writer";
import {
  addPath, mergeValues, removePath, scanEntry, shallowCopy, valueGet, valueIter, valueLength,
} from "./access";
import {
  evalCtxGetResult, evalCtxNew, evalCtxSetData, evalCtxSetEntrypoint, evalCtxSetInput, evalOnce, evalWithCtx,
} from "./abi";

export * from "./builtins/index";
export { taskgate_heap_base } from "./memory";

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 3;

// ---- memory

export function opa_malloc(size: usize): usize {
  return alloc(size);
}

/** Memory is reclaimed only by resetting the heap pointer. */
export function opa_free(_ptr: usize): void {}

export function opa_heap_ptr_get(): usize {
  return heapTop();
}

export function opa_heap_ptr_set(ptr: usize): void {
  setHeapTop(ptr);
}

// ---- values

export function opa_null(): usize {
  return makeNull();
}

export function opa_boolean(b: i32): usize {
  return makeBool(b != 0);
}

export function opa_number_int(x: i64): usize {
  return makeInt(x);
}

export function opa_number_float(x: f64): usize {
  return makeFloat(x);
}

export function opa_number_ref(ptr: usize, len: usize): usize {
  return parseNumber(ptr, len);
}

export function opa_string(ptr: usize, len: usize): usize {
  return makeString(ptr, <u32>len);
}

export function opa_array(): usize {
  return makeArray(0);
}

export function opa_array_with_cap(n: u32): usize {
  return makeArray(n);
}

export function opa_array_append(arr: usize, v: usize): void {
  arrayAppend(arr, v);
}

export function opa_object(): usize {
  return makeObject();
}

export function opa_object_insert(obj: usize, key: usize, value: usize): void {
  tablePut(obj, key, value);
}

export function opa_set(): usize {
  return makeSet();
}

export function opa_set_add(set: usize, v: usize): void {
  setAdd(set, v);
}

export function opa_value_type(v: usize): i32 {
  return typeOf(v);
}

export function opa_value_get(v: usize, key: usize): usize {
  return valueGet(v, key);
}

export function opa_value_iter(v: usize, prev: usize): usize {
  return valueIter(v, prev);
}

export function taskgate_scan_entry(v: usize, i: u32): usize {
  return scanEntry(v, i);
}

export function opa_value_length(v: usize): u32 {
  return valueLength(v);
}

export function opa_value_compare(a: usize, b: usize): i32 {
  return compareValues(a, b);
}

export function opa_value_equal(a: usize, b: usize): i32 {
  return valuesEqual(a, b) ? 1 : 0;
}

export function opa_value_is_false(v: usize): i32 {
  return v != 0 && typeOf(v) == TYPE_BOOLEAN && !boolValue(v) ? 1 : 0;
}

export function opa_value_merge(a: usize, b: usize): usize {
  return mergeValues(a, b);
}

export function opa_value_shallow_copy(v: usize): usize {
  return shallowCopy(v);
}

export function opa_value_add_path(base: usize, path: usize, value: usize): i32 {
  return addPath(base, path, value);
}

export function opa_value_remove_path(base: usize, path: usize): i32 {
  return removePath(base, path);
}

// ---- text

/** The SDK loads data (kept across evaluations) through here; input of opa_eval is parsed without pinning. */
export function opa_json_parse(ptr: usize, len: usize): usize {
  const v = parseJson(ptr, len);
  pinSortedViews(v);
  return v;
}

export function opa_value_parse(ptr: usize, len: usize): usize {
  const v = parseRegoValue(ptr, len);
  pinSortedViews(v);
  return v;
}

export function opa_json_dump(v: usize): usize {
  return finishCString(dumpJson(v));
}

export function opa_value_dump(v: usize): usize {
  return finishCString(dumpRego(v));
}

// ---- evaluation

export function opa_eval_ctx_new(): usize {
  return evalCtxNew();
}

export function opa_eval_ctx_set_input(ctx: usize, input: usize): void {
  evalCtxSetInput(ctx, input);
}

export function opa_eval_ctx_set_data(ctx: usize, data: usize): void {
  evalCtxSetData(ctx, data);
}

export function opa_eval_ctx_set_entrypoint(ctx: usize, entrypoint: i32): void {
  evalCtxSetEntrypoint(ctx, entrypoint);
}

export function opa_eval_ctx_get_result(ctx: usize): usize {
  return evalCtxGetResult(ctx);
}

export function eval(ctx: usize): i32 {
  return evalWithCtx(ctx);
}

export function opa_eval(
  _reserved: usize, entrypoint: i32, data: usize, input: usize, inputLen: usize, heapPtr: usize, format: i32,
): usize {
  return evalOnce(entrypoint, data, input, inputLen, heapPtr, format);
}

/** Defaults that let the bare runtime load in OPA's SDK; the emitter replaces both with the policy's own. */
export function builtins(): usize {
  return makeObject();
}

export function entrypoints(): usize {
  return makeObject();
}
