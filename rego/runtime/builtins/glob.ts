// glob.match with the syntax and quirks of the gobwas/glob library OPA uses, compiled to an NFA (nfa.ts) per
// call, so no pattern backtracks. `*` is any run of non-delimiters, `**` any run, `?` one non-delimiter,
// `[abc]` `[!abc]` `[a-z]` `[!a-z]` one character of a list or range (delimiters included), `{a,b}` alternatives
// (nestable; an unclosed `{` closes at the end, as gobwas accepts it), `\` escapes (a trailing one is dropped).
// `,` and `}` are plain characters outside `{...}`, `]` outside `[...]`.

import { alloc } from "../memory";
import { TYPE_ARRAY, TYPE_NULL, makeBool, stringData, stringLen, typeOf } from "../value";
import { arrayAt, arrayLen } from "../collections";
import { decodeRune, runeLength } from "../utf8";
import { isString } from "./args";
import { hashBytes } from "../compare";
import { KIND_GLOB, cacheProgram, cachedProgram } from "./program_cache";
import {
  CLASS_NEGATED, OP_CLASS, OP_FAIL, OP_JMP, OP_MATCH, OP_SPLIT, Program, emit, newProgram, runProgram, setX, setY,
  xAt,
} from "./nfa";

const NO_JUMP: u32 = 0xffffffff;
const DEFAULT_DELIMITER: u32 = 0x2e; // "."

/** The delimiters as class ranges (one rune each), the class `?` and `*` negate. */
@unmanaged
class Delimiters {
  ranges: usize;
  count: u32;
}

/** Reads the pattern one code point at a time. */
@unmanaged
class Cursor {
  pos: usize;
  end: usize;
}

/** An open `{`: the SPLIT that tries the current alternative, and the chain of JMPs that leave the group (linked
 * through their targets until patched). */
@unmanaged
class Group {
  split: u32;
  exits: u32;
}

function atEnd(c: Cursor): bool {
  return c.pos >= c.end;
}

function peekRune(c: Cursor): i32 {
  if (c.pos >= c.end) return -1;
  return <i32>decodeRune(c.pos, runeLength(c.pos, c.end));
}

function readRune(c: Cursor): i32 {
  if (c.pos >= c.end) return -1;
  const n = runeLength(c.pos, c.end);
  const r = decodeRune(c.pos, n);
  c.pos += n;
  return <i32>r;
}

function singleRuneClass(r: u32): usize {
  const ranges = alloc(8);
  store<u32>(ranges, r);
  store<u32>(ranges, r, 4);
  return ranges;
}

function emitRune(p: Program, r: u32): void {
  emit(p, OP_CLASS, <u32>singleRuneClass(r), 1, 0);
}

/** `*` (any run of non-delimiters) or `**` (any run): a loop around one class. */
function emitStar(p: Program, ranges: usize, count: u32): void {
  const loop = emit(p, OP_SPLIT, 0, 0, 0);
  setX(p, loop, p.len);
  emit(p, OP_CLASS, <u32>ranges, count, CLASS_NEGATED);
  emit(p, OP_JMP, loop, 0, 0);
  setY(p, loop, p.len);
}

/** Characters of a `[...]` list up to an unescaped `]`, as one-rune ranges; returns the count. */
function readList(c: Cursor, out: usize, capacity: u32): u32 {
  let n: u32 = 0;
  while (!atEnd(c)) {
    let r = peekRune(c);
    if (r == 0x5d) break; // ]
    readRune(c);
    if (r == 0x5c) { // \
      if (atEnd(c)) break;
      r = readRune(c);
    }
    if (n < capacity) {
      store<u32>(out + (<usize>n << 3), <u32>r);
      store<u32>(out + (<usize>n << 3), <u32>r, 4);
    }
    n++;
  }
  return n;
}

/** After `[`: emits the class; false when gobwas rejects it (empty, unclosed, a range with hi < lo or more than
 * one range, a range mixed with a list). */
function compileRange(p: Program, c: Cursor): bool {
  let negated = false;
  if (peekRune(c) == 0x21) { // !
    readRune(c);
    negated = true;
  }
  if (atEnd(c)) return false;
  const firstPos = c.pos;
  const first = readRune(c);
  if (peekRune(c) == 0x2d) { // lo-hi
    readRune(c);
    const hi = readRune(c);
    if (hi < 0 || readRune(c) != 0x5d) return false;
    if (first == 0 || hi == 0 || hi < first) return false;
    const ranges = alloc(8);
    store<u32>(ranges, <u32>first);
    store<u32>(ranges, <u32>hi, 4);
    emit(p, OP_CLASS, <u32>ranges, 1, negated ? CLASS_NEGATED : 0);
    return true;
  }
  // Not a range: the list starts with the rune just read (re-read, it may be an escape).
  c.pos = firstPos;
  const capacity = <u32>(c.end - c.pos);
  const ranges = alloc(<usize>capacity << 3);
  const count = readList(c, ranges, capacity);
  if (readRune(c) != 0x5d || count == 0) return false;
  emit(p, OP_CLASS, <u32>ranges, count, negated ? CLASS_NEGATED : 0);
  return true;
}

function openGroup(p: Program, groups: usize, depth: u32): void {
  const g = changetype<Group>(groups + (<usize>depth << 3));
  g.split = emit(p, OP_SPLIT, p.len + 1, 0, 0);
  g.exits = NO_JUMP;
}

/** Ends the current alternative: jump out of the group, and let the group's SPLIT try what follows. */
function endAlternative(p: Program, g: Group): void {
  g.exits = emit(p, OP_JMP, g.exits, 0, 0);
  setY(p, g.split, p.len);
}

function nextAlternative(p: Program, g: Group): void {
  endAlternative(p, g);
  g.split = emit(p, OP_SPLIT, p.len + 1, 0, 0);
}

function closeGroup(p: Program, g: Group): void {
  endAlternative(p, g);
  emit(p, OP_FAIL, 0, 0, 0);
  const out = p.len;
  for (let j = g.exits; j != NO_JUMP; ) {
    const chained = xAt(p, j);
    setX(p, j, out);
    j = chained;
  }
}

/** The program for pattern, or null when gobwas would reject the pattern. */
function compileGlob(pattern: usize, delimiters: Delimiters): Program | null {
  const p = newProgram();
  const c = changetype<Cursor>(alloc(offsetof<Cursor>()));
  c.pos = stringData(pattern);
  c.end = c.pos + <usize>stringLen(pattern);
  // At most one open group per pattern byte.
  const groups = alloc((<usize>stringLen(pattern) + 1) << 3);
  let depth: u32 = 0;
  while (!atEnd(c)) {
    const r = readRune(c);
    if (r == 0x7b) { // {
      openGroup(p, groups, depth++);
    } else if (r == 0x2c && depth > 0) { // ,
      nextAlternative(p, changetype<Group>(groups + (<usize>(depth - 1) << 3)));
    } else if (r == 0x7d && depth > 0) { // }
      closeGroup(p, changetype<Group>(groups + (<usize>--depth << 3)));
    } else if (r == 0x5b) { // [
      if (!compileRange(p, c)) return null;
    } else if (r == 0x3f) { // ?
      emit(p, OP_CLASS, <u32>delimiters.ranges, delimiters.count, CLASS_NEGATED);
    } else if (r == 0x2a) { // *
      if (peekRune(c) == 0x2a) {
        readRune(c);
        emitStar(p, 0, 0);
      } else {
        emitStar(p, delimiters.ranges, delimiters.count);
      }
    } else if (r == 0x5c) { // \
      if (!atEnd(c)) emitRune(p, <u32>readRune(c));
    } else {
      emitRune(p, <u32>r);
    }
  }
  while (depth > 0) closeGroup(p, changetype<Group>(groups + (<usize>--depth << 3)));
  emit(p, OP_MATCH, 0, 0, 0);
  return p;
}

/** OPA's rule: null means no delimiters, an empty array means ["."]; a string that is not exactly one character
 * contributes the rune 0 (Go's zero value). Null when the argument is neither. */
function delimitersOf(v: usize): Delimiters | null {
  const d = changetype<Delimiters>(alloc(offsetof<Delimiters>()));
  if (typeOf(v) == TYPE_NULL) {
    d.ranges = 0;
    d.count = 0;
    return d;
  }
  if (typeOf(v) != TYPE_ARRAY) return null;
  const n = arrayLen(v);
  if (n == 0) {
    d.ranges = singleRuneClass(DEFAULT_DELIMITER);
    d.count = 1;
    return d;
  }
  d.ranges = alloc(<usize>n << 3);
  d.count = n;
  for (let i: u32 = 0; i < n; i++) {
    const s = arrayAt(v, i);
    if (!isString(s)) return null;
    const bytes = stringData(s);
    const len = <usize>stringLen(s);
    let r: u32 = 0;
    if (len > 0 && runeLength(bytes, bytes + len) == len) r = decodeRune(bytes, len);
    store<u32>(d.ranges + (<usize>i << 3), r);
    store<u32>(d.ranges + (<usize>i << 3), r, 4);
  }
  return d;
}

/** What a glob program is compiled from, as one byte string: [delimiter count u32 | delimiter ranges | pattern]. */
function cacheKey(pattern: usize, d: Delimiters): usize {
  const rangeBytes = (<usize>d.count) << 3;
  const len = <usize>stringLen(pattern);
  const key = alloc(4 + rangeBytes + len);
  store<u32>(key, d.count);
  if (rangeBytes > 0) memory.copy(key + 4, d.ranges, rangeBytes);
  memory.copy(key + 4 + rangeBytes, stringData(pattern), len);
  return key;
}

export function globMatch(pattern: usize, delimiters: usize, value: usize): usize {
  if (!isString(pattern) || !isString(value) || delimiters == 0) return 0;
  const d = delimitersOf(delimiters);
  if (d == null) return 0;
  const key = cacheKey(pattern, d);
  const keyLen = 4 + (d.count << 3) + stringLen(pattern);
  const hash = hashBytes(key, keyLen);
  let program = cachedProgram(KIND_GLOB, key, keyLen, hash);
  if (program == null) {
    program = compileGlob(pattern, d);
    if (program == null) return 0;
    cacheProgram(KIND_GLOB, key, keyLen, hash, program);
  }
  return makeBool(runProgram(program, stringData(value), <usize>stringLen(value), true));
}
