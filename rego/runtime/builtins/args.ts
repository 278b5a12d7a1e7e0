// Argument helpers shared by the natives: type tests and uniform access to the elements of arrays and sets.

import { TYPE_ARRAY, TYPE_NUMBER, TYPE_OBJECT, TYPE_SET, TYPE_STRING, typeOf } from "../value";
import { arrayAt, arrayLen, entryKey, sortedEntries, sortedEntry, tableCount } from "../collections";
import { intValue, isSmallInt } from "../number";

export function isA(v: usize, t: u8): bool {
  return v != 0 && typeOf(v) == t;
}

export function isString(v: usize): bool {
  return isA(v, TYPE_STRING);
}

export function isNum(v: usize): bool {
  return isA(v, TYPE_NUMBER);
}

export function isObject(v: usize): bool {
  return isA(v, TYPE_OBJECT);
}

export function isSet(v: usize): bool {
  return isA(v, TYPE_SET);
}

export function isArray(v: usize): bool {
  return isA(v, TYPE_ARRAY);
}

/** An array or a set: the "collection of values" many builtins accept. */
export function isArrayOrSet(v: usize): bool {
  return isArray(v) || isSet(v);
}

/** Number of elements of an array or set. */
export function elementCount(v: usize): u32 {
  return typeOf(v) == TYPE_ARRAY ? arrayLen(v) : tableCount(v);
}

/** Sorted entries when v is a set (0 for arrays): fetch once, then pass to elementAt. */
export function elementsOf(v: usize): usize {
  return typeOf(v) == TYPE_SET && tableCount(v) > 0 ? sortedEntries(v) : 0;
}

/** The i-th element of an array, or of a set in sorted order (sorted from elementsOf). */
export function elementAt(v: usize, sorted: usize, i: u32): usize {
  return typeOf(v) == TYPE_ARRAY ? arrayAt(v, i) : entryKey(sortedEntry(sorted, i));
}

/** A plain integer argument (OPA's integer operands); false for non-numbers, fractions and huge values. */
export function isInt(v: usize): bool {
  return isNum(v) && isSmallInt(v);
}

export function int(v: usize): i64 {
  return intValue(v);
}
