// A Thompson NFA over code points and its simulation, shared by glob.match and regex.match. Matching only answers
// "is there a match", so threads carry no captures and no priority: the simulation keeps a set of program
// counters per input position, which bounds the work by (text length x program length) whatever the pattern.
//
// Instructions are 4 words: op, x, y, z.
//   CLASS  x = ranges (pairs of u32 lo, hi inclusive), y = range count, z = CLASS_NEGATED | CLASS_SORTED
//   SPLIT  continue at x and at y          JMP    continue at x
//   ASSERT x = one of the ASSERT_* kinds   MATCH  accept
//   FAIL   a dead end (closes the last alternative of a glob's `{...}`)

import { alloc, allocZeroed, realloc } from "../memory";
import { decodeRune, runeLength } from "../utf8";

export const OP_CLASS: u32 = 1;
export const OP_SPLIT: u32 = 2;
export const OP_JMP: u32 = 3;
export const OP_ASSERT: u32 = 4;
export const OP_MATCH: u32 = 5;
export const OP_FAIL: u32 = 6;

export const CLASS_NEGATED: u32 = 1;
/** The ranges are sorted and disjoint: membership is found by bisection (large Unicode classes). */
export const CLASS_SORTED: u32 = 2;

export const ASSERT_BEGIN_TEXT: u32 = 1;
export const ASSERT_END_TEXT: u32 = 2;
export const ASSERT_BEGIN_LINE: u32 = 3;
export const ASSERT_END_LINE: u32 = 4;
export const ASSERT_WORD_BOUNDARY: u32 = 5;
export const ASSERT_NOT_WORD_BOUNDARY: u32 = 6;

/** No rune: before the start or after the end of the text. */
const NO_RUNE: i32 = -1;

const INSTRUCTION_SIZE: usize = 16;

@unmanaged
export class Program {
  code: usize;
  len: u32;
  cap: u32;
}

export function newProgram(): Program {
  const p = changetype<Program>(alloc(offsetof<Program>()));
  p.cap = 16;
  p.len = 0;
  p.code = alloc(<usize>p.cap * INSTRUCTION_SIZE);
  return p;
}

// @ts-ignore: decorator
@inline function at(p: Program, pc: u32): usize {
  return p.code + <usize>pc * INSTRUCTION_SIZE;
}

/** Appends an instruction; returns its index. */
export function emit(p: Program, op: u32, x: u32, y: u32, z: u32): u32 {
  if (p.len == p.cap) {
    p.code = realloc(p.code, <usize>p.cap * INSTRUCTION_SIZE, <usize>p.cap * 2 * INSTRUCTION_SIZE);
    p.cap *= 2;
  }
  const i = at(p, p.len);
  store<u32>(i, op);
  store<u32>(i, x, 4);
  store<u32>(i, y, 8);
  store<u32>(i, z, 12);
  return p.len++;
}

// @ts-ignore: decorator
@inline function opAt(p: Program, pc: u32): u32 {
  return load<u32>(at(p, pc));
}

export function setX(p: Program, pc: u32, x: u32): void {
  store<u32>(at(p, pc), x, 4);
}

export function setY(p: Program, pc: u32, y: u32): void {
  store<u32>(at(p, pc), y, 8);
}

// @ts-ignore: decorator
@inline export function xAt(p: Program, pc: u32): u32 {
  return load<u32>(at(p, pc), 4);
}

// @ts-ignore: decorator
@inline export function yAt(p: Program, pc: u32): u32 {
  return load<u32>(at(p, pc), 8);
}

// @ts-ignore: decorator
@inline function zAt(p: Program, pc: u32): u32 {
  return load<u32>(at(p, pc), 12);
}

function inSortedRanges(ranges: usize, count: u32, r: u32): bool {
  let lo: u32 = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const range = ranges + (<usize>mid << 3);
    if (r < load<u32>(range)) hi = mid;
    else if (r > load<u32>(range, 4)) lo = mid + 1;
    else return true;
  }
  return false;
}

// @ts-ignore: decorator
@inline function inRanges(ranges: usize, count: u32, r: u32): bool {
  for (let i: u32 = 0; i < count; i++) {
    const range = ranges + (<usize>i << 3);
    if (r >= load<u32>(range) && r <= load<u32>(range, 4)) return true;
  }
  return false;
}

// @ts-ignore: decorator
@inline export function classMatches(ranges: usize, count: u32, flags: u32, r: u32): bool {
  const inside = (flags & CLASS_SORTED) != 0 ? inSortedRanges(ranges, count, r) : inRanges(ranges, count, r);
  return inside != ((flags & CLASS_NEGATED) != 0);
}

/** RE2's \w: ASCII letters, digits and underscore (also what \b looks at). */
function isWordRune(r: i32): bool {
  return (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || (r >= 0x30 && r <= 0x39) || r == 0x5f;
}

function assertionHolds(kind: u32, prev: i32, next: i32): bool {
  if (kind == ASSERT_BEGIN_TEXT) return prev == NO_RUNE;
  if (kind == ASSERT_END_TEXT) return next == NO_RUNE;
  if (kind == ASSERT_BEGIN_LINE) return prev == NO_RUNE || prev == 0x0a;
  if (kind == ASSERT_END_LINE) return next == NO_RUNE || next == 0x0a;
  const boundary = isWordRune(prev) != isWordRune(next);
  return kind == ASSERT_WORD_BOUNDARY ? boundary : !boundary;
}

/** One simulation: thread lists, the closure's stack and per-pc marks (a generation number each). */
@unmanaged
class Machine {
  prog: Program;
  current: usize;
  currentLen: u32;
  next: usize;
  nextLen: u32;
  stack: usize;
  marks: usize;
  generation: u32;
  matched: bool;
}

function newMachine(prog: Program): Machine {
  const m = changetype<Machine>(alloc(offsetof<Machine>()));
  const bytes = <usize>prog.len << 2;
  m.prog = prog;
  m.current = alloc(bytes);
  m.next = alloc(bytes);
  // A pc is pushed at most twice per instruction expanded (SPLIT), plus the start.
  m.stack = alloc((bytes << 1) + 4);
  m.marks = allocZeroed(bytes);
  m.currentLen = 0;
  m.nextLen = 0;
  m.generation = 1;
  m.matched = false;
  return m;
}

// @ts-ignore: decorator
@inline function push(m: Machine, depth: u32, pc: u32): u32 {
  store<u32>(m.stack + (<usize>depth << 2), pc);
  return depth + 1;
}

/** Adds pc and everything reachable from it without consuming input to the next list; only CLASS instructions
 * are kept there (the rest are resolved here, assertions with the runes around the current position). */
function addThread(m: Machine, start: u32, prev: i32, next: i32): void {
  const p = m.prog;
  store<u32>(m.stack, start);
  let depth: u32 = 1;
  while (depth > 0) {
    depth--;
    const pc = load<u32>(m.stack + (<usize>depth << 2));
    const mark = m.marks + (<usize>pc << 2);
    if (load<u32>(mark) == m.generation) continue;
    store<u32>(mark, m.generation);
    const op = opAt(p, pc);
    if (op == OP_CLASS) {
      store<u32>(m.next + (<usize>m.nextLen << 2), pc);
      m.nextLen++;
    } else if (op == OP_JMP) {
      depth = push(m, depth, xAt(p, pc));
    } else if (op == OP_SPLIT) {
      // Pushed in reverse so x is explored first (order does not change the answer, only the work).
      depth = push(m, depth, yAt(p, pc));
      depth = push(m, depth, xAt(p, pc));
    } else if (op == OP_ASSERT) {
      if (assertionHolds(xAt(p, pc), prev, next)) depth = push(m, depth, pc + 1);
    } else if (op == OP_MATCH) {
      m.matched = true;
    }
  }
}

// @ts-ignore: decorator
@inline function swapLists(m: Machine): void {
  const t = m.current;
  m.current = m.next;
  m.currentLen = m.nextLen;
  m.next = t;
  m.nextLen = 0;
  m.generation++;
}

// @ts-ignore: decorator
@inline function runeAt(text: usize, pos: usize, len: usize): i32 {
  if (pos >= len) return NO_RUNE;
  const c = load<u8>(text + pos);
  if (c < 0x80) return <i32>c;
  return <i32>decodeRune(text + pos, runeLength(text + pos, text + len));
}

/**
 * Whether the program matches text[0, len). anchored: the match must span the whole text (glob); otherwise any
 * substring may match (a regex search; the pattern's own assertions still apply).
 */
export function runProgram(prog: Program, text: usize, len: usize, anchored: bool): bool {
  if (prog.len == 0) return false;
  const m = newMachine(prog);
  let next = runeAt(text, 0, len);
  addThread(m, 0, NO_RUNE, next);
  swapLists(m);
  for (let pos: usize = 0; ; ) {
    if (m.matched && (!anchored || pos == len)) return true;
    if (pos >= len || (anchored && m.currentLen == 0)) return false;
    const k: usize = load<u8>(text + pos) < 0x80 ? 1 : runeLength(text + pos, text + len);
    const r = <u32>next;
    const following = runeAt(text, pos + k, len);
    m.matched = false;
    for (let i: u32 = 0; i < m.currentLen; i++) {
      const pc = load<u32>(m.current + (<usize>i << 2));
      if (classMatches(<usize>xAt(prog, pc), yAt(prog, pc), zAt(prog, pc), r)) {
        addThread(m, pc + 1, <i32>r, following);
      }
    }
    // A search may also start a match after this rune.
    if (!anchored) addThread(m, 0, <i32>r, following);
    swapLists(m);
    next = following;
    pos += k;
  }
  return false;
}
