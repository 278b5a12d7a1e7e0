// Bitwise operations on integers, as Go's math/big does them (two's complement semantics for negatives).

import { makeBig, makeInt, numMul } from "../number";
import { magFromU64 } from "../bigint";
import { isInt, int } from "./args";

export function bitsAnd(a: usize, b: usize): usize {
  return isInt(a) && isInt(b) ? makeInt(int(a) & int(b)) : 0;
}

export function bitsOr(a: usize, b: usize): usize {
  return isInt(a) && isInt(b) ? makeInt(int(a) | int(b)) : 0;
}

export function bitsXor(a: usize, b: usize): usize {
  return isInt(a) && isInt(b) ? makeInt(int(a) ^ int(b)) : 0;
}

export function bitsNegate(a: usize): usize {
  return isInt(a) ? makeInt(~int(a)) : 0;
}

/** Largest shift accepted: results stay a few hundred bytes. */
const MAX_SHIFT: i64 = 4096;

/** x << s, growing past 64 bits as big.Int does. */
export function bitsLsh(x: usize, s: usize): usize {
  if (!isInt(x) || !isInt(s) || int(s) < 0 || int(s) > MAX_SHIFT) return 0;
  const shift = int(s);
  const v = int(x);
  if (shift < 62) {
    const r = v << shift;
    if (r >> shift == v) return makeInt(r);
  }
  // x * 2^shift, built from 2^62 steps.
  let result = x;
  let left = shift;
  while (left > 0) {
    const step = left > 62 ? 62 : left;
    result = numMul(result, makeBig(false, magFromU64((<u64>1) << <u64>step)));
    left -= step;
  }
  return result;
}

/** x >> s, rounding towards negative infinity as big.Int does. */
export function bitsRsh(x: usize, s: usize): usize {
  if (!isInt(x) || !isInt(s) || int(s) < 0) return 0;
  const shift = int(s);
  const v = int(x);
  if (shift >= 64) return makeInt(v < 0 ? -1 : 0);
  return makeInt(v >> shift);
}
