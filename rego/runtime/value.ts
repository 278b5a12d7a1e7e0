// The value model: every value is a pointer to a header whose first byte is its type code (OPA's codes).
// Scalars are laid out here; numbers live in number.ts, arrays/objects/sets in collections.ts.
//
//   null, boolean: static singletons   [type u8 | pad | value u32 @4]
//   string:        [type @0 | byte length u32 @4 | data ptr @8 | cached hash @12 (0 = not yet computed)]

import { alloc } from "./memory";

export const TYPE_NULL: u8 = 1;
export const TYPE_BOOLEAN: u8 = 2;
export const TYPE_NUMBER: u8 = 3;
export const TYPE_STRING: u8 = 4;
export const TYPE_ARRAY: u8 = 5;
export const TYPE_OBJECT: u8 = 6;
export const TYPE_SET: u8 = 7;

// Immutable, so one copy each is shared by every evaluation and survives heap resets.
const SINGLETONS = memory.data<u32>([1, 0, 2, 0, 2, 1], 8);

// @ts-ignore: decorator
@inline export function typeOf(v: usize): u8 {
  return load<u8>(v);
}

// @ts-ignore: decorator
@inline export function makeNull(): usize {
  return SINGLETONS;
}

// @ts-ignore: decorator
@inline export function makeBool(b: bool): usize {
  return SINGLETONS + (b ? 16 : 8);
}

// @ts-ignore: decorator
@inline export function boolValue(v: usize): bool {
  return load<u32>(v, 4) != 0;
}

export function isBool(v: usize, b: bool): bool {
  return v != 0 && typeOf(v) == TYPE_BOOLEAN && boolValue(v) == b;
}

/** A string over existing UTF-8 bytes, without copying them. */
export function makeString(data: usize, len: u32): usize {
  const v = alloc(16);
  store<u32>(v, TYPE_STRING);
  store<u32>(v, len, 4);
  store<u32>(v, <u32>data, 8);
  store<u32>(v, 0, 12);
  return v;
}

/** A string over a fresh copy of the bytes, for text built in a scratch buffer. */
export function copyString(data: usize, len: u32): usize {
  const bytes = alloc(len);
  memory.copy(bytes, data, len);
  return makeString(bytes, len);
}

/** A string from an ASCII literal in this source (runtime-made names such as type names). */
export function asciiString(text: string): usize {
  const n = <u32>text.length;
  const bytes = alloc(n);
  for (let i: u32 = 0; i < n; i++) store<u8>(bytes + i, <u8>text.charCodeAt(i));
  return makeString(bytes, n);
}

// @ts-ignore: decorator
@inline export function stringLen(v: usize): u32 {
  return load<u32>(v, 4);
}

// @ts-ignore: decorator
@inline export function stringData(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

// @ts-ignore: decorator
@inline export function stringHashCache(v: usize): u32 {
  return load<u32>(v, 12);
}

// @ts-ignore: decorator
@inline export function setStringHashCache(v: usize, h: u32): void {
  store<u32>(v, h, 12);
}
