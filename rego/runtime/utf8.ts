// UTF-8 helpers: Rego's string builtins count and index code points, not bytes.

/** Writes a code point as UTF-8; returns the bytes written. */
export function encodeUtf8(out: usize, cp: u32): usize {
  if (cp < 0x80) {
    store<u8>(out, <u8>cp);
    return 1;
  }
  if (cp < 0x800) {
    store<u8>(out, <u8>(0xc0 | (cp >> 6)));
    store<u8>(out + 1, <u8>(0x80 | (cp & 63)));
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(out, <u8>(0xe0 | (cp >> 12)));
    store<u8>(out + 1, <u8>(0x80 | ((cp >> 6) & 63)));
    store<u8>(out + 2, <u8>(0x80 | (cp & 63)));
    return 3;
  }
  store<u8>(out, <u8>(0xf0 | (cp >> 18)));
  store<u8>(out + 1, <u8>(0x80 | ((cp >> 12) & 63)));
  store<u8>(out + 2, <u8>(0x80 | ((cp >> 6) & 63)));
  store<u8>(out + 3, <u8>(0x80 | (cp & 63)));
  return 4;
}

/** Byte length of the sequence starting with lead byte c; invalid lead bytes count as one byte, as Go's decoder
 * treats each invalid byte as one (replacement) rune. */
export function sequenceLength(c: u8): usize {
  if (c < 0xc0) return 1;
  if (c < 0xe0) return 2;
  if (c < 0xf0) return 3;
  if (c < 0xf8) return 4;
  return 1;
}

/** Length of the code point at p (never past stop). */
export function runeLength(p: usize, stop: usize): usize {
  const n = sequenceLength(load<u8>(p));
  if (n == 1 || p + n > stop) return 1;
  for (let i: usize = 1; i < n; i++) {
    if ((load<u8>(p + i) & 0xc0) != 0x80) return 1;
  }
  return n;
}

/** Decodes the code point at p (runeLength bytes long); invalid bytes decode to U+FFFD. */
export function decodeRune(p: usize, n: usize): u32 {
  const c = <u32>load<u8>(p);
  if (n == 1) return c < 0x80 ? c : 0xfffd;
  if (n == 2) return ((c & 0x1f) << 6) | (load<u8>(p + 1) & 63);
  if (n == 3) return ((c & 0x0f) << 12) | ((<u32>load<u8>(p + 1) & 63) << 6) | (load<u8>(p + 2) & 63);
  return ((c & 0x07) << 18) | ((<u32>load<u8>(p + 1) & 63) << 12) | ((<u32>load<u8>(p + 2) & 63) << 6) |
    (load<u8>(p + 3) & 63);
}

export function countRunes(p: usize, n: usize): u32 {
  const stop = p + n;
  let count: u32 = 0;
  for (let q = p; q < stop; q += runeLength(q, stop)) count++;
  return count;
}

/** Byte offset of the index-th code point (n when the string has fewer). */
export function runeOffset(p: usize, n: usize, index: u32): usize {
  const stop = p + n;
  let q = p;
  for (let i: u32 = 0; i < index && q < stop; i++) q += runeLength(q, stop);
  return q - p;
}

/** Start of the last code point in [p + from, p + end) (end > from). */
export function lastRuneStart(p: usize, from: usize, end: usize): usize {
  let start = end - 1;
  while (start > from && end - start < 4 && (load<u8>(p + start) & 0xc0) == 0x80) start--;
  return start + runeLength(p + start, p + end) == end ? start : end - 1;
}
