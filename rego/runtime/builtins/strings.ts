// String builtins. Indexes and lengths count code points, as OPA's do; text is UTF-8.

import { TYPE_STRING, makeBool, makeString, stringData, stringLen, typeOf } from "../value";
import { makeInt } from "../number";
import { arrayAppend, makeArray } from "../collections";
import { Writer, newWriter, writeBytes } from "../writer";
import { countRunes, decodeRune, encodeUtf8, lastRuneStart, runeLength, runeOffset } from "../utf8";
import { alloc } from "../memory";
import { mapCase } from "./casing";
import { elementAt, elementCount, elementsOf, isArrayOrSet, isInt, int, isString } from "./args";

// @ts-ignore: decorator
@inline function data(s: usize): usize {
  return stringData(s);
}

// @ts-ignore: decorator
@inline function len(s: usize): usize {
  return <usize>stringLen(s);
}

function finish(w: Writer): usize {
  return makeString(w.buf, <u32>w.len);
}

/** Byte offset of needle in hay at or after from, or -1. */
function find(hay: usize, hn: usize, needle: usize, nn: usize, from: usize): isize {
  if (nn == 0) return from <= hn ? <isize>from : -1;
  if (nn > hn) return -1;
  const first = load<u8>(needle);
  for (let i = from; i + nn <= hn; i++) {
    if (load<u8>(hay + i) == first && memory.compare(hay + i, needle, nn) == 0) return <isize>i;
  }
  return -1;
}

function hasPrefix(s: usize, prefix: usize): bool {
  return len(prefix) <= len(s) && memory.compare(data(s), data(prefix), len(prefix)) == 0;
}

function hasSuffix(s: usize, suffix: usize): bool {
  return len(suffix) <= len(s) && memory.compare(data(s) + len(s) - len(suffix), data(suffix), len(suffix)) == 0;
}

/** A substring sharing the bytes of s. */
function slice(s: usize, from: usize, to: usize): usize {
  return makeString(data(s) + from, <u32>(to - from));
}

export function concat(delim: usize, xs: usize): usize {
  if (!isString(delim) || !isArrayOrSet(xs)) return 0;
  const n = elementCount(xs);
  const sorted = elementsOf(xs);
  const w = newWriter(64);
  for (let i: u32 = 0; i < n; i++) {
    const x = elementAt(xs, sorted, i);
    if (!isString(x)) return 0;
    if (i > 0) writeBytes(w, data(delim), len(delim));
    writeBytes(w, data(x), len(x));
  }
  return finish(w);
}

export function contains(s: usize, sub: usize): usize {
  if (!isString(s) || !isString(sub)) return 0;
  return makeBool(find(data(s), len(s), data(sub), len(sub), 0) >= 0);
}

export function startswith(s: usize, prefix: usize): usize {
  if (!isString(s) || !isString(prefix)) return 0;
  return makeBool(hasPrefix(s, prefix));
}

export function endswith(s: usize, suffix: usize): usize {
  if (!isString(s) || !isString(suffix)) return 0;
  return makeBool(hasSuffix(s, suffix));
}

/** Code point index of the first occurrence, or -1. */
export function indexof(s: usize, sub: usize): usize {
  if (!isString(s) || !isString(sub)) return 0;
  const at = find(data(s), len(s), data(sub), len(sub), 0);
  return makeInt(at < 0 ? -1 : countRunes(data(s), <usize>at));
}

const RUNE_SCRATCH = memory.data(4);

function mapRunes(s: usize, toUpper: bool): usize {
  if (!isString(s)) return 0;
  const p = data(s);
  const stop = p + len(s);
  const w = newWriter(len(s) + 4);
  for (let q = p; q < stop; ) {
    const n = runeLength(q, stop);
    if (n == 1 && load<u8>(q) >= 0x80) {
      // Invalid UTF-8 stays as it is.
      writeBytes(w, q, 1);
    } else {
      const k = encodeUtf8(RUNE_SCRATCH, mapCase(decodeRune(q, n), toUpper));
      writeBytes(w, RUNE_SCRATCH, k);
    }
    q += n;
  }
  return finish(w);
}

export function lower(s: usize): usize {
  return mapRunes(s, false);
}

export function upper(s: usize): usize {
  return mapRunes(s, true);
}

/** Every occurrence of old replaced; an empty old inserts new around every code point, as Go does. */
export function replace(s: usize, old: usize, neu: usize): usize {
  if (!isString(s) || !isString(old) || !isString(neu)) return 0;
  const p = data(s);
  const n = len(s);
  const w = newWriter(n + 16);
  if (len(old) == 0) {
    writeBytes(w, data(neu), len(neu));
    for (let q = p; q < p + n; ) {
      const k = runeLength(q, p + n);
      writeBytes(w, q, k);
      writeBytes(w, data(neu), len(neu));
      q += k;
    }
    return finish(w);
  }
  let from: usize = 0;
  while (true) {
    const at = find(p, n, data(old), len(old), from);
    if (at < 0) break;
    writeBytes(w, p + from, <usize>at - from);
    writeBytes(w, data(neu), len(neu));
    from = <usize>at + len(old);
  }
  writeBytes(w, p + from, n - from);
  return finish(w);
}

/** split(s, delim); an empty delimiter splits into code points. */
export function split(s: usize, delim: usize): usize {
  if (!isString(s) || !isString(delim)) return 0;
  const p = data(s);
  const n = len(s);
  const out = makeArray(0);
  if (len(delim) == 0) {
    for (let q: usize = 0; q < n; ) {
      const k = runeLength(p + q, p + n);
      arrayAppend(out, slice(s, q, q + k));
      q += k;
    }
    return out;
  }
  let from: usize = 0;
  while (true) {
    const at = find(p, n, data(delim), len(delim), from);
    if (at < 0) break;
    arrayAppend(out, slice(s, from, <usize>at));
    from = <usize>at + len(delim);
  }
  arrayAppend(out, slice(s, from, n));
  return out;
}

/** substring(s, start, length) in code points; a negative length means "to the end"; a negative start is an
 * error. */
export function substring(s: usize, start: usize, length: usize): usize {
  if (!isString(s) || !isInt(start) || !isInt(length)) return 0;
  const from = int(start);
  const count = int(length);
  if (from < 0) return 0;
  const p = data(s);
  const n = len(s);
  if (from > <i64>u32.MAX_VALUE) return makeString(p, 0);
  const begin = runeOffset(p, n, <u32>from);
  if (count < 0) return slice(s, begin, n);
  const size = count > <i64>u32.MAX_VALUE ? u32.MAX_VALUE : <u32>count;
  return slice(s, begin, begin + runeOffset(p + begin, n - begin, size));
}

function inCutset(cp: u32, cutset: usize): bool {
  const p = data(cutset);
  const stop = p + len(cutset);
  for (let q = p; q < stop; ) {
    const k = runeLength(q, stop);
    if (decodeRune(q, k) == cp) return true;
    q += k;
  }
  return false;
}

/** Byte offset after the leading code points in cutset. */
function leftCut(s: usize, cutset: usize): usize {
  const p = data(s);
  const stop = p + len(s);
  let q = p;
  while (q < stop) {
    const k = runeLength(q, stop);
    if (!inCutset(decodeRune(q, k), cutset)) break;
    q += k;
  }
  return q - p;
}

/** Byte offset where the trailing code points in cutset begin (not before from). */
function rightCut(s: usize, cutset: usize, from: usize): usize {
  const p = data(s);
  let end = len(s);
  while (end > from) {
    const start = lastRuneStart(p, from, end);
    if (!inCutset(decodeRune(p + start, end - start), cutset)) break;
    end = start;
  }
  return end;
}

export function trim(s: usize, cutset: usize): usize {
  if (!isString(s) || !isString(cutset)) return 0;
  const from = leftCut(s, cutset);
  return slice(s, from, rightCut(s, cutset, from));
}

export function trimLeft(s: usize, cutset: usize): usize {
  if (!isString(s) || !isString(cutset)) return 0;
  return slice(s, leftCut(s, cutset), len(s));
}

export function trimRight(s: usize, cutset: usize): usize {
  if (!isString(s) || !isString(cutset)) return 0;
  return slice(s, 0, rightCut(s, cutset, 0));
}

export function trimPrefix(s: usize, prefix: usize): usize {
  if (!isString(s) || !isString(prefix)) return 0;
  return hasPrefix(s, prefix) ? slice(s, len(prefix), len(s)) : s;
}

export function trimSuffix(s: usize, suffix: usize): usize {
  if (!isString(s) || !isString(suffix)) return 0;
  return hasSuffix(s, suffix) ? slice(s, 0, len(s) - len(suffix)) : s;
}

/** Go's unicode.IsSpace. */
function isSpace(cp: u32): bool {
  if (cp <= 0xff) return cp == 32 || (cp >= 9 && cp <= 13) || cp == 0x85 || cp == 0xa0;
  return cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
    cp == 0x205f || cp == 0x3000;
}

export function trimSpace(s: usize): usize {
  if (!isString(s)) return 0;
  const p = data(s);
  const stop = p + len(s);
  let q = p;
  while (q < stop) {
    const k = runeLength(q, stop);
    if (!isSpace(decodeRune(q, k))) break;
    q += k;
  }
  const from = q - p;
  let end = len(s);
  while (end > from) {
    const start = lastRuneStart(p, from, end);
    if (!isSpace(decodeRune(p + start, end - start))) break;
    end = start;
  }
  return slice(s, from, end);
}

export function stringsReverse(s: usize): usize {
  if (!isString(s)) return 0;
  const p = data(s);
  const n = len(s);
  const out = alloc(n);
  let o = n;
  for (let q: usize = 0; q < n; ) {
    const k = runeLength(p + q, p + n);
    o -= k;
    memory.copy(out + o, p + q, k);
    q += k;
  }
  return makeString(out, <u32>n);
}

/** Non-overlapping occurrences; an empty substring occurs between code points (count + 1 times). */
export function stringsCount(s: usize, sub: usize): usize {
  if (!isString(s) || !isString(sub)) return 0;
  if (len(sub) == 0) return makeInt(countRunes(data(s), len(s)) + 1);
  let count: i64 = 0;
  let from: usize = 0;
  while (true) {
    const at = find(data(s), len(s), data(sub), len(sub), from);
    if (at < 0) break;
    count++;
    from = <usize>at + len(sub);
  }
  return makeInt(count);
}

/** A string, or an array/set of strings: the operand shape of the any_*_match builtins. Returns false when a
 * value of another type is found. */
function validStrings(x: usize): bool {
  if (x == 0) return false;
  if (typeOf(x) == TYPE_STRING) return true;
  if (!isArrayOrSet(x)) return false;
  const n = elementCount(x);
  const sorted = elementsOf(x);
  for (let i: u32 = 0; i < n; i++) if (!isString(elementAt(x, sorted, i))) return false;
  return true;
}

function stringCount(x: usize): u32 {
  return typeOf(x) == TYPE_STRING ? 1 : elementCount(x);
}

function stringAt(x: usize, sorted: usize, i: u32): usize {
  return typeOf(x) == TYPE_STRING ? x : elementAt(x, sorted, i);
}

function anyMatch(search: usize, bases: usize, suffix: bool): usize {
  if (!validStrings(search) || !validStrings(bases)) return 0;
  const ss: usize = typeOf(search) == TYPE_STRING ? 0 : elementsOf(search);
  const sb: usize = typeOf(bases) == TYPE_STRING ? 0 : elementsOf(bases);
  const ns = stringCount(search);
  const nb = stringCount(bases);
  for (let i: u32 = 0; i < ns; i++) {
    const s = stringAt(search, ss, i);
    for (let j: u32 = 0; j < nb; j++) {
      const b = stringAt(bases, sb, j);
      if (suffix ? hasSuffix(s, b) : hasPrefix(s, b)) return makeBool(true);
    }
  }
  return makeBool(false);
}

export function anyPrefixMatch(search: usize, prefixes: usize): usize {
  return anyMatch(search, prefixes, false);
}

export function anySuffixMatch(search: usize, suffixes: usize): usize {
  return anyMatch(search, suffixes, true);
}

