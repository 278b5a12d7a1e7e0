// walk(x): every [path, value] pair in x, x itself first (path []), children in OPA's iteration order; and the
// variant OPA uses when the path is not wanted (`walk(x, [_, v])`), which yields children before their parent.

import { TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, typeOf } from "../value";
import {
  arrayAppend, arrayAt, arrayLen, entryKey, entryValue, makeArray, sortedEntries, sortedEntry, tableCount,
} from "../collections";
import { makeInt } from "../number";

function extended(path: usize, key: usize): usize {
  const n = arrayLen(path);
  const out = makeArray(n + 1);
  for (let i: u32 = 0; i < n; i++) arrayAppend(out, arrayAt(path, i));
  arrayAppend(out, key);
  return out;
}

function visit(out: usize, path: usize, v: usize): void {
  const pair = makeArray(2);
  arrayAppend(pair, path);
  arrayAppend(pair, v);
  arrayAppend(out, pair);
  const t = typeOf(v);
  if (t == TYPE_ARRAY) {
    const n = arrayLen(v);
    for (let i: u32 = 0; i < n; i++) visit(out, extended(path, makeInt(i)), arrayAt(v, i));
  } else if (t == TYPE_OBJECT || t == TYPE_SET) {
    const n = tableCount(v);
    if (n == 0) return;
    const sorted = sortedEntries(v);
    for (let i: u32 = 0; i < n; i++) {
      const e = sortedEntry(sorted, i);
      visit(out, extended(path, entryKey(e)), t == TYPE_OBJECT ? entryValue(e) : entryKey(e));
    }
  }
}

/** The array of all [path, value] pairs; the emitter iterates it, as walk is a relation. */
export function walk(x: usize): usize {
  if (x == 0) return 0;
  const out = makeArray(0);
  visit(out, makeArray(0), x);
  return out;
}

function visitValues(out: usize, noPath: usize, v: usize): void {
  const t = typeOf(v);
  if (t == TYPE_ARRAY) {
    const n = arrayLen(v);
    for (let i: u32 = 0; i < n; i++) visitValues(out, noPath, arrayAt(v, i));
  } else if (t == TYPE_OBJECT || t == TYPE_SET) {
    const n = tableCount(v);
    if (n > 0) {
      const sorted = sortedEntries(v);
      for (let i: u32 = 0; i < n; i++) {
        const e = sortedEntry(sorted, i);
        visitValues(out, noPath, t == TYPE_OBJECT ? entryValue(e) : entryKey(e));
      }
    }
  }
  const pair = makeArray(2);
  arrayAppend(pair, noPath);
  arrayAppend(pair, v);
  arrayAppend(out, pair);
}

/** walk(x, [_, v]): the [path, value] pairs in OPA's order for an unused path (post-order: each value after the
 * values inside it); every path is the same empty array, since nobody reads it. */
export function walkNoPath(x: usize): usize {
  if (x == 0) return 0;
  const out = makeArray(0);
  visitValues(out, makeArray(0), x);
  return out;
}
