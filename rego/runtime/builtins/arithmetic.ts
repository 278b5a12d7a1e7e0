// Arithmetic on numbers (exact for integers of any size), rounding, and numeric ranges.

import {
  isIntegral, isNegative, makeInt, numAbs, numAdd, numDiv, numMul, numRem, numRound, numSub,
} from "../number";
import { arrayAppend, makeArray } from "../collections";
import { isInt, int, isNum, isSet } from "./args";
import { setDiff } from "./sets";

export function plus(a: usize, b: usize): usize {
  return isNum(a) && isNum(b) ? numAdd(a, b) : 0;
}

/** `-` on numbers, and set difference on sets. */
export function minus(a: usize, b: usize): usize {
  if (isNum(a) && isNum(b)) return numSub(a, b);
  if (isSet(a) && isSet(b)) return setDiff(a, b);
  return 0;
}

export function mul(a: usize, b: usize): usize {
  return isNum(a) && isNum(b) ? numMul(a, b) : 0;
}

export function div(a: usize, b: usize): usize {
  return isNum(a) && isNum(b) ? numDiv(a, b) : 0;
}

export function rem(a: usize, b: usize): usize {
  return isNum(a) && isNum(b) ? numRem(a, b) : 0;
}

export function abs(x: usize): usize {
  return isNum(x) ? numAbs(x) : 0;
}

export function floor(x: usize): usize {
  return isNum(x) ? numRound(x, 0) : 0;
}

export function ceil(x: usize): usize {
  return isNum(x) ? numRound(x, 1) : 0;
}

export function round(x: usize): usize {
  return isNum(x) ? numRound(x, 2) : 0;
}

/** Refuses ranges that would exhaust memory rather than trapping half-way. */
const MAX_RANGE_LENGTH: i64 = 100000000;

function range(from: i64, to: i64, step: i64): usize {
  const span = from <= to ? to - from : from - to;
  if (span < 0 || span / step >= MAX_RANGE_LENGTH) return 0;
  const n = <u32>(span / step + 1);
  const out = makeArray(n);
  const dir: i64 = from <= to ? step : -step;
  let x = from;
  for (let i: u32 = 0; i < n; i++) {
    arrayAppend(out, makeInt(x));
    x += dir;
  }
  return out;
}

/** numbers.range(a, b): integers from a to b inclusive, descending when b < a. */
export function numbersRange(a: usize, b: usize): usize {
  if (!isInt(a) || !isInt(b)) return 0;
  return range(int(a), int(b), 1);
}

/** numbers.range_step(a, b, step): like numbers.range with a positive step; b is included when reached. */
export function numbersRangeStep(a: usize, b: usize, step: usize): usize {
  if (!isInt(a) || !isInt(b) || !isNum(step) || !isIntegral(step) || isNegative(step)) return 0;
  // A step beyond 64 bits is wider than any 64-bit span: only the start is in range.
  if (!isInt(step)) return range(int(a), int(a), 1);
  if (int(step) == 0) return 0;
  return range(int(a), int(b), int(step));
}

