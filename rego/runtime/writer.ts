// A growable byte buffer in the heap, for JSON/Rego text and string builtins.

import { alloc, realloc } from "./memory";

@unmanaged
export class Writer {
  buf: usize;
  len: usize;
  cap: usize;
}

export function newWriter(cap: usize): Writer {
  const w = changetype<Writer>(alloc(offsetof<Writer>()));
  w.buf = alloc(cap);
  w.len = 0;
  w.cap = cap;
  return w;
}

function reserve(w: Writer, extra: usize): void {
  const need = w.len + extra;
  if (need <= w.cap) return;
  let cap = w.cap << 1;
  if (cap < need) cap = need;
  w.buf = realloc(w.buf, w.cap, cap);
  w.cap = cap;
}

export function writeByte(w: Writer, b: u8): void {
  reserve(w, 1);
  store<u8>(w.buf + w.len, b);
  w.len++;
}

export function writeBytes(w: Writer, src: usize, n: usize): void {
  reserve(w, n);
  const dst = w.buf + w.len;
  // Short runs (keys, small strings) are the common case, where memory.copy's call costs more than the work.
  if (n > 32) {
    memory.copy(dst, src, n);
  } else {
    for (let i: usize = 0; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
  }
  w.len += n;
}

/** Writes an ASCII literal from this source. */
export function writeAscii(w: Writer, text: string): void {
  const n = <usize>text.length;
  reserve(w, n);
  for (let i: usize = 0; i < n; i++) store<u8>(w.buf + w.len + i, <u8>text.charCodeAt(<i32>i));
  w.len += n;
}

export function writeU64(w: Writer, x: u64): void {
  reserve(w, 20);
  let digits: usize = 1;
  for (let t = x / 10; t > 0; t /= 10) digits++;
  let p = w.buf + w.len + digits;
  let v = x;
  do {
    p--;
    store<u8>(p, <u8>(48 + <u32>(v % 10)));
    v /= 10;
  } while (v > 0);
  w.len += digits;
}

export function writeI64(w: Writer, x: i64): void {
  if (x < 0) {
    writeByte(w, 45);
    writeU64(w, <u64>(-(x + 1)) + 1);
  } else {
    writeU64(w, <u64>x);
  }
}

/** Terminates the text with NUL (for the C-string ABI) and returns its start. */
export function finishCString(w: Writer): usize {
  writeByte(w, 0);
  return w.buf;
}
