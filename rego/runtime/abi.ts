// OPA's evaluation ABI: the context-based `eval` (ABI 1.0) and the one-call `opa_eval` (ABI 1.2) around the
// generated entrypoints, which the emitter links in place of the `run_entrypoint` import.

import { alloc, setHeapTop } from "./memory";
import { fatal } from "./memory";
import { asciiString } from "./value";
import { makeObject, makeSet, setAdd, tablePut } from "./collections";
import { parseJson, writeValue } from "./json";
import { Writer, finishCString, newWriter, writeAscii } from "./writer";

@external("taskgate", "run_entrypoint")
declare function run_entrypoint(id: i32, input: usize, data: usize): usize;

/** `[{"result": v}]` as a set value (it dumps as an array); empty when v is undefined. */
function resultSet(v: usize): usize {
  const rs = makeSet();
  if (v != 0) {
    const binding = makeObject();
    tablePut(binding, asciiString("result"), v);
    setAdd(rs, binding);
  }
  return rs;
}

// Context: [entrypoint i32 @0 | input @4 | data @8 | result @12]

export function evalCtxNew(): usize {
  const ctx = alloc(16);
  memory.fill(ctx, 0, 16);
  return ctx;
}

export function evalCtxSetInput(ctx: usize, input: usize): void {
  store<u32>(ctx, <u32>input, 4);
}

export function evalCtxSetData(ctx: usize, data: usize): void {
  store<u32>(ctx, <u32>data, 8);
}

export function evalCtxSetEntrypoint(ctx: usize, entrypoint: i32): void {
  store<i32>(ctx, entrypoint);
}

export function evalCtxGetResult(ctx: usize): usize {
  return <usize>load<u32>(ctx, 12);
}

export function evalWithCtx(ctx: usize): i32 {
  const v = run_entrypoint(load<i32>(ctx), <usize>load<u32>(ctx, 4), <usize>load<u32>(ctx, 8));
  store<u32>(ctx, <u32>resultSet(v), 12);
  return 0;
}

/** ABI 1.2: input is JSON text at inputPtr (already in memory, below heapPtr); returns the result set as a
 * NUL-terminated JSON text (format 0) or Rego text (format 1). */
export function evalOnce(
  entrypoint: i32, data: usize, inputPtr: usize, inputLen: usize, heapPtr: usize, format: i32,
): usize {
  setHeapTop(heapPtr);
  let input: usize = 0;
  if (inputLen > 0) {
    input = parseJson(inputPtr, inputLen);
    if (input == 0) fatal("opa_eval: input is not valid JSON");
  }
  return finishCString(writeResultSet(run_entrypoint(entrypoint, input, data), format == 1));
}

/** The text of resultSet(v), written directly: building the set would hash the whole result only to dump it. */
function writeResultSet(v: usize, rego: bool): Writer {
  const w = newWriter(256);
  if (v == 0) {
    writeAscii(w, rego ? "set()" : "[]");
    return w;
  }
  writeAscii(w, rego ? "{{\"result\":" : "[{\"result\":");
  writeValue(w, v, rego);
  writeAscii(w, rego ? "}}" : "}]");
  return w;
}
