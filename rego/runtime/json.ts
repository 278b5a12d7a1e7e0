// JSON text to values and back, plus the Rego-syntax variants (`opa_value_parse`, `opa_value_dump`) in which
// sets exist (`{1, 2}`, `set()`) and object keys may be any value.

import { alloc } from "./memory";
import {
  TYPE_ARRAY, TYPE_BOOLEAN, TYPE_NULL, TYPE_NUMBER, TYPE_OBJECT, TYPE_SET, TYPE_STRING, boolValue, makeBool,
  makeNull, makeString, setStringHashCache, stringData, stringLen, typeOf,
} from "./value";
import { parseNumber, writeNumber } from "./number";
import {
  arrayAppend, arrayAt, arrayLen, entryKey, entryValue, makeArray, makeObject, makeSet, setAdd, sortedEntries,
  sortedEntry, tableCount, tablePut,
} from "./collections";
import { encodeUtf8 } from "./utf8";
import { FNV_OFFSET, FNV_PRIME } from "./compare";
import { skipPlainJsonBytes } from "./scan";
import { Writer, newWriter, writeAscii, writeByte, writeBytes } from "./writer";

/** Deeper documents are refused rather than risking the WASM stack: no real input nests this far. */
const MAX_DEPTH: i32 = 1000;

// Parser state; parsing never re-enters itself.
let pos: usize = 0;
let end: usize = 0;
let depth: i32 = 0;
let regoSyntax = false;

/** Parses JSON text; 0 when it is not exactly one valid JSON value (surrounding whitespace allowed). */
export function parseJson(ptr: usize, len: usize): usize {
  return parseDocument(ptr, len, false);
}

/** Parses a value in Rego's syntax: JSON plus sets and non-string object keys. */
export function parseRegoValue(ptr: usize, len: usize): usize {
  return parseDocument(ptr, len, true);
}

function parseDocument(ptr: usize, len: usize, rego: bool): usize {
  pos = ptr;
  end = ptr + len;
  depth = 0;
  regoSyntax = rego;
  const v = parseValue();
  if (v == 0) return 0;
  skipSpace();
  return pos == end ? v : 0;
}

// @ts-ignore: decorator
@inline function peek(): u32 {
  return pos < end ? <u32>load<u8>(pos) : 0;
}

// The scanning loops below work on a local copy of `pos`: a global read and written per byte costs more than
// the byte's own test.
// @ts-ignore: decorator
@inline function skipSpace(): void {
  // Compact JSON (what the SDK sends) has no whitespace at all: one test, no call.
  if (pos < end && load<u8>(pos) > 32) return;
  skipSpaceRun();
}

function skipSpaceRun(): void {
  let p = pos;
  while (p < end) {
    const c = load<u8>(p);
    if (c != 32 && c != 9 && c != 10 && c != 13) break;
    p++;
  }
  pos = p;
}

function expectWord(word: string): bool {
  const n = <usize>word.length;
  if (end - pos < n) return false;
  for (let i: usize = 0; i < n; i++) {
    if (load<u8>(pos + i) != <u8>word.charCodeAt(<i32>i)) return false;
  }
  pos += n;
  return true;
}

function parseValue(): usize {
  skipSpace();
  const c = peek();
  if (c == 123) return nested(true);
  if (c == 91) return nested(false);
  if (c == 34) return parseString();
  if (c == 116) return expectWord("true") ? makeBool(true) : 0;
  if (c == 102) return expectWord("false") ? makeBool(false) : 0;
  if (c == 110) return expectWord("null") ? makeNull() : 0;
  if (c == 115 && regoSyntax) return expectWord("set()") ? makeSet() : 0;
  if (c == 45 || (c >= 48 && c <= 57)) return parseNumberToken();
  return 0;
}

function nested(braces: bool): usize {
  if (++depth > MAX_DEPTH) return 0;
  const v = braces ? parseBraces() : parseArray();
  depth--;
  return v;
}

function parseNumberToken(): usize {
  const start = pos;
  let p = start;
  while (p < end) {
    const c = load<u8>(p);
    if (!((c >= 48 && c <= 57) || c == 45 || c == 43 || c == 46 || c == 101 || c == 69)) break;
    p++;
  }
  pos = p;
  return parseNumber(start, p - start);
}

function parseArray(): usize {
  pos++;
  const arr = makeArray(0);
  skipSpace();
  if (peek() == 93) {
    pos++;
    return arr;
  }
  while (true) {
    const v = parseValue();
    if (v == 0) return 0;
    arrayAppend(arr, v);
    skipSpace();
    const c = peek();
    pos++;
    if (c == 93) return arr;
    if (c != 44) return 0;
  }
}

/** An object, or in Rego syntax a set when the first element is not followed by a colon. */
function parseBraces(): usize {
  pos++;
  skipSpace();
  if (peek() == 125) {
    pos++;
    return makeObject();
  }
  let first = regoSyntax ? parseValue() : parseKeyString();
  if (first == 0) return 0;
  skipSpace();
  if (regoSyntax && peek() != 58) return parseSetRest(first);
  const obj = makeObject();
  let key = first;
  while (true) {
    skipSpace();
    if (peek() != 58) return 0;
    pos++;
    const v = parseValue();
    if (v == 0) return 0;
    tablePut(obj, key, v);
    skipSpace();
    const c = peek();
    pos++;
    if (c == 125) return obj;
    if (c != 44) return 0;
    key = regoSyntax ? parseValue() : parseKeyString();
    if (key == 0) return 0;
  }
}

/** An object key: scanned like parseString, hashing the bytes on the way (hashBytes' own hash), since every key
 * is hashed when it is inserted. */
function parseKeyString(): usize {
  skipSpace();
  if (peek() != 34) return 0;
  const start = pos + 1;
  const stop = end;
  let p = start;
  let h = FNV_OFFSET;
  while (true) {
    if (p >= stop) return 0;
    const c = load<u8>(p);
    if (c == 34) break;
    if (c < 32) return 0;
    if (c == 92) return parseString();
    h = (h ^ c) * FNV_PRIME;
    p++;
  }
  pos = p + 1;
  const key = makeString(start, <u32>(p - start));
  setStringHashCache(key, h == 0 ? 1 : h);
  return key;
}

function parseSetRest(first: usize): usize {
  const set = makeSet();
  setAdd(set, first);
  while (true) {
    skipSpace();
    const c = peek();
    pos++;
    if (c == 125) return set;
    if (c != 44) return 0;
    const v = parseValue();
    if (v == 0) return 0;
    setAdd(set, v);
  }
}

/** A string token; shares the input bytes when there is nothing to unescape (the common case). */
function parseString(): usize {
  const start = pos + 1;
  const stop = end;
  let p = start;
  let escaped = false;
  while (true) {
    if (p >= stop) return 0;
    const c = load<u8>(p);
    if (c == 34) break;
    if (c < 32) return 0;
    if (c == 92) {
      escaped = true;
      p++;
    }
    p++;
  }
  pos = p + 1;
  if (!escaped) return makeString(start, <u32>(p - start));
  return unescape(start, p);
}

function hexDigit(c: u32): i32 {
  if (c >= 48 && c <= 57) return <i32>c - 48;
  const l = c | 32;
  if (l >= 97 && l <= 102) return <i32>l - 87;
  return -1;
}

function readHex4(p: usize, stop: usize): i32 {
  if (stop - p < 4) return -1;
  let x: i32 = 0;
  for (let i: usize = 0; i < 4; i++) {
    const d = hexDigit(load<u8>(p + i));
    if (d < 0) return -1;
    x = (x << 4) | d;
  }
  return x;
}

function simpleEscape(c: u32): i32 {
  switch (c) {
    case 34: return 34;
    case 92: return 92;
    case 47: return 47;
    case 98: return 8;
    case 102: return 12;
    case 110: return 10;
    case 114: return 13;
    case 116: return 9;
    default: return -1;
  }
}

function unescape(start: usize, stop: usize): usize {
  // Unescaped text is never longer than the escaped text.
  const out = alloc(stop - start);
  let o: usize = 0;
  let p = start;
  while (p < stop) {
    const c = <u32>load<u8>(p++);
    if (c != 92) {
      store<u8>(out + o++, <u8>c);
      continue;
    }
    const e = <u32>load<u8>(p++);
    if (e != 117) {
      const s = simpleEscape(e);
      if (s < 0) return 0;
      store<u8>(out + o++, <u8>s);
      continue;
    }
    let cp = readHex4(p, stop);
    if (cp < 0) return 0;
    p += 4;
    if (cp >= 0xd800 && cp < 0xdc00 && stop - p >= 6 && load<u8>(p) == 92 && load<u8>(p + 1) == 117) {
      const low = readHex4(p + 2, stop);
      if (low >= 0xdc00 && low < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        p += 6;
      }
    }
    // A lone surrogate cannot be UTF-8; JSON decoders substitute U+FFFD.
    if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
    o += encodeUtf8(out + o, <u32>cp);
  }
  return makeString(out, <u32>o);
}

// ---- output

/** JSON text for a value: sets become sorted arrays, object keys sorted, non-string keys become their JSON text. */
export function dumpJson(v: usize): Writer {
  const w = newWriter(64);
  writeValue(w, v, false);
  return w;
}

/** Rego syntax: sets as `{1, 2}` or `set()`, object keys written as values. */
export function dumpRego(v: usize): Writer {
  const w = newWriter(64);
  writeValue(w, v, true);
  return w;
}

export function writeValue(w: Writer, v: usize, rego: bool): void {
  switch (typeOf(v)) {
    case TYPE_NULL:
      writeAscii(w, "null");
      break;
    case TYPE_BOOLEAN:
      writeAscii(w, boolValue(v) ? "true" : "false");
      break;
    case TYPE_NUMBER:
      writeNumber(w, v);
      break;
    case TYPE_STRING:
      writeQuoted(w, stringData(v), stringLen(v));
      break;
    case TYPE_ARRAY:
      writeArray(w, v, rego);
      break;
    case TYPE_OBJECT:
      writeObject(w, v, rego);
      break;
    case TYPE_SET:
      writeSet(w, v, rego);
      break;
  }
}

const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

/** When set, `<`, `>`, `&`, U+2028 and U+2029 are escaped too, as Go's JSON encoder (and so OPA's json.marshal)
 * does. Only json.marshal sets it; output for the SDK stays minimal. */
let escapeHtml = false;

function needsEscape(c: u8): bool {
  return c < 32 || c == 34 || c == 92 || (escapeHtml && (c == 60 || c == 62 || c == 38 || c == 0xe2));
}

function writeUnicodeEscape(w: Writer, code: u32): void {
  writeAscii(w, "\\u");
  for (let shift = 12; shift >= 0; shift -= 4) writeByte(w, load<u8>(HEX + ((code >> shift) & 15)));
}

export function writeQuoted(w: Writer, p: usize, n: u32): void {
  writeByte(w, 34);
  let runStart = p;
  const stop = p + n;
  // Outside json.marshal only `"`, `\` and control bytes are escaped: skip the words that hold none.
  for (let q = escapeHtml ? p : skipPlainJsonBytes(p, stop); q < stop; q++) {
    const c = load<u8>(q);
    if (!needsEscape(c)) continue;
    // U+2028 and U+2029 are E2 80 A8 / E2 80 A9; any other sequence starting with E2 passes unchanged.
    if (c == 0xe2 && !(q + 2 < stop && load<u8>(q + 1) == 0x80 && (load<u8>(q + 2) | 1) == 0xa9)) continue;
    writeBytes(w, runStart, q - runStart);
    if (c == 0xe2) {
      writeUnicodeEscape(w, 0x2000 | (load<u8>(q + 2) - 0x80));
      q += 2;
    } else if (c == 34 || c == 92) {
      writeByte(w, 92);
      writeByte(w, c);
    } else if (c == 10 || c == 13 || c == 9 || c == 8 || c == 12) {
      writeByte(w, 92);
      writeByte(w, c == 10 ? 110 : c == 13 ? 114 : c == 9 ? 116 : c == 8 ? 98 : 102);
    } else {
      writeUnicodeEscape(w, c);
    }
    runStart = q + 1;
  }
  writeBytes(w, runStart, stop - runStart);
  writeByte(w, 34);
}

/** JSON text as json.marshal writes it: like dumpJson, with Go's HTML-safe string escaping. */
export function marshalJson(v: usize): Writer {
  escapeHtml = true;
  const w = dumpJson(v);
  escapeHtml = false;
  return w;
}

function writeArray(w: Writer, v: usize, rego: bool): void {
  writeByte(w, 91);
  const n = arrayLen(v);
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) writeByte(w, 44);
    writeValue(w, arrayAt(v, i), rego);
  }
  writeByte(w, 93);
}

function writeObject(w: Writer, v: usize, rego: bool): void {
  writeByte(w, 123);
  const n = tableCount(v);
  const sorted = n > 0 ? sortedEntries(v) : 0;
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) writeByte(w, 44);
    const e = sortedEntry(sorted, i);
    const key = entryKey(e);
    if (rego || typeOf(key) == TYPE_STRING) {
      writeValue(w, key, rego);
    } else {
      const text = dumpJson(key);
      writeQuoted(w, text.buf, <u32>text.len);
    }
    writeByte(w, 58);
    writeValue(w, entryValue(e), rego);
  }
  writeByte(w, 125);
}

function writeSet(w: Writer, v: usize, rego: bool): void {
  const n = tableCount(v);
  if (rego && n == 0) {
    writeAscii(w, "set()");
    return;
  }
  writeByte(w, rego ? 123 : 91);
  const sorted = n > 0 ? sortedEntries(v) : 0;
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) writeByte(w, 44);
    writeValue(w, entryKey(sortedEntry(sorted, i)), rego);
  }
  writeByte(w, rego ? 125 : 93);
}

