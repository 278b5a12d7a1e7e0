// Character classes for regex.match: growable lists of inclusive code point ranges, RE2's named classes (Perl
// \d \s \w and POSIX [:name:], all ASCII as in RE2) and case folding for (?i).

import { alloc, realloc } from "../memory";
import { mapCase } from "./casing";

export const MAX_RUNE: u32 = 0x10ffff;

@unmanaged
export class RangeList {
  ptr: usize;
  len: u32;
  cap: u32;
}

export function newRangeList(): RangeList {
  const l = changetype<RangeList>(alloc(offsetof<RangeList>()));
  l.cap = 4;
  l.len = 0;
  l.ptr = alloc(<usize>l.cap << 3);
  return l;
}

export function addRange(l: RangeList, lo: u32, hi: u32): void {
  if (l.len == l.cap) {
    l.ptr = realloc(l.ptr, <usize>l.cap << 3, <usize>l.cap << 4);
    l.cap <<= 1;
  }
  store<u32>(l.ptr + (<usize>l.len << 3), lo);
  store<u32>(l.ptr + (<usize>l.len << 3), hi, 4);
  l.len++;
}

export function rangeLo(l: RangeList, i: u32): u32 {
  return load<u32>(l.ptr + (<usize>i << 3));
}

export function rangeHi(l: RangeList, i: u32): u32 {
  return load<u32>(l.ptr + (<usize>i << 3), 4);
}

// Named classes as flat [lo, hi, lo, hi, ...] tables, sorted (so their complement is easy to take).
const DIGIT = memory.data<u32>([0x30, 0x39]);
const SPACE_PERL = memory.data<u32>([0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20]);
const WORD = memory.data<u32>([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
const ALNUM = memory.data<u32>([0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a]);
const ALPHA = memory.data<u32>([0x41, 0x5a, 0x61, 0x7a]);
const ASCII = memory.data<u32>([0x00, 0x7f]);
const BLANK = memory.data<u32>([0x09, 0x09, 0x20, 0x20]);
const CNTRL = memory.data<u32>([0x00, 0x1f, 0x7f, 0x7f]);
const GRAPH = memory.data<u32>([0x21, 0x7e]);
const LOWER = memory.data<u32>([0x61, 0x7a]);
const PRINT = memory.data<u32>([0x20, 0x7e]);
const PUNCT = memory.data<u32>([0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e]);
const SPACE_POSIX = memory.data<u32>([0x09, 0x0d, 0x20, 0x20]);
const UPPER = memory.data<u32>([0x41, 0x5a]);
const XDIGIT = memory.data<u32>([0x30, 0x39, 0x41, 0x46, 0x61, 0x66]);
const ANY = memory.data<u32>([0, MAX_RUNE]);

/** A named table: pointer in the low 32 bits, range count above. */
function table(ptr: usize, ranges: u32): u64 {
  return (<u64>ranges << 32) | <u64>ptr;
}

export function asciiTable(): u64 {
  return table(ASCII, 1);
}

/** \p{Any}. */
export function anyTable(): u64 {
  return table(ANY, 1);
}

/** The table for a Perl class letter (d, s, w, any case); 0 when c is not one. */
export function perlClass(c: u32): u64 {
  const lower = c | 0x20;
  if (lower == 0x64) return table(DIGIT, 1);
  if (lower == 0x73) return table(SPACE_PERL, 3);
  if (lower == 0x77) return table(WORD, 4);
  return 0;
}

function nameIs(p: usize, n: usize, name: string): bool {
  if (<usize>name.length != n) return false;
  for (let i: usize = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>name.charCodeAt(<i32>i)) return false;
  return true;
}

/** The table for a POSIX class name (the text between `[:` and `:]`, without `^`); 0 when unknown. */
export function posixClass(p: usize, n: usize): u64 {
  if (nameIs(p, n, "alnum")) return table(ALNUM, 3);
  if (nameIs(p, n, "alpha")) return table(ALPHA, 2);
  if (nameIs(p, n, "ascii")) return table(ASCII, 1);
  if (nameIs(p, n, "blank")) return table(BLANK, 2);
  if (nameIs(p, n, "cntrl")) return table(CNTRL, 2);
  if (nameIs(p, n, "digit")) return table(DIGIT, 1);
  if (nameIs(p, n, "graph")) return table(GRAPH, 1);
  if (nameIs(p, n, "lower")) return table(LOWER, 1);
  if (nameIs(p, n, "print")) return table(PRINT, 1);
  if (nameIs(p, n, "punct")) return table(PUNCT, 4);
  if (nameIs(p, n, "space")) return table(SPACE_POSIX, 2);
  if (nameIs(p, n, "upper")) return table(UPPER, 1);
  if (nameIs(p, n, "word")) return table(WORD, 4);
  if (nameIs(p, n, "xdigit")) return table(XDIGIT, 3);
  return 0;
}

function addTableRanges(l: RangeList, t: u64, fold: bool): void {
  const ptr = <usize>(t & 0xffffffff);
  const n = <u32>(t >> 32);
  for (let i: u32 = 0; i < n; i++) {
    const range = ptr + (<usize>i << 3);
    addClassRange(l, load<u32>(range), load<u32>(range, 4), fold);
  }
}

/** Appends a named table, or its complement (within 0..MAX_RUNE), folding each range when fold is set. */
export function addTable(l: RangeList, t: u64, negated: bool, fold: bool): void {
  if (!negated) {
    addTableRanges(l, t, fold);
    return;
  }
  // Go folds the class first and then negates it.
  const positive = newRangeList();
  addTableRanges(positive, t, fold);
  addComplement(l, positive);
}

/** Pairs as u64 keys (lo above hi) so that sorting keys sorts ranges by their start. */
function keyAt(buf: usize, i: u32): u64 {
  return load<u64>(buf + (<usize>i << 3));
}

/** Bottom-up merge sort of n u64 keys at buf. */
function sortKeys(buf: usize, n: u32): void {
  let src = buf;
  let dst = alloc(<usize>n << 3);
  for (let width: u32 = 1; width < n; width <<= 1) {
    for (let lo: u32 = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n);
      const hi = min(lo + (width << 1), n);
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        const takeLeft = i < mid && (j >= hi || keyAt(src, i) <= keyAt(src, j));
        store<u64>(dst + (<usize>k << 3), takeLeft ? keyAt(src, i++) : keyAt(src, j++));
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != buf) memory.copy(buf, src, <usize>n << 3);
}

/** Sorts the ranges and merges overlapping and adjacent ones, so that lookups can bisect. */
export function normalize(l: RangeList): void {
  if (l.len < 2) return;
  const keys = alloc(<usize>l.len << 3);
  for (let i: u32 = 0; i < l.len; i++) {
    store<u64>(keys + (<usize>i << 3), (<u64>rangeLo(l, i) << 32) | <u64>rangeHi(l, i));
  }
  sortKeys(keys, l.len);
  let out: u32 = 0;
  for (let i: u32 = 0; i < l.len; i++) {
    const lo = <u32>(keyAt(keys, i) >> 32);
    const hi = <u32>keyAt(keys, i);
    const last = l.ptr + (<usize>(out - 1) << 3);
    if (out > 0 && lo <= load<u32>(last, 4) + 1) {
      if (hi > load<u32>(last, 4)) store<u32>(last, hi, 4);
      continue;
    }
    store<u32>(l.ptr + (<usize>out << 3), lo);
    store<u32>(l.ptr + (<usize>out << 3), hi, 4);
    out++;
  }
  l.len = out;
}

/** Appends the complement of src within 0..MAX_RUNE. */
function addComplement(l: RangeList, src: RangeList): void {
  normalize(src);
  let from: u32 = 0;
  for (let i: u32 = 0; i < src.len; i++) {
    if (rangeLo(src, i) > from) addRange(l, from, rangeLo(src, i) - 1);
    from = rangeHi(src, i) + 1;
  }
  if (from <= MAX_RUNE) addRange(l, from, MAX_RUNE);
}

// Case folding orbits that simple upper/lower mapping does not reach (Go's unicode.SimpleFold), keyed by the
// upper-case letter: K and the Kelvin sign, S and long s, Å and the angstrom sign, Greek letter variants.
const EXTRA_FOLDS = memory.data<u32>([
  0x4b, 0x212a, 0x53, 0x17f, 0xc5, 0x212b, 0x3a9, 0x2126, 0x39c, 0xb5, 0x3a3, 0x3c2, 0x399, 0x345, 0x399, 0x1fbe,
  0x392, 0x3d0, 0x395, 0x3f5, 0x398, 0x3d1, 0x398, 0x3f4, 0x39a, 0x3f0, 0x3a0, 0x3d6, 0x3a1, 0x3f1, 0x3a6, 0x3d5,
]);
const EXTRA_FOLD_COUNT: u32 = 16;

function addOutside(l: RangeList, r: u32, lo: u32, hi: u32): void {
  if (r < lo || r > hi) addRange(l, r, r);
}

/** Appends the runes outside [lo, hi] that fold to the same letter as r. */
function addFoldPartners(l: RangeList, r: u32, lo: u32, hi: u32): void {
  // Dotted and dotless i fold to nothing else in Go.
  if (r == 0x130 || r == 0x131) return;
  const upper = <u32>mapCase(r, true);
  addOutside(l, upper, lo, hi);
  addOutside(l, <u32>mapCase(upper, false), lo, hi);
  for (let i: u32 = 0; i < EXTRA_FOLD_COUNT; i++) {
    const key = load<u32>(EXTRA_FOLDS + (<usize>i << 3));
    const extra = load<u32>(EXTRA_FOLDS + (<usize>i << 3), 4);
    if (key == upper) addOutside(l, extra, lo, hi);
    if (extra == r) {
      addOutside(l, key, lo, hi);
      addOutside(l, <u32>mapCase(key, false), lo, hi);
    }
  }
}

// Below and above these no rune has a case fold (Go's minFold/maxFold).
const MIN_FOLD: u32 = 0x41;
const MAX_FOLD: u32 = 0x1e943;

export function addClassRange(l: RangeList, lo: u32, hi: u32, fold: bool): void {
  addRange(l, lo, hi);
  if (!fold || (lo <= MIN_FOLD && hi >= MAX_FOLD)) return;
  const from = lo > MIN_FOLD ? lo : MIN_FOLD;
  const to = hi < MAX_FOLD ? hi : MAX_FOLD;
  for (let r = from; r <= to; r++) addFoldPartners(l, r, lo, hi);
}
