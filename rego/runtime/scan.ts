// Finding the bytes JSON text must escape (`"`, `\` and control characters) eight bytes at a time, for dumping
// strings, which are mostly plain and often long (reasons, SQL text). Parsing does not use it: most input strings
// are keys and short values, where a byte loop is faster than setting up words.

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/** Some byte of x is below n (n <= 128). Exact: no false positives for the word as a whole. */
// @ts-ignore: decorator
@inline function hasByteBelow(x: u64, n: u64): bool {
  return ((x - ONES * n) & ~x & HIGHS) != 0;
}

// @ts-ignore: decorator
@inline function hasByte(x: u64, b: u64): bool {
  return hasByteBelow(x ^ (ONES * b), 1);
}

/** The first position in [p, stop) that may hold `"`, `\` or a byte below 0x20; stop when there is none. Whole
 * words are skipped only when they hold none of them, so the caller inspects bytes from the returned position. */
// @ts-ignore: decorator
@inline export function skipPlainJsonBytes(p: usize, stop: usize): usize {
  while (p + 8 <= stop) {
    const w = load<u64>(p);
    if (hasByteBelow(w, 0x20) || hasByte(w, 0x22) || hasByte(w, 0x5c)) return p;
    p += 8;
  }
  return p;
}
