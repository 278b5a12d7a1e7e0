// array.concat, array.slice, array.reverse.

import { arrayAppend, arrayAt, arrayLen, makeArray } from "../collections";
import { isArray, isInt, int } from "./args";

export function arrayConcat(a: usize, b: usize): usize {
  if (!isArray(a) || !isArray(b)) return 0;
  const na = arrayLen(a);
  const nb = arrayLen(b);
  const out = makeArray(na + nb);
  for (let i: u32 = 0; i < na; i++) arrayAppend(out, arrayAt(a, i));
  for (let i: u32 = 0; i < nb; i++) arrayAppend(out, arrayAt(b, i));
  return out;
}

/** array.slice(arr, start, stop): indexes clamped to the array; empty when start >= stop. */
export function arraySlice(a: usize, start: usize, stop: usize): usize {
  if (!isArray(a) || !isInt(start) || !isInt(stop)) return 0;
  const n = <i64>arrayLen(a);
  let from = int(start);
  let to = int(stop);
  if (from < 0) from = 0;
  if (to > n) to = n;
  if (from >= to) return makeArray(0);
  const out = makeArray(<u32>(to - from));
  for (let i = from; i < to; i++) arrayAppend(out, arrayAt(a, <u32>i));
  return out;
}

export function arrayReverse(a: usize): usize {
  if (!isArray(a)) return 0;
  const n = arrayLen(a);
  const out = makeArray(n);
  for (let i = <i32>n - 1; i >= 0; i--) arrayAppend(out, arrayAt(a, <u32>i));
  return out;
}
