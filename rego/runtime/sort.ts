// Stable merge sort of pointer arrays in OPA's value order: used for `sort`, and for the sorted view of objects
// and sets that iteration, comparison and output need.

import { alloc } from "./memory";
import { compareValues } from "./compare";

// @ts-ignore: decorator
@inline function at(base: usize, i: u32): usize {
  return <usize>load<u32>(base + ((<usize>i) << 2));
}

/** The value a slot orders by: the value itself, or, for hash-table entries, the entry's key (first field). */
// @ts-ignore: decorator
@inline function sortKey(p: usize, byEntryKey: bool): usize {
  return byEntryKey ? <usize>load<u32>(p) : p;
}

/** Up to this many pointers are sorted in place by insertion (no scratch buffer): most sets and objects a policy
 * builds are this small. */
const SMALL: u32 = 8;

/** Stable: an element moves left only past strictly greater ones. */
function insertionSort(base: usize, n: u32, byEntryKey: bool): void {
  for (let i: u32 = 1; i < n; i++) {
    const p = at(base, i);
    let j = i;
    while (j > 0 && compareValues(sortKey(at(base, j - 1), byEntryKey), sortKey(p, byEntryKey)) > 0) {
      store<u32>(base + ((<usize>j) << 2), <u32>at(base, j - 1));
      j--;
    }
    store<u32>(base + ((<usize>j) << 2), <u32>p);
  }
}

function merge(src: usize, dst: usize, lo: u32, mid: u32, hi: u32, byEntryKey: bool): void {
  let i = lo;
  let j = mid;
  for (let k = lo; k < hi; k++) {
    let takeLeft: bool;
    if (i >= mid) takeLeft = false;
    else if (j >= hi) takeLeft = true;
    else takeLeft = compareValues(sortKey(at(src, i), byEntryKey), sortKey(at(src, j), byEntryKey)) <= 0;
    store<u32>(dst + ((<usize>k) << 2), <u32>(takeLeft ? at(src, i++) : at(src, j++)));
  }
}

/** Sorts n pointers at base in place. */
export function sortPointers(base: usize, n: u32, byEntryKey: bool): void {
  if (n < 2) return;
  if (n <= SMALL) {
    insertionSort(base, n, byEntryKey);
    return;
  }
  const bytes = (<usize>n) << 2;
  let src = base;
  let dst = alloc(bytes);
  for (let width: u32 = 1; width < n; width <<= 1) {
    for (let lo: u32 = 0; lo < n; lo += width << 1) {
      const mid = lo + width < n ? lo + width : n;
      const hi = lo + (width << 1) < n ? lo + (width << 1) : n;
      merge(src, dst, lo, mid, hi, byEntryKey);
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != base) memory.copy(base, src, bytes);
}
