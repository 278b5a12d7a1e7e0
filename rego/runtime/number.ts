// Numbers: exact integers (64-bit, or arbitrary precision beyond that) and doubles, as OPA's values behave.
//
//   [type 3 @0 | kind u8 @1 | negative u8 @2 (big only) | payload @8: i64, f64 or magnitude pointer]
//
// Doubles are normalised: an integral double within the 64-bit range becomes an integer, and a big integer that
// fits 64 bits becomes a plain integer, so equal numbers have equal kinds (that keeps hashing simple) and print
// as OPA prints them (`1.5 + 2.5` is `4`).

import { alloc } from "./memory";
import { TYPE_NUMBER } from "./value";
import { Writer, writeByte, writeI64 } from "./writer";
import {
  magAdd, magCompare, magDivMod, magDivSmall, magFitsU64, magFromF64, magFromU64, magIsZero, magMul,
  magMulSmallAdd, magSub, magToF64, magToU64, lastRemainder, lastSmallRemainder,
} from "./bigint";
import { parseDecimal, writeDouble } from "./float";

export const KIND_INT: u8 = 0;
export const KIND_FLOAT: u8 = 1;
export const KIND_BIG: u8 = 2;

const TWO_POW_63: f64 = 9223372036854775808.0;

// @ts-ignore: decorator
@inline export function numKind(v: usize): u8 {
  return load<u8>(v, 1);
}

// @ts-ignore: decorator
@inline export function intValue(v: usize): i64 {
  return load<i64>(v, 8);
}

// @ts-ignore: decorator
@inline export function floatValue(v: usize): f64 {
  return load<f64>(v, 8);
}

// @ts-ignore: decorator
@inline function bigNegative(v: usize): bool {
  return load<u8>(v, 2) != 0;
}

// @ts-ignore: decorator
@inline function bigMag(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

function header(kind: u8): usize {
  const v = alloc(16);
  store<u32>(v, <u32>TYPE_NUMBER | ((<u32>kind) << 8));
  return v;
}

export function makeInt(x: i64): usize {
  const v = header(KIND_INT);
  store<i64>(v, x, 8);
  return v;
}

/** A double; returns 0 (undefined) for NaN and infinities, which Rego numbers cannot be. */
export function makeFloat(x: f64): usize {
  if (!isFinite(x)) return 0;
  if (Math.floor(x) == x && x >= -TWO_POW_63 && x < TWO_POW_63) return makeInt(<i64>x);
  const v = header(KIND_FLOAT);
  store<f64>(v, x, 8);
  return v;
}

/** A signed big integer; plain when it fits 64 bits. */
export function makeBig(negative: bool, mag: usize): usize {
  if (magFitsU64(mag)) {
    const u = magToU64(mag);
    if (!negative && u <= <u64>i64.MAX_VALUE) return makeInt(<i64>u);
    if (negative && u <= (<u64>i64.MAX_VALUE) + 1) return makeInt(<i64>(0 - u));
  }
  const v = header(KIND_BIG);
  store<u8>(v, negative ? 1 : 0, 2);
  store<u32>(v, <u32>mag, 8);
  return v;
}

/** Integral numbers (any size), including doubles beyond the 64-bit range, which are always integral. */
export function isIntegral(v: usize): bool {
  return numKind(v) != KIND_FLOAT || Math.floor(floatValue(v)) == floatValue(v);
}

/** True for plain 64-bit integers, the common case builtins take fast paths on. */
export function isSmallInt(v: usize): bool {
  return numKind(v) == KIND_INT;
}

export function toF64(v: usize): f64 {
  const kind = numKind(v);
  if (kind == KIND_INT) return <f64>intValue(v);
  if (kind == KIND_FLOAT) return floatValue(v);
  const x = magToF64(bigMag(v));
  return bigNegative(v) ? -x : x;
}

export function isNegative(v: usize): bool {
  const kind = numKind(v);
  if (kind == KIND_INT) return intValue(v) < 0;
  if (kind == KIND_FLOAT) return floatValue(v) < 0;
  return bigNegative(v);
}

/** The magnitude of an integral number (a double's integral part). */
export function magnitudeOf(v: usize): usize {
  const kind = numKind(v);
  if (kind == KIND_BIG) return bigMag(v);
  if (kind == KIND_FLOAT) return magFromF64(Math.abs(floatValue(v)));
  const x = intValue(v);
  return magFromU64(x < 0 ? <u64>(-(x + 1)) + 1 : <u64>x);
}

// ---- comparison

export function compareNumbers(a: usize, b: usize): i32 {
  const ka = numKind(a);
  const kb = numKind(b);
  if (ka == KIND_INT && kb == KIND_INT) {
    const x = intValue(a);
    const y = intValue(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ka == KIND_FLOAT || kb == KIND_FLOAT) {
    const x = toF64(a);
    const y = toF64(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  // At least one big integer, whose magnitude is beyond every plain integer's.
  const na = isNegative(a);
  const nb = isNegative(b);
  if (na != nb) return na ? -1 : 1;
  const c = magCompare(magnitudeOf(a), magnitudeOf(b));
  return na ? -c : c;
}

export function hashNumber(v: usize): u64 {
  const kind = numKind(v);
  if (kind == KIND_INT) return <u64>intValue(v);
  return reinterpret<u64>(toF64(v));
}

// ---- arithmetic; each returns 0 (undefined) when the result is not a number (overflow to infinity, /0)

function signedAdd(aNeg: bool, a: usize, bNeg: bool, b: usize): usize {
  if (aNeg == bNeg) return makeBig(aNeg, magAdd(a, b));
  const c = magCompare(a, b);
  if (c == 0) return makeInt(0);
  return c > 0 ? makeBig(aNeg, magSub(a, b)) : makeBig(bNeg, magSub(b, a));
}

function bothIntegral(a: usize, b: usize): bool {
  return numKind(a) != KIND_FLOAT && numKind(b) != KIND_FLOAT;
}

export function numAdd(a: usize, b: usize): usize {
  if (isSmallInt(a) && isSmallInt(b)) {
    const x = intValue(a);
    const y = intValue(b);
    const r = x + y;
    if (((x ^ r) & (y ^ r)) >= 0) return makeInt(r);
  }
  if (bothIntegral(a, b)) return signedAdd(isNegative(a), magnitudeOf(a), isNegative(b), magnitudeOf(b));
  return makeFloat(toF64(a) + toF64(b));
}

export function numSub(a: usize, b: usize): usize {
  if (isSmallInt(a) && isSmallInt(b)) {
    const x = intValue(a);
    const y = intValue(b);
    const r = x - y;
    if (((x ^ y) & (x ^ r)) >= 0) return makeInt(r);
  }
  if (bothIntegral(a, b)) return signedAdd(isNegative(a), magnitudeOf(a), !isNegative(b), magnitudeOf(b));
  return makeFloat(toF64(a) - toF64(b));
}

function fitsI32(x: i64): bool {
  return x >= i32.MIN_VALUE && x <= i32.MAX_VALUE;
}

export function numMul(a: usize, b: usize): usize {
  if (isSmallInt(a) && isSmallInt(b) && fitsI32(intValue(a)) && fitsI32(intValue(b))) {
    return makeInt(intValue(a) * intValue(b));
  }
  if (bothIntegral(a, b)) {
    return makeBig(isNegative(a) != isNegative(b), magMul(magnitudeOf(a), magnitudeOf(b)));
  }
  return makeFloat(toF64(a) * toF64(b));
}

function isZero(v: usize): bool {
  const kind = numKind(v);
  if (kind == KIND_INT) return intValue(v) == 0;
  if (kind == KIND_FLOAT) return floatValue(v) == 0;
  return false;
}

/** Division: exact integer quotients stay integers (`4 / 2` is `2`), others are doubles; `x / 0` is undefined. */
export function numDiv(a: usize, b: usize): usize {
  if (isZero(b)) return 0;
  if (bothIntegral(a, b)) {
    if (isSmallInt(a) && isSmallInt(b)) {
      const x = intValue(a);
      const y = intValue(b);
      if (!(x == i64.MIN_VALUE && y == -1) && x % y == 0) return makeInt(x / y);
    } else {
      const q = magDivMod(magnitudeOf(a), magnitudeOf(b));
      if (magIsZero(lastRemainder)) return makeBig(isNegative(a) != isNegative(b), q);
    }
  }
  return makeFloat(toF64(a) / toF64(b));
}

/** Remainder with the dividend's sign, integers only (OPA refuses `%` on non-integral numbers). */
export function numRem(a: usize, b: usize): usize {
  if (isZero(b) || !isIntegral(a) || !isIntegral(b)) return 0;
  if (isSmallInt(a) && isSmallInt(b)) {
    const y = intValue(b);
    if (y == -1) return makeInt(0);
    return makeInt(intValue(a) % y);
  }
  magDivMod(magnitudeOf(a), magnitudeOf(b));
  return makeBig(isNegative(a), lastRemainder);
}

export function numNeg(v: usize): usize {
  const kind = numKind(v);
  if (kind == KIND_FLOAT) return makeFloat(-floatValue(v));
  if (kind == KIND_INT && intValue(v) != i64.MIN_VALUE) return makeInt(-intValue(v));
  return makeBig(!isNegative(v), magnitudeOf(v));
}

export function numAbs(v: usize): usize {
  return isNegative(v) ? numNeg(v) : v;
}

/** Applies a double rounding function (floor, ceil, round) to non-integers; integers are already whole. */
export function numRound(v: usize, mode: i32): usize {
  if (numKind(v) != KIND_FLOAT) return v;
  const x = floatValue(v);
  if (mode == 0) return makeFloat(Math.floor(x));
  if (mode == 1) return makeFloat(Math.ceil(x));
  // Go's math.Round: half away from zero.
  const r = Math.floor(Math.abs(x) + 0.5);
  return makeFloat(x < 0 ? -r : r);
}

// ---- text

/** Parses a number in JSON syntax; 0 when the text is not one. */
export function parseNumber(ptr: usize, len: usize): usize {
  if (len == 0) return 0;
  let i: usize = 0;
  const negative = load<u8>(ptr) == 45;
  if (negative) i++;
  const intStart = i;
  while (i < len && isDigit(load<u8>(ptr + i))) i++;
  const intDigits = i - intStart;
  if (intDigits == 0) return 0;
  if (intDigits > 1 && load<u8>(ptr + intStart) == 48) return 0;
  let integral = true;
  if (i < len && load<u8>(ptr + i) == 46) {
    integral = false;
    i++;
    const fracStart = i;
    while (i < len && isDigit(load<u8>(ptr + i))) i++;
    if (i == fracStart) return 0;
  }
  if (i < len && (load<u8>(ptr + i) | 32) == 101) {
    integral = false;
    i++;
    if (i < len && (load<u8>(ptr + i) == 43 || load<u8>(ptr + i) == 45)) i++;
    const expStart = i;
    while (i < len && isDigit(load<u8>(ptr + i))) i++;
    if (i == expStart) return 0;
  }
  if (i != len) return 0;
  if (integral) return parseInteger(ptr + intStart, intDigits, negative);
  return makeFloat(parseDecimal(ptr, len));
}

// @ts-ignore: decorator
@inline function isDigit(c: u8): bool {
  return c >= 48 && c <= 57;
}

/** Longer integer literals are refused: their arithmetic and printing are quadratic, and no real document has
 * them. */
const MAX_INTEGER_DIGITS: usize = 4096;

function parseInteger(digits: usize, n: usize, negative: bool): usize {
  if (n <= 18) {
    let x: i64 = 0;
    for (let i: usize = 0; i < n; i++) x = x * 10 + <i64>(load<u8>(digits + i) - 48);
    return makeInt(negative ? -x : x);
  }
  if (n > MAX_INTEGER_DIGITS) return 0;
  // Nine digits at a time: one big-integer step per chunk.
  let mag = magFromU64(0);
  let i: usize = 0;
  while (i < n) {
    let chunk: u32 = 0;
    let factor: u32 = 1;
    for (let k = 0; k < 9 && i < n; k++, i++) {
      chunk = chunk * 10 + (load<u8>(digits + i) - 48);
      factor *= 10;
    }
    mag = magMulSmallAdd(mag, factor, chunk);
  }
  return makeBig(negative, mag);
}

export function writeNumber(w: Writer, v: usize): void {
  const kind = numKind(v);
  if (kind == KIND_INT) {
    writeI64(w, intValue(v));
  } else if (kind == KIND_BIG) {
    writeBig(w, bigNegative(v), bigMag(v));
  } else {
    writeDouble(w, floatValue(v));
  }
}

function writeBig(w: Writer, negative: bool, mag: usize): void {
  // Peel off nine decimal digits at a time, least significant first, then write the groups in reverse.
  const groups = alloc(4 * (4 + (magLenOf(mag) * 10) / 9 + 1));
  let count: u32 = 0;
  let m = mag;
  while (!magIsZero(m)) {
    m = magDivSmall(m, 1000000000);
    store<u32>(groups + ((<usize>count) << 2), lastSmallRemainder);
    count++;
  }
  if (negative) writeByte(w, 45);
  if (count == 0) {
    writeByte(w, 48);
    return;
  }
  writeI64(w, load<u32>(groups + ((<usize>(count - 1)) << 2)));
  for (let g = <i32>count - 2; g >= 0; g--) {
    const group = load<u32>(groups + ((<usize>g) << 2));
    let div: u32 = 100000000;
    while (div > 0) {
      writeByte(w, <u8>(48 + (group / div) % 10));
      div /= 10;
    }
  }
}

function magLenOf(mag: usize): u32 {
  return load<u32>(mag);
}
