// Arrays, and the hash tables behind objects and sets.
//
//   array: [type 5 @0 | length u32 @4 | capacity u32 @8 | element pointers @12]
//   table: [type 6/7 @0 | count u32 @4 | bucket count u32 @8 | buckets @12 | sorted entries @16 (0 = stale)
//           | heap epoch the sorted entries were built in @20 (PINNED: built with the table)]
//   entry: [key @0 | value @4 (the element itself in a set) | hash @8 | next in bucket @12 | sorted position @16]
//
// Lookups are O(1) on average through the buckets. OPA observes keys in sorted order (iteration, comparison,
// output), so a sorted view of the entries is built lazily and dropped whenever the table changes.
//
// A table may outlive a heap reset (base data loaded once, evaluated many times) while a sorted view built
// lazily during an evaluation does not: it lies above the reset point and is overwritten by the next evaluation.
// So a lazily built view is only trusted within the heap epoch it was built in; documents loaded through
// opa_json_parse get views pinned at load time, allocated right after them, which live exactly as long.

import { alloc, allocZeroed, heapEpoch, realloc } from "./memory";
import { TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, TYPE_STRING, typeOf } from "./value";
import { hashValue, stringsEqual, valuesEqual } from "./compare";
import { sortPointers } from "./sort";

// ---- arrays

export function makeArray(capacity: u32): usize {
  const a = alloc(16);
  store<u32>(a, TYPE_ARRAY);
  store<u32>(a, 0, 4);
  store<u32>(a, capacity, 8);
  store<u32>(a, capacity > 0 ? <u32>alloc((<usize>capacity) << 2) : 0, 12);
  return a;
}

// @ts-ignore: decorator
@inline export function arrayLen(a: usize): u32 {
  return load<u32>(a, 4);
}

// @ts-ignore: decorator
@inline export function arrayElems(a: usize): usize {
  return <usize>load<u32>(a, 12);
}

// @ts-ignore: decorator
@inline export function arrayAt(a: usize, i: u32): usize {
  return <usize>load<u32>(arrayElems(a) + ((<usize>i) << 2));
}

export function arrayAppend(a: usize, v: usize): void {
  const len = arrayLen(a);
  let cap = load<u32>(a, 8);
  if (len == cap) {
    const grown = cap < 4 ? 4 : cap << 1;
    store<u32>(a, <u32>realloc(arrayElems(a), (<usize>cap) << 2, (<usize>grown) << 2), 12);
    store<u32>(a, grown, 8);
  }
  store<u32>(arrayElems(a) + ((<usize>len) << 2), <u32>v);
  store<u32>(a, len + 1, 4);
}

// ---- tables (objects and sets)

const PINNED: u32 = 0xffffffff;

const INITIAL_BUCKETS: u32 = 8;

/** A table with its first buckets in the same allocation: nearly every table gets a key, most only a few. */
function makeTable(type: u8): usize {
  const t = allocZeroed(24 + ((<usize>INITIAL_BUCKETS) << 2));
  store<u8>(t, type);
  store<u32>(t, INITIAL_BUCKETS, 8);
  store<u32>(t, <u32>(t + 24), 12);
  return t;
}

export function makeObject(): usize {
  return makeTable(TYPE_OBJECT);
}

export function makeSet(): usize {
  return makeTable(TYPE_SET);
}

// @ts-ignore: decorator
@inline export function tableCount(t: usize): u32 {
  return load<u32>(t, 4);
}

// @ts-ignore: decorator
@inline export function entryKey(e: usize): usize {
  return <usize>load<u32>(e);
}

// @ts-ignore: decorator
@inline export function entryValue(e: usize): usize {
  return <usize>load<u32>(e, 4);
}

// @ts-ignore: decorator
@inline function bucketCount(t: usize): u32 {
  return load<u32>(t, 8);
}

// @ts-ignore: decorator
@inline function bucketSlot(t: usize, hash: u32): usize {
  return <usize>load<u32>(t, 12) + ((<usize>(hash & (bucketCount(t) - 1))) << 2);
}

/** The entry holding key, or 0. */
export function tableFind(t: usize, key: usize): usize {
  if (tableCount(t) == 0) return 0;
  return findHashed(t, key, hashValue(key));
}

function findHashed(t: usize, key: usize, h: u32): usize {
  if (tableCount(t) == 0) return 0;
  let e = <usize>load<u32>(bucketSlot(t, h));
  // String keys (nearly every lookup) are compared here, without valuesEqual's dispatch.
  if (typeOf(key) == TYPE_STRING) {
    while (e != 0) {
      if (load<u32>(e, 8) == h) {
        const k = entryKey(e);
        if (k == key || (typeOf(k) == TYPE_STRING && stringsEqual(k, key))) return e;
      }
      e = <usize>load<u32>(e, 12);
    }
    return 0;
  }
  while (e != 0) {
    if (load<u32>(e, 8) == h && valuesEqual(entryKey(e), key)) return e;
    e = <usize>load<u32>(e, 12);
  }
  return 0;
}

function rehash(t: usize, buckets: u32): void {
  const old = <usize>load<u32>(t, 12);
  const oldCount = bucketCount(t);
  store<u32>(t, <u32>allocZeroed((<usize>buckets) << 2), 12);
  store<u32>(t, buckets, 8);
  for (let i: u32 = 0; i < oldCount; i++) {
    let e = <usize>load<u32>(old + ((<usize>i) << 2));
    while (e != 0) {
      const next = <usize>load<u32>(e, 12);
      const slot = bucketSlot(t, load<u32>(e, 8));
      store<u32>(e, load<u32>(slot), 12);
      store<u32>(slot, <u32>e);
      e = next;
    }
  }
}

/** Sets key to value, replacing the value of an existing key. */
export function tablePut(t: usize, key: usize, value: usize): void {
  const h = hashValue(key);
  const found = findHashed(t, key, h);
  if (found != 0) {
    store<u32>(found, <u32>value, 4);
    return;
  }
  const count = tableCount(t);
  if (count >= (bucketCount(t) >> 2) * 3) rehash(t, bucketCount(t) << 1);
  const e = alloc(20);
  store<u32>(e, <u32>key);
  store<u32>(e, <u32>value, 4);
  store<u32>(e, h, 8);
  const slot = bucketSlot(t, h);
  store<u32>(e, load<u32>(slot), 12);
  store<u32>(slot, <u32>e);
  store<u32>(t, count + 1, 4);
  store<u32>(t, 0, 16);
}

/** Removes key when present; returns whether it was. */
export function tableRemove(t: usize, key: usize): bool {
  if (tableCount(t) == 0) return false;
  const h = hashValue(key);
  let link = bucketSlot(t, h);
  let e = <usize>load<u32>(link);
  while (e != 0) {
    if (load<u32>(e, 8) == h && valuesEqual(entryKey(e), key)) {
      store<u32>(link, load<u32>(e, 12));
      store<u32>(t, tableCount(t) - 1, 4);
      store<u32>(t, 0, 16);
      return true;
    }
    link = e + 12;
    e = <usize>load<u32>(link);
  }
  return false;
}

/** The entries in key order (a pointer array of tableCount entries). */
export function sortedEntries(t: usize): usize {
  const cached = <usize>load<u32>(t, 16);
  if (cached != 0) {
    const epoch = load<u32>(t, 20);
    if (epoch == PINNED || epoch == heapEpoch) return cached;
  }
  const count = tableCount(t);
  const sorted = alloc(((<usize>count) << 2) + 4);
  let n: u32 = 0;
  const buckets = <usize>load<u32>(t, 12);
  for (let i: u32 = 0; i < bucketCount(t); i++) {
    let e = <usize>load<u32>(buckets + ((<usize>i) << 2));
    while (e != 0) {
      store<u32>(sorted + ((<usize>n) << 2), <u32>e);
      n++;
      e = <usize>load<u32>(e, 12);
    }
  }
  sortPointers(sorted, count, true);
  for (let i: u32 = 0; i < count; i++) store<u32>(sortedEntry(sorted, i), i, 16);
  store<u32>(t, <u32>sorted, 16);
  store<u32>(t, heapEpoch, 20);
  return sorted;
}

/** Builds the sorted views of a long-lived document (and everything in it) now, so they share its lifetime. */
export function pinSortedViews(v: usize): void {
  if (v == 0) return;
  const type = typeOf(v);
  if (type == TYPE_ARRAY) {
    const n = arrayLen(v);
    for (let i: u32 = 0; i < n; i++) pinSortedViews(arrayAt(v, i));
    return;
  }
  if (type != TYPE_OBJECT && type != TYPE_SET) return;
  const n = tableCount(v);
  const sorted = sortedEntries(v);
  store<u32>(v, PINNED, 20);
  for (let i: u32 = 0; i < n; i++) {
    const e = sortedEntry(sorted, i);
    pinSortedViews(entryKey(e));
    if (type == TYPE_OBJECT) pinSortedViews(entryValue(e));
  }
}

// @ts-ignore: decorator
@inline export function sortedEntry(sorted: usize, i: u32): usize {
  return <usize>load<u32>(sorted + ((<usize>i) << 2));
}

/** The key after prev in sorted order (the first key when prev is 0); 0 after the last. */
export function tableNextKey(t: usize, prev: usize): usize {
  const count = tableCount(t);
  if (count == 0) return 0;
  const sorted = sortedEntries(t);
  let next: u32 = 0;
  if (prev != 0) {
    const e = tableFind(t, prev);
    if (e == 0) return 0;
    next = load<u32>(e, 16) + 1;
  }
  return next < count ? entryKey(sortedEntry(sorted, next)) : 0;
}

// ---- typed helpers

export function objectGet(obj: usize, key: usize): usize {
  const e = tableFind(obj, key);
  return e != 0 ? entryValue(e) : 0;
}

export function setAdd(set: usize, v: usize): void {
  if (tableFind(set, v) == 0) tablePut(set, v, v);
}

export function setContains(set: usize, v: usize): bool {
  return tableFind(set, v) != 0;
}

export function isCollection(v: usize): bool {
  if (v == 0) return false;
  const t = typeOf(v);
  return t == TYPE_ARRAY || t == TYPE_OBJECT || t == TYPE_SET;
}
