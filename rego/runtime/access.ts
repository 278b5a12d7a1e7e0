// Reading and restructuring values: the generic operations generated code and the SDK call through the ABI.

import {
  TYPE_ARRAY, TYPE_NUMBER, TYPE_OBJECT, TYPE_SET, TYPE_STRING, stringData, stringLen, typeOf,
} from "./value";
import { intValue, isSmallInt, makeInt } from "./number";
import {
  arrayAppend, arrayAt, arrayLen, entryKey, entryValue, makeArray, makeObject, makeSet, objectGet,
  sortedEntries, sortedEntry, tableCount, tableFind, tableNextKey, tablePut, tableRemove,
} from "./collections";
import { countRunes } from "./utf8";

/** Object member, array element (integer index), or the element itself when a set holds it; else 0. */
export function valueGet(v: usize, key: usize): usize {
  if (v == 0 || key == 0) return 0;
  const t = typeOf(v);
  if (t == TYPE_OBJECT) return objectGet(v, key);
  if (t == TYPE_SET) {
    const e = tableFind(v, key);
    return e != 0 ? entryKey(e) : 0;
  }
  if (t == TYPE_ARRAY) {
    const i = arrayIndex(key);
    return i >= 0 && i < <i64>arrayLen(v) ? arrayAt(v, <u32>i) : 0;
  }
  return 0;
}

/** The integer an array index key denotes, or -1 when the key is not a non-negative integer. */
function arrayIndex(key: usize): i64 {
  if (typeOf(key) != TYPE_NUMBER || !isSmallInt(key)) return -1;
  return intValue(key);
}

/** The key after prev (0 for the first): array indexes as numbers, object keys and set elements in sorted
 * order; 0 at the end. */
export function valueIter(v: usize, prev: usize): usize {
  if (v == 0) return 0;
  const t = typeOf(v);
  if (t == TYPE_ARRAY) {
    let next: i64 = 0;
    if (prev != 0) {
      const at = arrayIndex(prev);
      if (at < 0) return 0;
      next = at + 1;
    }
    return next < <i64>arrayLen(v) ? makeInt(next) : 0;
  }
  if (t == TYPE_OBJECT || t == TYPE_SET) return tableNextKey(v, prev);
  return 0;
}

// Where scanEntry puts an array position's key and element. Generated code reads both fields right after the
// call, before anything can call scanEntry again, so one static pair serves every scan.
const ARRAY_POSITION = memory.data(8, 8);

/** The i-th [key @0, value @4] pair of a collection in iteration order (arrays by index, objects and sets in
 * sorted key order, a set's value being the element), or 0 past the end or for a scalar. Generated scans walk
 * positions with it: no lookup of the previous key, no second lookup of the value. */
export function scanEntry(v: usize, i: u32): usize {
  const t = typeOf(v);
  if (t == TYPE_ARRAY) {
    if (i >= arrayLen(v)) return 0;
    store<u32>(ARRAY_POSITION, <u32>makeInt(<i64>i));
    store<u32>(ARRAY_POSITION, <u32>arrayAt(v, i), 4);
    return ARRAY_POSITION;
  }
  if (t != TYPE_OBJECT && t != TYPE_SET) return 0;
  if (i >= tableCount(v)) return 0;
  return sortedEntry(sortedEntries(v), i);
}

/** Elements of a collection; code points of a string; 0 otherwise. */
export function valueLength(v: usize): u32 {
  if (v == 0) return 0;
  const t = typeOf(v);
  if (t == TYPE_ARRAY) return arrayLen(v);
  if (t == TYPE_OBJECT || t == TYPE_SET) return tableCount(v);
  if (t == TYPE_STRING) return countRunes(stringData(v), stringLen(v));
  return 0;
}

/** A new collection holding the same elements (the elements themselves are shared). */
export function shallowCopy(v: usize): usize {
  if (v == 0) return 0;
  const t = typeOf(v);
  if (t == TYPE_ARRAY) {
    const n = arrayLen(v);
    const copy = makeArray(n);
    for (let i: u32 = 0; i < n; i++) arrayAppend(copy, arrayAt(v, i));
    return copy;
  }
  if (t == TYPE_OBJECT || t == TYPE_SET) {
    const copy = t == TYPE_OBJECT ? makeObject() : makeSet();
    const n = tableCount(v);
    if (n == 0) return copy;
    const sorted = sortedEntries(v);
    for (let i: u32 = 0; i < n; i++) {
      const e = sortedEntry(sorted, i);
      tablePut(copy, entryKey(e), entryValue(e));
    }
    return copy;
  }
  return v;
}

/** Deep merge of two objects into a new one: keys of both, nested objects merged; 0 when the same key holds
 * anything but two objects (a conflict). A missing side yields the other. */
export function mergeValues(a: usize, b: usize): usize {
  if (a == 0) return b;
  if (b == 0) return a;
  if (typeOf(a) != TYPE_OBJECT || typeOf(b) != TYPE_OBJECT) return 0;
  const merged = shallowCopy(a);
  const n = tableCount(b);
  if (n == 0) return merged;
  const sorted = sortedEntries(b);
  for (let i: u32 = 0; i < n; i++) {
    const e = sortedEntry(sorted, i);
    const existing = objectGet(merged, entryKey(e));
    if (existing == 0) {
      tablePut(merged, entryKey(e), entryValue(e));
      continue;
    }
    const inner = mergeValues(existing, entryValue(e));
    if (inner == 0) return 0;
    tablePut(merged, entryKey(e), inner);
  }
  return merged;
}

// OPA's error codes for the path ABI.
export const ERR_OK: i32 = 0;
export const ERR_INVALID_TYPE: i32 = 2;
export const ERR_INVALID_PATH: i32 = 3;

/** Sets base[path...] = value, creating intermediate objects (SDK data updates). */
export function addPath(base: usize, path: usize, value: usize): i32 {
  if (base == 0 || typeOf(base) != TYPE_OBJECT || path == 0 || typeOf(path) != TYPE_ARRAY) return ERR_INVALID_TYPE;
  const n = arrayLen(path);
  if (n == 0) return ERR_INVALID_PATH;
  let node = base;
  for (let i: u32 = 0; i + 1 < n; i++) {
    const key = arrayAt(path, i);
    let next = objectGet(node, key);
    if (next == 0) {
      next = makeObject();
      tablePut(node, key, next);
    } else if (typeOf(next) != TYPE_OBJECT) {
      return ERR_INVALID_PATH;
    }
    node = next;
  }
  tablePut(node, arrayAt(path, n - 1), value);
  return ERR_OK;
}

/** Deletes base[path...] when present. */
export function removePath(base: usize, path: usize): i32 {
  if (base == 0 || typeOf(base) != TYPE_OBJECT || path == 0 || typeOf(path) != TYPE_ARRAY) return ERR_INVALID_TYPE;
  const n = arrayLen(path);
  if (n == 0) return ERR_INVALID_PATH;
  let node = base;
  for (let i: u32 = 0; i + 1 < n; i++) {
    node = objectGet(node, arrayAt(path, i));
    if (node == 0 || typeOf(node) != TYPE_OBJECT) return ERR_OK;
  }
  tableRemove(node, arrayAt(path, n - 1));
  return ERR_OK;
}

