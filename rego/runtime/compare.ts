// OPA's total order over values (null < boolean < number < string < array < object < set), equality, and a hash
// consistent with equality for the hash tables.

import {
  TYPE_ARRAY, TYPE_BOOLEAN, TYPE_NULL, TYPE_NUMBER, TYPE_OBJECT, TYPE_STRING, boolValue, setStringHashCache,
  stringData, stringHashCache, stringLen, typeOf,
} from "./value";
import { compareNumbers, hashNumber } from "./number";
import { arrayAt, arrayLen, entryKey, entryValue, sortedEntries, sortedEntry, tableCount } from "./collections";

function compareBytes(a: usize, alen: u32, b: usize, blen: u32): i32 {
  const n = alen < blen ? alen : blen;
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u8>(a + i);
    const y = load<u8>(b + i);
    if (x != y) return x < y ? -1 : 1;
  }
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

function compareLengths(a: u32, b: u32): i32 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** <0, 0, >0. Undefined (0) sorts before every value. */
export function compareValues(a: usize, b: usize): i32 {
  if (a == b) return 0;
  if (a == 0) return -1;
  if (b == 0) return 1;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case TYPE_NULL:
      return 0;
    case TYPE_BOOLEAN: {
      const x = boolValue(a);
      return x == boolValue(b) ? 0 : x ? 1 : -1;
    }
    case TYPE_NUMBER:
      return compareNumbers(a, b);
    case TYPE_STRING:
      return compareBytes(stringData(a), stringLen(a), stringData(b), stringLen(b));
    case TYPE_ARRAY:
      return compareArrays(a, b);
    default:
      return compareTables(a, b, ta == TYPE_OBJECT);
  }
}

function compareArrays(a: usize, b: usize): i32 {
  const na = arrayLen(a);
  const nb = arrayLen(b);
  const n = na < nb ? na : nb;
  for (let i: u32 = 0; i < n; i++) {
    const c = compareValues(arrayAt(a, i), arrayAt(b, i));
    if (c != 0) return c;
  }
  return compareLengths(na, nb);
}

/** Objects: key by key in sorted order, each key then its value; sets: element by element; then by size. */
function compareTables(a: usize, b: usize, withValues: bool): i32 {
  const na = tableCount(a);
  const nb = tableCount(b);
  const n = na < nb ? na : nb;
  if (n > 0) {
    const sa = sortedEntries(a);
    const sb = sortedEntries(b);
    for (let i: u32 = 0; i < n; i++) {
      const ea = sortedEntry(sa, i);
      const eb = sortedEntry(sb, i);
      let c = compareValues(entryKey(ea), entryKey(eb));
      if (c != 0) return c;
      if (withValues) {
        c = compareValues(entryValue(ea), entryValue(eb));
        if (c != 0) return c;
      }
    }
  }
  return compareLengths(na, nb);
}

/** n bytes at a and b are equal. Eight at a time, unaligned: keys are short, and a call to memory.compare (which
 * aligns first and returns an order) costs more than comparing them. */
export function bytesEqual(a: usize, b: usize, n: usize): bool {
  if (a == b) return true;
  while (n >= 8) {
    if (load<u64>(a) != load<u64>(b)) return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  while (n > 0) {
    if (load<u8>(a) != load<u8>(b)) return false;
    a++;
    b++;
    n--;
  }
  return true;
}

/** Two strings (both of TYPE_STRING) hold the same bytes. */
// @ts-ignore: decorator
@inline export function stringsEqual(a: usize, b: usize): bool {
  const n = stringLen(a);
  return n == stringLen(b) && bytesEqual(stringData(a), stringData(b), n);
}

export function valuesEqual(a: usize, b: usize): bool {
  if (a == b) return true;
  if (a == 0 || b == 0) return false;
  const t = typeOf(a);
  if (t != typeOf(b)) return false;
  if (t == TYPE_STRING) return stringsEqual(a, b);
  if (t == TYPE_ARRAY && arrayLen(a) != arrayLen(b)) return false;
  if (t >= TYPE_OBJECT && tableCount(a) != tableCount(b)) return false;
  return compareValues(a, b) == 0;
}

// ---- hashing

// FNV-1a over bytes; json.ts hashes object keys with the same constants while it scans them.
export const FNV_OFFSET: u32 = 0x811c9dc5;
export const FNV_PRIME: u32 = 0x01000193;

// @ts-ignore: decorator
@inline function mix(h: u32, x: u32): u32 {
  return (h ^ x) * FNV_PRIME;
}

function fold64(x: u64): u32 {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccd;
  x ^= x >> 33;
  return <u32>x;
}

export function hashBytes(p: usize, n: u32): u32 {
  let h = FNV_OFFSET;
  for (let i: u32 = 0; i < n; i++) h = mix(h, load<u8>(p + i));
  // Zero marks "not computed" in a string's cache.
  return h == 0 ? 1 : h;
}

export function hashValue(v: usize): u32 {
  // Most keys are strings hashed before (constants, parsed object keys): no dispatch for them.
  if (typeOf(v) == TYPE_STRING) {
    const cached = stringHashCache(v);
    if (cached != 0) return cached;
  }
  switch (typeOf(v)) {
    case TYPE_NULL:
      return 0x9e3779b9;
    case TYPE_BOOLEAN:
      return boolValue(v) ? 0x7f4a7c15 : 0x3c6ef372;
    case TYPE_NUMBER:
      return fold64(hashNumber(v));
    case TYPE_STRING: {
      let h = stringHashCache(v);
      if (h == 0) {
        h = hashBytes(stringData(v), stringLen(v));
        setStringHashCache(v, h);
      }
      return h;
    }
    case TYPE_ARRAY: {
      let h: u32 = 0x5bd1e995;
      const n = arrayLen(v);
      for (let i: u32 = 0; i < n; i++) h = mix(h, hashValue(arrayAt(v, i)));
      return h;
    }
    default:
      return hashTable(v);
  }
}

/** Order-independent: a sum over entries, so equal tables hash alike whatever their insertion order. */
function hashTable(t: usize): u32 {
  let h: u32 = typeOf(t) == TYPE_OBJECT ? 0x27d4eb2f : 0x165667b1;
  const buckets = <usize>load<u32>(t, 12);
  const nb = load<u32>(t, 8);
  const isObject = typeOf(t) == TYPE_OBJECT;
  for (let i: u32 = 0; i < nb; i++) {
    let e = <usize>load<u32>(buckets + ((<usize>i) << 2));
    while (e != 0) {
      const kh = load<u32>(e, 8);
      h += isObject ? mix(kh, hashValue(entryValue(e))) : kh;
      e = <usize>load<u32>(e, 12);
    }
  }
  return h;
}
