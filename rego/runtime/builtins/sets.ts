// Set algebra: `&`, `|`, set difference, and intersection/union over a set of sets.

import { entryKey, makeSet, setAdd, setContains, sortedEntries, sortedEntry, tableCount } from "../collections";
import { isSet } from "./args";

function addAll(target: usize, source: usize): void {
  const n = tableCount(source);
  if (n == 0) return;
  const sorted = sortedEntries(source);
  for (let i: u32 = 0; i < n; i++) setAdd(target, entryKey(sortedEntry(sorted, i)));
}

/** Elements of a that are (keep = true) or are not (keep = false) in b. */
function filterBy(a: usize, b: usize, keep: bool): usize {
  const out = makeSet();
  const n = tableCount(a);
  if (n == 0) return out;
  const sorted = sortedEntries(a);
  for (let i: u32 = 0; i < n; i++) {
    const x = entryKey(sortedEntry(sorted, i));
    if (setContains(b, x) == keep) setAdd(out, x);
  }
  return out;
}

export function setAnd(a: usize, b: usize): usize {
  if (!isSet(a) || !isSet(b)) return 0;
  return filterBy(a, b, true);
}

export function setOr(a: usize, b: usize): usize {
  if (!isSet(a) || !isSet(b)) return 0;
  const out = makeSet();
  addAll(out, a);
  addAll(out, b);
  return out;
}

export function setDiff(a: usize, b: usize): usize {
  if (!isSet(a) || !isSet(b)) return 0;
  return filterBy(a, b, false);
}

/** intersection({s1, s2, ...}); the intersection of no sets is the empty set. */
export function intersection(sets: usize): usize {
  if (!isSet(sets)) return 0;
  const n = tableCount(sets);
  if (n == 0) return makeSet();
  const sorted = sortedEntries(sets);
  for (let i: u32 = 0; i < n; i++) if (!isSet(entryKey(sortedEntry(sorted, i)))) return 0;
  let acc = entryKey(sortedEntry(sorted, 0));
  for (let i: u32 = 1; i < n; i++) acc = filterBy(acc, entryKey(sortedEntry(sorted, i)), true);
  return n == 1 ? filterBy(acc, acc, true) : acc;
}

export function union(sets: usize): usize {
  if (!isSet(sets)) return 0;
  const out = makeSet();
  const n = tableCount(sets);
  if (n == 0) return out;
  const sorted = sortedEntries(sets);
  for (let i: u32 = 0; i < n; i++) {
    const s = entryKey(sortedEntry(sorted, i));
    if (!isSet(s)) return 0;
    addAll(out, s);
  }
  return out;
}
