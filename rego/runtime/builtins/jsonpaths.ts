// json.filter and json.remove: keep or drop the parts of a document named by paths ("a/b/0" strings, JSON
// pointer escaping, or arrays of path segments).
//
// The paths become a tree of objects: each key maps to the subtree below it, or to null when the whole value at
// that key is selected.

import {
  TYPE_ARRAY, TYPE_NULL, TYPE_OBJECT, TYPE_SET, TYPE_STRING, copyString, makeNull, stringData, stringLen, typeOf,
} from "../value";
import {
  arrayAppend, arrayAt, arrayLen, entryKey, entryValue, makeArray, makeObject, makeSet, objectGet, setAdd,
  sortedEntries, sortedEntry, tableCount, tablePut,
} from "../collections";
import { makeInt } from "../number";
import { alloc } from "../memory";
import { writeI64, newWriter } from "../writer";
import { elementAt, elementCount, elementsOf, isArrayOrSet, isObject } from "./args";

/** Adds one path to the tree; false when the path is malformed. */
function addPath(tree: usize, path: usize): bool {
  if (path == 0) return false;
  const t = typeOf(path);
  if (t == TYPE_STRING) return addSegments(tree, splitPointer(path));
  if (t == TYPE_ARRAY) return addSegments(tree, path);
  return false;
}

function addSegments(tree: usize, segments: usize): bool {
  const n = arrayLen(segments);
  let node = tree;
  for (let i: u32 = 0; i < n; i++) {
    const key = arrayAt(segments, i);
    const last = i + 1 == n;
    const existing = objectGet(node, key);
    // A shorter path already selects everything below it.
    if (existing != 0 && typeOf(existing) == TYPE_NULL) return true;
    if (last) {
      tablePut(node, key, makeNull());
      return true;
    }
    if (existing == 0) {
      const child = makeObject();
      tablePut(node, key, child);
      node = child;
    } else {
      node = existing;
    }
  }
  return true;
}

/** "/a/b~1c" -> ["a", "b/c"]: a leading slash is optional, "~1" is "/" and "~0" is "~". */
function splitPointer(s: usize): usize {
  const p = stringData(s);
  const n = <usize>stringLen(s);
  const out = makeArray(0);
  let i: usize = n > 0 && load<u8>(p) == 47 ? 1 : 0;
  if (i == n && n > 0) return out;
  const buf = alloc(n);
  let len: usize = 0;
  for (; i <= n; i++) {
    if (i == n || load<u8>(p + i) == 47) {
      arrayAppend(out, copyString(buf, <u32>len));
      len = 0;
      continue;
    }
    let c = load<u8>(p + i);
    if (c == 126 && i + 1 < n && (load<u8>(p + i + 1) == 48 || load<u8>(p + i + 1) == 49)) {
      c = load<u8>(p + i + 1) == 48 ? 126 : 47;
      i++;
    }
    store<u8>(buf + len++, c);
  }
  return out;
}

function buildTree(paths: usize): usize {
  if (!isArrayOrSet(paths)) return 0;
  const tree = makeObject();
  const sorted = elementsOf(paths);
  const n = elementCount(paths);
  for (let i: u32 = 0; i < n; i++) if (!addPath(tree, elementAt(paths, sorted, i))) return 0;
  return tree;
}

/** The subtree for array index i: keyed by the number or by its decimal text. */
function indexSubtree(tree: usize, i: u32): usize {
  const byNumber = objectGet(tree, makeInt(i));
  if (byNumber != 0) return byNumber;
  const w = newWriter(12);
  writeI64(w, i);
  return objectGet(tree, copyString(w.buf, <u32>w.len));
}

function isLeaf(subtree: usize): bool {
  return typeOf(subtree) == TYPE_NULL;
}

function filterValue(v: usize, tree: usize): usize {
  const t = typeOf(v);
  if (t == TYPE_OBJECT) {
    const out = makeObject();
    const n = tableCount(v);
    if (n == 0) return out;
    const sorted = sortedEntries(v);
    for (let i: u32 = 0; i < n; i++) {
      const e = sortedEntry(sorted, i);
      const sub = objectGet(tree, entryKey(e));
      if (sub != 0) tablePut(out, entryKey(e), isLeaf(sub) ? entryValue(e) : filterValue(entryValue(e), sub));
    }
    return out;
  }
  if (t == TYPE_ARRAY) {
    const out = makeArray(0);
    const n = arrayLen(v);
    for (let i: u32 = 0; i < n; i++) {
      const sub = indexSubtree(tree, i);
      if (sub != 0) arrayAppend(out, isLeaf(sub) ? arrayAt(v, i) : filterValue(arrayAt(v, i), sub));
    }
    return out;
  }
  if (t == TYPE_SET) {
    const out = makeSet();
    const n = tableCount(v);
    if (n == 0) return out;
    const sorted = sortedEntries(v);
    for (let i: u32 = 0; i < n; i++) {
      const x = entryKey(sortedEntry(sorted, i));
      const sub = objectGet(tree, x);
      if (sub != 0) setAdd(out, isLeaf(sub) ? x : filterValue(x, sub));
    }
    return out;
  }
  return v;
}

function removeFrom(v: usize, tree: usize): usize {
  const t = typeOf(v);
  if (t == TYPE_OBJECT) {
    const out = makeObject();
    const n = tableCount(v);
    if (n == 0) return out;
    const sorted = sortedEntries(v);
    for (let i: u32 = 0; i < n; i++) {
      const e = sortedEntry(sorted, i);
      const sub = objectGet(tree, entryKey(e));
      if (sub == 0) tablePut(out, entryKey(e), entryValue(e));
      else if (!isLeaf(sub)) tablePut(out, entryKey(e), removeFrom(entryValue(e), sub));
    }
    return out;
  }
  if (t == TYPE_ARRAY) {
    const out = makeArray(0);
    const n = arrayLen(v);
    for (let i: u32 = 0; i < n; i++) {
      const sub = indexSubtree(tree, i);
      if (sub == 0) arrayAppend(out, arrayAt(v, i));
      else if (!isLeaf(sub)) arrayAppend(out, removeFrom(arrayAt(v, i), sub));
    }
    return out;
  }
  if (t == TYPE_SET) {
    const out = makeSet();
    const n = tableCount(v);
    if (n == 0) return out;
    const sorted = sortedEntries(v);
    for (let i: u32 = 0; i < n; i++) {
      const x = entryKey(sortedEntry(sorted, i));
      const sub = objectGet(tree, x);
      if (sub == 0) setAdd(out, x);
      else if (!isLeaf(sub)) setAdd(out, removeFrom(x, sub));
    }
    return out;
  }
  return v;
}

export function jsonFilter(obj: usize, paths: usize): usize {
  if (!isObject(obj)) return 0;
  const tree = buildTree(paths);
  return tree != 0 ? filterValue(obj, tree) : 0;
}

export function jsonRemove(obj: usize, paths: usize): usize {
  if (!isObject(obj)) return 0;
  const tree = buildTree(paths);
  return tree != 0 ? removeFrom(obj, tree) : 0;
}
