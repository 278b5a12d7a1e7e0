// object.get, object.keys, object.remove, object.union, object.union_n, object.filter, object.subset.

import { TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, makeBool, typeOf } from "../value";
import {
  arrayAt, arrayLen, entryKey, entryValue, makeObject, makeSet, objectGet, setAdd, setContains, sortedEntries,
  sortedEntry, tableCount, tableFind, tablePut,
} from "../collections";
import { valuesEqual } from "../compare";
import { valueGet } from "../access";
import { isArray, isObject } from "./args";

/** object.get(obj, key, default): obj[key], or obj along the path when key is an array; default if absent. */
export function objectGetOr(obj: usize, key: usize, fallback: usize): usize {
  if (!isObject(obj) || key == 0 || fallback == 0) return 0;
  if (!isArray(key)) {
    const v = objectGet(obj, key);
    return v != 0 ? v : fallback;
  }
  let node = obj;
  const n = arrayLen(key);
  for (let i: u32 = 0; i < n && node != 0; i++) node = valueGet(node, arrayAt(key, i));
  return node != 0 ? node : fallback;
}

export function objectKeys(obj: usize): usize {
  if (!isObject(obj)) return 0;
  const out = makeSet();
  const n = tableCount(obj);
  if (n == 0) return out;
  const sorted = sortedEntries(obj);
  for (let i: u32 = 0; i < n; i++) setAdd(out, entryKey(sortedEntry(sorted, i)));
  return out;
}

/** The keys named by an array, a set, or an object's keys, as a set; 0 for other types. */
function keySet(keys: usize): usize {
  if (keys == 0) return 0;
  const t = typeOf(keys);
  if (t == TYPE_SET) return keys;
  if (t == TYPE_OBJECT) return objectKeys(keys);
  if (t != TYPE_ARRAY) return 0;
  const out = makeSet();
  const n = arrayLen(keys);
  for (let i: u32 = 0; i < n; i++) setAdd(out, arrayAt(keys, i));
  return out;
}

/** The entries of obj whose key is (keep) or is not (!keep) among keys. */
function selectKeys(obj: usize, keys: usize, keep: bool): usize {
  if (!isObject(obj)) return 0;
  const wanted = keySet(keys);
  if (wanted == 0) return 0;
  const out = makeObject();
  const n = tableCount(obj);
  if (n == 0) return out;
  const sorted = sortedEntries(obj);
  for (let i: u32 = 0; i < n; i++) {
    const e = sortedEntry(sorted, i);
    if (setContains(wanted, entryKey(e)) == keep) tablePut(out, entryKey(e), entryValue(e));
  }
  return out;
}

export function objectRemove(obj: usize, keys: usize): usize {
  return selectKeys(obj, keys, false);
}

export function objectFilter(obj: usize, keys: usize): usize {
  return selectKeys(obj, keys, true);
}

/** Recursive merge where b wins, except that two objects under the same key are merged in turn. */
function unionOf(a: usize, b: usize): usize {
  const out = makeObject();
  copyEntries(out, a);
  const n = tableCount(b);
  if (n == 0) return out;
  const sorted = sortedEntries(b);
  for (let i: u32 = 0; i < n; i++) {
    const e = sortedEntry(sorted, i);
    const mine = objectGet(out, entryKey(e));
    const theirs = entryValue(e);
    tablePut(out, entryKey(e), mine != 0 && isObject(mine) && isObject(theirs) ? unionOf(mine, theirs) : theirs);
  }
  return out;
}

function copyEntries(target: usize, source: usize): void {
  const n = tableCount(source);
  if (n == 0) return;
  const sorted = sortedEntries(source);
  for (let i: u32 = 0; i < n; i++) {
    const e = sortedEntry(sorted, i);
    tablePut(target, entryKey(e), entryValue(e));
  }
}

export function objectUnion(a: usize, b: usize): usize {
  if (!isObject(a) || !isObject(b)) return 0;
  return unionOf(a, b);
}

/** object.union_n([o1, o2, ...]): left to right, later objects win. */
export function objectUnionN(objs: usize): usize {
  if (!isArray(objs)) return 0;
  let acc = makeObject();
  const n = arrayLen(objs);
  for (let i: u32 = 0; i < n; i++) {
    const o = arrayAt(objs, i);
    if (!isObject(o)) return 0;
    acc = unionOf(acc, o);
  }
  return acc;
}

/** object.subset(super, sub): objects recursively by key, sets by inclusion, arrays as a contiguous run, and a
 * set within an array by membership. Other combinations are a type error (undefined). */
export function objectSubset(sup: usize, sub: usize): usize {
  if (sup == 0 || sub == 0 || !subsetOperands(typeOf(sup), typeOf(sub))) return 0;
  return makeBool(isSubset(sup, sub));
}

function subsetOperands(sup: u8, sub: u8): bool {
  return (sup == sub && (sup == TYPE_OBJECT || sup == TYPE_SET || sup == TYPE_ARRAY)) ||
    (sup == TYPE_ARRAY && sub == TYPE_SET);
}

function isSubset(sup: usize, sub: usize): bool {
  const ts = typeOf(sup);
  const tb = typeOf(sub);
  if (!subsetOperands(ts, tb)) return valuesEqual(sup, sub);
  if (ts == TYPE_OBJECT) return objectIsSubset(sup, sub);
  if (ts == TYPE_SET) return setIsSubset(sup, sub);
  if (tb == TYPE_SET) return setInArray(sup, sub);
  return arrayContainsRun(sup, sub);
}

function objectIsSubset(sup: usize, sub: usize): bool {
  const n = tableCount(sub);
  if (n == 0) return true;
  const sorted = sortedEntries(sub);
  for (let i: u32 = 0; i < n; i++) {
    const e = sortedEntry(sorted, i);
    const mine = objectGet(sup, entryKey(e));
    if (mine == 0 || !isSubset(mine, entryValue(e))) return false;
  }
  return true;
}

function setIsSubset(sup: usize, sub: usize): bool {
  const n = tableCount(sub);
  if (n == 0) return true;
  const sorted = sortedEntries(sub);
  for (let i: u32 = 0; i < n; i++) if (tableFind(sup, entryKey(sortedEntry(sorted, i))) == 0) return false;
  return true;
}

function setInArray(arr: usize, sub: usize): bool {
  const n = tableCount(sub);
  if (n == 0) return true;
  const sorted = sortedEntries(sub);
  const len = arrayLen(arr);
  for (let i: u32 = 0; i < n; i++) {
    const x = entryKey(sortedEntry(sorted, i));
    let found = false;
    for (let j: u32 = 0; j < len && !found; j++) found = valuesEqual(arrayAt(arr, j), x);
    if (!found) return false;
  }
  return true;
}

function arrayContainsRun(sup: usize, sub: usize): bool {
  const n = arrayLen(sup);
  const m = arrayLen(sub);
  if (m == 0) return true;
  for (let start: u32 = 0; start + m <= n; start++) {
    let match = true;
    for (let j: u32 = 0; j < m && match; j++) match = valuesEqual(arrayAt(sup, start + j), arrayAt(sub, j));
    if (match) return true;
  }
  return false;
}
