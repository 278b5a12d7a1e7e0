// The RE2 syntax OPA's regex builtins accept (Go's regexp.Compile: Perl flags, UTF-8), parsed to a tree whose
// rules follow Go's regexp/syntax: what Go rejects yields null. Only the matched language matters to
// regex.match, so captures, names and greediness are checked but not kept. Unicode classes (\pL, \p{Greek},
// \P{^Nd}) use the tables in unicode_tables.ts.

import { alloc } from "../memory";
import { decodeRune, runeLength } from "../utf8";
import {
  MAX_RUNE, anyTable, asciiTable, RangeList, addClassRange, addTable, newRangeList, normalize, perlClass, posixClass,
} from "./regex_classes";
import { unassignedClass, unicodeClass } from "./unicode_tables";
import {
  ASSERT_BEGIN_LINE, ASSERT_BEGIN_TEXT, ASSERT_END_LINE, ASSERT_END_TEXT, ASSERT_NOT_WORD_BOUNDARY,
  ASSERT_WORD_BOUNDARY,
} from "./nfa";

export const N_EMPTY: u32 = 0;
export const N_CLASS: u32 = 1;
export const N_ASSERT: u32 = 2;
export const N_CONCAT: u32 = 3;
export const N_ALT: u32 = 4;
export const N_STAR: u32 = 5;
export const N_PLUS: u32 = 6;
export const N_QUEST: u32 = 7;
export const N_REPEAT: u32 = 8;

// Go's limits: counted repetition up to 1000 (also for nested counts); a parse tree at most 1000 high, which
// capturing groups nested 1000 deep exceed (non-capturing groups add no level in Go's tree).
const MAX_REPEAT: i32 = 1000;
const MAX_CAPTURE_DEPTH: u32 = 999;
// This parser recurses per group, so any nesting is bounded too: Go (iterative) would accept deeper
// non-capturing nesting, which no real pattern has.
const MAX_GROUP_DEPTH: u32 = 2000;

/** A tree node. CLASS: ranges, negated. ASSERT: kind. CONCAT/ALT: children (first, linked by next). STAR, PLUS,
 * QUEST, REPEAT (min, max; max -1 = unbounded): one child. */
@unmanaged
export class Node {
  op: u32;
  kind: u32;
  min: i32;
  max: i32;
  ranges: RangeList;
  negated: bool;
  first: Node | null;
  last: Node | null;
  next: Node | null;
}

@unmanaged
class Parser {
  pos: usize;
  end: usize;
  foldCase: bool;
  multiLine: bool;
  dotNL: bool;
  depth: u32;
  captureDepth: u32;
}

function newNode(op: u32): Node {
  const n = changetype<Node>(alloc(offsetof<Node>()));
  n.op = op;
  n.kind = 0;
  n.min = 0;
  n.max = 0;
  n.ranges = changetype<RangeList>(0);
  n.negated = false;
  n.first = null;
  n.last = null;
  n.next = null;
  return n;
}

function append(parent: Node, child: Node): void {
  if (parent.last == null) parent.first = child;
  else changetype<Node>(parent.last).next = child;
  parent.last = child;
}

function classNode(ranges: RangeList, negated: bool): Node {
  normalize(ranges);
  const n = newNode(N_CLASS);
  n.ranges = ranges;
  n.negated = negated;
  return n;
}

function literal(p: Parser, r: u32): Node {
  const ranges = newRangeList();
  addClassRange(ranges, r, r, p.foldCase);
  return classNode(ranges, false);
}

function assertion(kind: u32): Node {
  const n = newNode(N_ASSERT);
  n.kind = kind;
  return n;
}

// ---- reading

function more(p: Parser): bool {
  return p.pos < p.end;
}

function peekByte(p: Parser, ahead: usize): i32 {
  return p.pos + ahead < p.end ? <i32>load<u8>(p.pos + ahead) : -1;
}

function nextRune(p: Parser): u32 {
  const n = runeLength(p.pos, p.end);
  const r = decodeRune(p.pos, n);
  p.pos += n;
  return r;
}

/** Go refuses patterns that are not valid UTF-8. */
function validUtf8(p: usize, end: usize): bool {
  for (let q = p; q < end; ) {
    const n = runeLength(q, end);
    if (n == 1 && load<u8>(q) >= 0x80) return false;
    const r = decodeRune(q, n);
    // Overlong forms and surrogates are invalid too.
    if ((n == 2 && r < 0x80) || (n == 3 && r < 0x800) || (n == 4 && (r < 0x10000 || r > MAX_RUNE))) return false;
    if (r >= 0xd800 && r <= 0xdfff) return false;
    q += n;
  }
  return true;
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

function isAlnum(c: u32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function hexDigit(c: u32): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>(c - 0x30);
  if (c >= 0x61 && c <= 0x66) return <i32>(c - 0x61 + 10);
  if (c >= 0x41 && c <= 0x46) return <i32>(c - 0x41 + 10);
  return -1;
}

// ---- escapes

/** After `\`: a single-character escape (Go's parseEscape); -1 when invalid. */
function parseEscape(p: Parser): i32 {
  if (!more(p)) return -1;
  const c = nextRune(p);
  if (c < 0x80 && !isAlnum(c)) return <i32>c;
  if (c >= 0x31 && c <= 0x37) {
    // \1-\7 alone would be a backreference, which RE2 does not have; followed by an octal digit it is octal.
    const d = peekByte(p, 0);
    if (d < 0x30 || d > 0x37) return -1;
  }
  if (c >= 0x30 && c <= 0x37) {
    let r = <i32>(c - 0x30);
    for (let i = 1; i < 3; i++) {
      const d = peekByte(p, 0);
      if (d < 0x30 || d > 0x37) break;
      r = r * 8 + d - 0x30;
      p.pos++;
    }
    return r;
  }
  if (c == 0x78) return parseHexEscape(p);
  if (c == 0x61) return 0x07;
  if (c == 0x66) return 0x0c;
  if (c == 0x6e) return 0x0a;
  if (c == 0x72) return 0x0d;
  if (c == 0x74) return 0x09;
  if (c == 0x76) return 0x0b;
  return -1;
}

/** After `\x`: two hex digits or `{hex...}`. */
function parseHexEscape(p: Parser): i32 {
  if (!more(p)) return -1;
  const c = nextRune(p);
  if (c == 0x7b) {
    let r: i32 = 0;
    let digits = 0;
    while (true) {
      if (!more(p)) return -1;
      const d = nextRune(p);
      if (d == 0x7d) break;
      const v = hexDigit(d);
      if (v < 0) return -1;
      r = r * 16 + v;
      if (r > <i32>MAX_RUNE) return -1;
      digits++;
    }
    return digits == 0 ? -1 : r;
  }
  if (!more(p)) return -1;
  const x = hexDigit(c);
  const y = hexDigit(nextRune(p));
  return x < 0 || y < 0 ? -1 : x * 16 + y;
}

// ---- classes

/** At `[:`: a POSIX class appended to ranges. 1 when parsed, 0 when this is not one (the `[` is a character),
 * -1 when the name is unknown (an error in Go). */
function parsePosixClass(p: Parser, ranges: RangeList): i32 {
  // Go looks for the first ":]" after "[:".
  let close = p.pos + 2;
  while (close + 1 < p.end && !(load<u8>(close) == 0x3a && load<u8>(close + 1) == 0x5d)) close++;
  if (close + 1 >= p.end) return 0;
  let name = p.pos + 2;
  const negated = name < close && load<u8>(name) == 0x5e;
  if (negated) name++;
  const t = posixClass(name, close - name);
  if (t == 0) return -1;
  addTable(ranges, t, negated, p.foldCase);
  p.pos = close + 2;
  return 1;
}

/** At `\`: a Perl class (\d \D \s \S \w \W) appended to ranges; false when it is not one. */
function parsePerlClass(p: Parser, ranges: RangeList): bool {
  if (peekByte(p, 0) != 0x5c) return false;
  const c = peekByte(p, 1);
  if (c < 0) return false;
  const t = perlClass(<u32>c);
  if (t == 0) return false;
  addTable(ranges, t, (c & 0x20) == 0, p.foldCase);
  p.pos += 2;
  return true;
}

function isUnicodeClass(p: Parser): bool {
  const c = peekByte(p, 1);
  return peekByte(p, 0) == 0x5c && (c == 0x70 || c == 0x50);
}

@unmanaged
class Name {
  ptr: usize;
  len: usize;
}

/** Go's canonicalName: `_`, `-` and spaces dropped, the first letter upper case, the other letters lower case. */
function canonicalName(p: usize, end: usize): Name {
  const out = changetype<Name>(alloc(offsetof<Name>()));
  out.ptr = alloc(end - p);
  out.len = 0;
  for (let q = p; q < end; q++) {
    let c = load<u8>(q);
    if (c == 0x5f || c == 0x2d || c == 0x20) continue;
    if (out.len == 0 && c >= 0x61 && c <= 0x7a) c -= 0x20;
    else if (out.len > 0 && c >= 0x41 && c <= 0x5a) c += 0x20;
    store<u8>(out.ptr + out.len++, c);
  }
  return out;
}

function nameIs(n: Name, text: string): bool {
  if (<usize>text.length != n.len) return false;
  for (let i: usize = 0; i < n.len; i++) if (<u32>load<u8>(n.ptr + i) != <u32>text.charCodeAt(<i32>i)) return false;
  return true;
}

/** At `\p` or `\P`: a one-letter name or one in braces, `^` negating; appended to ranges. False when Go does not
 * know the name or the braces do not close. */
function parseUnicodeClass(p: Parser, ranges: RangeList): bool {
  let negated = peekByte(p, 1) == 0x50;
  // Names are looked up as Go 1.25 does: canonically (\p{greek} is \p{Greek}), with Unicode's long category names,
  // and Any, ASCII and Assigned.
  p.pos += 2;
  if (!more(p)) return false;
  let name = p.pos;
  let nameEnd: usize;
  if (load<u8>(p.pos) != 0x7b) {
    nextRune(p);
    nameEnd = p.pos;
  } else {
    let close = p.pos;
    while (close < p.end && load<u8>(close) != 0x7d) close++;
    if (close == p.end) return false;
    name = p.pos + 1;
    nameEnd = close;
    p.pos = close + 1;
  }
  if (name < nameEnd && load<u8>(name) == 0x5e) {
    negated = !negated;
    name++;
  }
  const canonical = canonicalName(name, nameEnd);
  let t = unicodeClass(canonical.ptr, canonical.len);
  if (nameIs(canonical, "Any")) t = anyTable();
  if (nameIs(canonical, "Ascii")) t = asciiTable();
  if (nameIs(canonical, "Assigned")) {
    t = unassignedClass();
    negated = !negated;
  }
  if (t == 0) return false;
  addTable(ranges, t, negated, p.foldCase);
  return true;
}

/** One character of a class: an escape or a rune; -1 when invalid or missing. */
function parseClassChar(p: Parser): i32 {
  if (!more(p)) return -1;
  if (load<u8>(p.pos) == 0x5c) {
    p.pos++;
    return parseEscape(p);
  }
  return <i32>nextRune(p);
}

/** After `[`: the class node, or null when Go rejects it. */
function parseClass(p: Parser): Node | null {
  const ranges = newRangeList();
  let negated = false;
  if (peekByte(p, 0) == 0x5e) {
    negated = true;
    p.pos++;
  }
  let first = true;
  while (first || peekByte(p, 0) != 0x5d) {
    if (!more(p)) return null;
    first = false;
    if (peekByte(p, 0) == 0x5b && peekByte(p, 1) == 0x3a) {
      const posix = parsePosixClass(p, ranges);
      if (posix < 0) return null;
      if (posix > 0) continue;
    }
    if (isUnicodeClass(p)) {
      if (!parseUnicodeClass(p, ranges)) return null;
      continue;
    }
    if (parsePerlClass(p, ranges)) continue;
    const lo = parseClassChar(p);
    if (lo < 0) return null;
    let hi = lo;
    // [a-] means a or -.
    if (peekByte(p, 0) == 0x2d && peekByte(p, 1) != 0x5d && peekByte(p, 1) >= 0) {
      p.pos++;
      hi = parseClassChar(p);
      if (hi < 0 || hi < lo) return null;
    }
    addClassRange(ranges, <u32>lo, <u32>hi, p.foldCase);
  }
  p.pos++;
  return classNode(ranges, negated);
}

// ---- repetition

/** A counted repetition's min and max (-1: unbounded; a min of -1 also stands for a number too large). */
@unmanaged
class Bounds {
  min: i32;
  max: i32;
}

/** Go's parseInt: digits without leading zeros; -2 when there are none, -1 when the number is too large. */
function parseInt(p: Parser): i32 {
  const c = peekByte(p, 0);
  if (!isDigit(c)) return -2;
  if (c == 0x30 && isDigit(peekByte(p, 1))) return -2;
  let n: i32 = 0;
  while (isDigit(peekByte(p, 0))) {
    if (n >= 100000000) n = -1;
    else if (n >= 0) n = n * 10 + peekByte(p, 0) - 0x30;
    p.pos++;
  }
  return n;
}

/** At `{`: reads `{n}`, `{n,}` or `{n,m}` into b; false (position unchanged) when the text is not one, and then
 * `{` is a character. */
function parseBounds(p: Parser, b: Bounds): bool {
  const start = p.pos;
  p.pos++;
  b.min = parseInt(p);
  if (b.min == -2 || !more(p)) {
    p.pos = start;
    return false;
  }
  if (peekByte(p, 0) != 0x2c) {
    b.max = b.min;
  } else {
    p.pos++;
    if (peekByte(p, 0) == 0x7d) {
      b.max = -1;
    } else {
      b.max = parseInt(p);
      if (b.max == -2) {
        p.pos = start;
        return false;
      }
      if (b.max == -1) b.min = -1;
    }
  }
  if (peekByte(p, 0) != 0x7d) {
    p.pos = start;
    return false;
  }
  p.pos++;
  return true;
}

/** Go's repeatIsValid: nested counted repetitions may not multiply beyond 1000. */
function repeatIsValid(n: Node, limit: i32): bool {
  if (n.op == N_REPEAT) {
    let m = n.max;
    if (m == 0) return true;
    if (m < 0) m = n.min;
    if (m > limit) return false;
    if (m > 0) limit /= m;
  }
  for (let c = n.first; c != null; c = changetype<Node>(c).next) {
    if (!repeatIsValid(changetype<Node>(c), limit)) return false;
  }
  return true;
}

/** Wraps the last child of concat in a repetition; false when Go rejects it. */
function repeatLast(concat: Node, op: u32, min: i32, max: i32): bool {
  const last = concat.last;
  if (last == null) return false;
  const sub = newNode(0);
  memory.copy(changetype<usize>(sub), changetype<usize>(last), offsetof<Node>());
  sub.next = null;
  const target = changetype<Node>(last);
  target.op = op;
  target.min = min;
  target.max = max;
  target.first = sub;
  target.last = sub;
  if (op == N_REPEAT && (min >= 2 || max >= 2) && !repeatIsValid(target, MAX_REPEAT)) return false;
  return true;
}

// ---- groups and flags

function isCaptureName(p: usize, end: usize): bool {
  if (p == end) return false;
  for (let q = p; q < end; q++) {
    const c = <u32>load<u8>(q);
    if (c != 0x5f && !isAlnum(c)) return false;
  }
  return true;
}

/** After `(?`: a named group's `P<name>` / `<name>` (true when consumed, pos after `>`); -1 when malformed. */
function parseGroupName(p: Parser): i32 {
  let begin: usize = 0;
  if (peekByte(p, 0) == 0x50 && peekByte(p, 1) == 0x3c && p.pos + 2 < p.end) begin = p.pos + 2;
  else if (peekByte(p, 0) == 0x3c && p.pos + 1 < p.end) begin = p.pos + 1;
  else return 0;
  let close = begin;
  while (close < p.end && load<u8>(close) != 0x3e) close++;
  if (close == p.end || !isCaptureName(begin, close)) return -1;
  p.pos = close + 1;
  return 1;
}

/** After `(?` that is not a name: flags up to `)` (1: they apply to the rest of the group) or `:` (2: a group
 * follows that they apply to); -1 when malformed. Sets p's flags. */
function parseFlags(p: Parser): i32 {
  let negate = false;
  let sawFlag = false;
  while (more(p)) {
    const c = nextRune(p);
    if (c == 0x69) p.foldCase = !negate;
    else if (c == 0x6d) p.multiLine = !negate;
    else if (c == 0x73) p.dotNL = !negate;
    else if (c == 0x55) { /* non-greedy: no effect on whether a match exists */ }
    else if (c == 0x2d) {
      if (negate) return -1;
      negate = true;
      sawFlag = false;
      continue;
    } else if (c == 0x3a || c == 0x29) {
      if (negate && !sawFlag) return -1;
      return c == 0x29 ? 1 : 2;
    } else {
      return -1;
    }
    sawFlag = true;
  }
  return -1;
}

// ---- the grammar

/** One token at p into concat. Returns 1 for an atom, 2 for flags that changed (nothing added), -1 on error. */
function parseAtom(p: Parser, concat: Node): i32 {
  const c = nextRune(p);
  if (c == 0x28) return parseGroup(p, concat);
  if (c == 0x5e) {
    append(concat, assertion(p.multiLine ? ASSERT_BEGIN_LINE : ASSERT_BEGIN_TEXT));
  } else if (c == 0x24) {
    append(concat, assertion(p.multiLine ? ASSERT_END_LINE : ASSERT_END_TEXT));
  } else if (c == 0x2e) {
    const ranges = newRangeList();
    if (!p.dotNL) addClassRange(ranges, 0x0a, 0x0a, false);
    append(concat, classNode(ranges, true));
  } else if (c == 0x5b) {
    const cls = parseClass(p);
    if (cls == null) return -1;
    append(concat, cls);
  } else if (c == 0x5c) {
    return parseBackslash(p, concat);
  } else {
    append(concat, literal(p, c));
  }
  return 1;
}

function parseBackslash(p: Parser, concat: Node): i32 {
  const c = peekByte(p, 0);
  if (c == 0x41 || c == 0x7a || c == 0x62 || c == 0x42) {
    p.pos++;
    const kind = c == 0x41 ? ASSERT_BEGIN_TEXT : c == 0x7a ? ASSERT_END_TEXT
      : c == 0x62 ? ASSERT_WORD_BOUNDARY : ASSERT_NOT_WORD_BOUNDARY;
    append(concat, assertion(kind));
    return 1;
  }
  if (c == 0x51) return parseQuoted(p, concat);
  p.pos--;
  const ranges = newRangeList();
  if (isUnicodeClass(p)) {
    if (!parseUnicodeClass(p, ranges)) return -1;
    append(concat, classNode(ranges, false));
    return 1;
  }
  if (parsePerlClass(p, ranges)) {
    append(concat, classNode(ranges, false));
    return 1;
  }
  p.pos++;
  const r = parseEscape(p);
  if (r < 0) return -1;
  append(concat, literal(p, <u32>r));
  return 1;
}

/** After `\Q`: literal text up to `\E` or the end. */
function parseQuoted(p: Parser, concat: Node): i32 {
  p.pos++;
  let added = false;
  while (more(p)) {
    if (peekByte(p, 0) == 0x5c && peekByte(p, 1) == 0x45) {
      p.pos += 2;
      break;
    }
    append(concat, literal(p, nextRune(p)));
    added = true;
  }
  return added ? 1 : 2;
}

/** After `(`. */
function parseGroup(p: Parser, concat: Node): i32 {
  if (++p.depth > MAX_GROUP_DEPTH) return -1;
  const foldCase = p.foldCase;
  const multiLine = p.multiLine;
  const dotNL = p.dotNL;
  const captureDepth = p.captureDepth;
  let capturing = true;
  if (peekByte(p, 0) == 0x3f) {
    p.pos++;
    const named = parseGroupName(p);
    if (named < 0) return -1;
    if (named == 0) {
      const flags = parseFlags(p);
      if (flags < 0) return -1;
      if (flags == 1) {
        p.depth--;
        return 2;
      }
      capturing = false;
    }
  }
  if (capturing && ++p.captureDepth > MAX_CAPTURE_DEPTH) return -1;
  const body = parseAlternation(p);
  if (body == null || peekByte(p, 0) != 0x29) return -1;
  p.pos++;
  p.foldCase = foldCase;
  p.multiLine = multiLine;
  p.dotNL = dotNL;
  p.captureDepth = captureDepth;
  p.depth--;
  append(concat, body);
  return 1;
}

/** A repetition operator at p applied to the last atom: 1 when applied, 0 when there is none here, -1 on error. */
function parseRepetition(p: Parser, concat: Node, afterRepeat: bool): i32 {
  const c = peekByte(p, 0);
  let op: u32 = 0;
  let min: i32 = 0;
  let max: i32 = 0;
  if (c == 0x2a) op = N_STAR;
  else if (c == 0x2b) op = N_PLUS;
  else if (c == 0x3f) op = N_QUEST;
  if (op != 0) {
    p.pos++;
  } else if (c == 0x7b) {
    const b = changetype<Bounds>(alloc(offsetof<Bounds>()));
    if (!parseBounds(p, b)) return 0;
    if (b.min < 0 || b.min > MAX_REPEAT || b.max > MAX_REPEAT || (b.max >= 0 && b.min > b.max)) return -1;
    op = N_REPEAT;
    min = b.min;
    max = b.max;
  } else {
    return 0;
  }
  // A trailing ? makes it lazy, which does not change whether there is a match.
  if (peekByte(p, 0) == 0x3f) p.pos++;
  if (afterRepeat) return -1;
  return repeatLast(concat, op, min, max) ? 1 : -1;
}

function parseConcat(p: Parser): Node | null {
  const concat = newNode(N_CONCAT);
  let afterRepeat = false;
  while (more(p)) {
    const c = peekByte(p, 0);
    if (c == 0x7c || c == 0x29) break;
    const repeated = parseRepetition(p, concat, afterRepeat);
    if (repeated < 0) return null;
    if (repeated > 0) {
      afterRepeat = true;
      continue;
    }
    const atom = parseAtom(p, concat);
    if (atom < 0) return null;
    afterRepeat = false;
  }
  return concat;
}

function parseAlternation(p: Parser): Node | null {
  const alt = newNode(N_ALT);
  while (true) {
    const branch = parseConcat(p);
    if (branch == null) return null;
    append(alt, branch);
    if (peekByte(p, 0) != 0x7c) return alt;
    p.pos++;
  }
  return alt;
}

/** The tree for pattern bytes [ptr, ptr + len), or null when Go's regexp would reject the pattern. */
export function parseRegex(ptr: usize, len: usize): Node | null {
  if (!validUtf8(ptr, ptr + len)) return null;
  const p = changetype<Parser>(alloc(offsetof<Parser>()));
  p.pos = ptr;
  p.end = ptr + len;
  p.foldCase = false;
  p.multiLine = false;
  p.dotNL = false;
  p.depth = 0;
  p.captureDepth = 0;
  const tree = parseAlternation(p);
  // Stopping anywhere but the end means an unmatched `)`.
  if (tree == null || more(p)) return null;
  return tree;
}
