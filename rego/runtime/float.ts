// Exact conversions between decimal text and doubles: correctly rounded parsing, and the shortest digits that
// read back as the same double (what JavaScript and Go's JSON encoder print). Both fall back on big integers,
// so they are exact where the usual fast algorithms are not.

import {
  anyBitBelow, bitLength, magCompare, magDivMod, magFromU64, magIsZero, magLen, magMul, magMulSmallAdd,
  magPow10, magShiftLeft, magShiftRight, magSubInPlace, magToU64, testBit, magAdd, lastRemainder,
} from "./bigint";
import { Writer, writeByte } from "./writer";

// Powers of ten that doubles represent exactly (up to 1e22).
function exactPow10(k: i32): f64 {
  let x: f64 = 1;
  for (let i = 0; i < k; i++) x *= 10;
  return x;
}

/** Rounds a big integer scaled by 2^-scale to the nearest double (ties to even); sticky says whether the value
 * had non-zero bits below the integer already. Handles subnormals by rounding at the smallest exponent. */
function roundToDouble(q: usize, scale: i32, sticky: bool): f64 {
  const len = <i32>bitLength(q);
  if (len == 0) return 0;
  let drop = len - 53;
  if (drop < scale - 1074) drop = scale - 1074;
  if (drop <= 0) return <f64>magToU64(q) * Math.pow(2, <f64>(-scale));
  let mant = magToU64(magShiftRight(q, <u32>drop));
  const half = testBit(q, <u32>(drop - 1));
  const rest = sticky || anyBitBelow(q, <u32>(drop - 1));
  if (half && (rest || (mant & 1) != 0)) mant++;
  // Two steps keep the power of two representable in extreme cases.
  const e = drop - scale;
  return <f64>mant * Math.pow(2, <f64>(e >> 1)) * Math.pow(2, <f64>(e - (e >> 1)));
}

/** The double nearest to the decimal digits (a magnitude) times 10^exp10. Callers bound exp10. */
export function decimalToDouble(digits: usize, digitCount: i32, exp10: i32): f64 {
  if (magIsZero(digits)) return 0;
  if (magLen(digits) <= 2 && magToU64(digits) < (<u64>1 << 53) && exp10 >= -22 && exp10 <= 22) {
    const m = <f64>magToU64(digits);
    return exp10 >= 0 ? m * exactPow10(exp10) : m / exactPow10(-exp10);
  }
  // Beyond the double range either way: no need for big arithmetic.
  if (digitCount + exp10 > 310) return Infinity;
  if (digitCount + exp10 < -330) return 0;
  if (exp10 >= 0) return roundToDouble(magMul(digits, magPow10(<u32>exp10)), 0, false);
  const divisor = magPow10(<u32>(-exp10));
  let shift = <i32>bitLength(divisor) - <i32>bitLength(digits) + 54;
  if (shift < 0) shift = 0;
  const q = magDivMod(magShiftLeft(digits, <u32>shift), divisor);
  return roundToDouble(q, shift, !magIsZero(lastRemainder));
}

/** Decimal digits beyond these cannot change a double's rounding (halfway cases need at most 767), so longer
 * inputs are cut here instead of costing quadratic big-integer work. */
const MAX_SIGNIFICANT_DIGITS: i32 = 800;

/** Parses the decimal text of a JSON number already validated by the caller (sign, digits, fraction, exponent). */
export function parseDecimal(ptr: usize, len: usize): f64 {
  let i: usize = 0;
  const negative = load<u8>(ptr) == 45;
  if (negative) i++;
  let digits = magFromU64(0);
  let digitCount: i32 = 0;
  let exp10: i32 = 0;
  let chunk: u32 = 0;
  let chunkDigits: u32 = 0;
  let seenDot = false;
  let sticky = false;
  for (; i < len; i++) {
    const c = load<u8>(ptr + i);
    if (c == 46) {
      seenDot = true;
      continue;
    }
    if (c < 48 || c > 57) break;
    if (digitCount >= MAX_SIGNIFICANT_DIGITS) {
      // Past the digits that can decide the rounding, only whether any is non-zero matters.
      if (!seenDot) exp10++;
      if (c != 48) sticky = true;
      continue;
    }
    if (seenDot) exp10--;
    // Leading zeros carry no digits.
    if (c == 48 && digitCount == 0) continue;
    chunk = chunk * 10 + (c - 48);
    chunkDigits++;
    digitCount++;
    if (chunkDigits == 9) {
      digits = magMulSmallAdd(digits, 1000000000, chunk);
      chunk = 0;
      chunkDigits = 0;
    }
  }
  if (chunkDigits > 0) {
    let factor: u32 = 1;
    for (let k: u32 = 0; k < chunkDigits; k++) factor *= 10;
    digits = magMulSmallAdd(digits, factor, chunk);
  }
  if (sticky) {
    // A trailing 1 below the kept digits: the value is strictly above them, which is all rounding needs.
    digits = magMulSmallAdd(digits, 10, 1);
    digitCount++;
    exp10--;
  }
  if (i < len) {
    i++;
    let expNegative = false;
    if (load<u8>(ptr + i) == 45 || load<u8>(ptr + i) == 43) expNegative = load<u8>(ptr + i++) == 45;
    let e: i32 = 0;
    for (; i < len; i++) if (e < 100000) e = e * 10 + (load<u8>(ptr + i) - 48);
    exp10 += expNegative ? -e : e;
  }
  const x = decimalToDouble(digits, digitCount, exp10);
  return negative ? -x : x;
}

// ---- shortest digits (Steele & White / Dragon4 free-format, with big integers)

const DIGITS = memory.data(32);
let decimalPoint: i32 = 0;

/** Writes the shortest decimal digits that read back as x (finite, positive) into DIGITS; returns the count and
 * sets decimalPoint: x = 0.DIGITS * 10^decimalPoint. */
function shortestDigits(x: f64): i32 {
  const bits = reinterpret<u64>(x);
  const biasedExp = <i32>((bits >> 52) & 0x7ff);
  const fraction = bits & 0xfffffffffffff;
  const f = biasedExp == 0 ? fraction : fraction | (<u64>1 << 52);
  const e = biasedExp == 0 ? -1074 : biasedExp - 1075;
  // The neighbour below is closer when f is a power of two (not for the smallest exponent).
  const unequalGaps = fraction == 0 && biasedExp > 1;
  const even = (f & 1) == 0;
  let r: usize, s: usize, mPlus: usize, mMinus: usize;
  if (e >= 0) {
    const be = magShiftLeft(magFromU64(1), <u32>e);
    if (!unequalGaps) {
      r = magShiftLeft(magFromU64(f), <u32>(e + 1));
      s = magFromU64(2);
      mPlus = be;
      mMinus = be;
    } else {
      r = magShiftLeft(magFromU64(f), <u32>(e + 2));
      s = magFromU64(4);
      mPlus = magShiftLeft(be, 1);
      mMinus = be;
    }
  } else if (!unequalGaps) {
    r = magShiftLeft(magFromU64(f), 1);
    s = magShiftLeft(magFromU64(1), <u32>(1 - e));
    mPlus = magFromU64(1);
    mMinus = magFromU64(1);
  } else {
    r = magShiftLeft(magFromU64(f), 2);
    s = magShiftLeft(magFromU64(1), <u32>(2 - e));
    mPlus = magFromU64(2);
    mMinus = magFromU64(1);
  }
  // Scale by an estimate of the decimal exponent, then correct it by one if needed.
  let k = <i32>Math.ceil(Math.log10(x) - 1e-10);
  if (k >= 0) {
    s = magMul(s, magPow10(<u32>k));
  } else {
    const p = magPow10(<u32>(-k));
    r = magMul(r, p);
    mPlus = magMul(mPlus, p);
    mMinus = magMul(mMinus, p);
  }
  // The estimate is exact or one too small (then the high boundary reaches s); rarely one too large (then even
  // ten times the high boundary stays below s and the first digit would be 0).
  const high = magCompare(magAdd(r, mPlus), s);
  if (even ? high >= 0 : high > 0) {
    s = magMulSmallAdd(s, 10, 0);
    k++;
  } else {
    const high10 = magCompare(magMulSmallAdd(magAdd(r, mPlus), 10, 0), s);
    if (even ? high10 < 0 : high10 <= 0) {
      r = magMulSmallAdd(r, 10, 0);
      mPlus = magMulSmallAdd(mPlus, 10, 0);
      mMinus = magMulSmallAdd(mMinus, 10, 0);
      k--;
    }
  }
  decimalPoint = k;
  let n: i32 = 0;
  while (true) {
    r = magMulSmallAdd(r, 10, 0);
    mPlus = magMulSmallAdd(mPlus, 10, 0);
    mMinus = magMulSmallAdd(mMinus, 10, 0);
    let d: u32 = 0;
    // r is a fresh product, so it may be reduced in place.
    while (magCompare(r, s) >= 0) {
      magSubInPlace(r, s);
      d++;
    }
    const lowCmp = magCompare(r, mMinus);
    const highCmp = magCompare(magAdd(r, mPlus), s);
    const low = even ? lowCmp <= 0 : lowCmp < 0;
    const highOk = even ? highCmp >= 0 : highCmp > 0;
    if (!low && !highOk) {
      store<u8>(DIGITS + <usize>n, <u8>(48 + d));
      n++;
      continue;
    }
    if (low && highOk) {
      // Both d and d + 1 read back as x: take the nearer, the even one on a tie.
      const twice = magCompare(magShiftLeft(r, 1), s);
      if (twice > 0 || (twice == 0 && (d & 1) == 1)) d++;
    } else if (highOk) {
      d++;
    }
    store<u8>(DIGITS + <usize>n, <u8>(48 + d));
      n++;
    return n;
  }
}

/** The fast path for the common doubles that have at most 15 significant digits (0.5, 123.456). Scaled by
 * 10^(14-k) to 15 integer digits, x is computed with an error below 0.11, and the doubles that read back as x
 * span less than 0.22: so at most one 15-digit decimal reads back as x, the integer nearest to the scaled value,
 * and any shorter one is that decimal with its trailing zeros dropped. Returns 0 when x needs 16 or 17 digits
 * or its exponent is outside the range of exact powers of ten; then Dragon4 decides. */
function shortDigits(x: f64): i32 {
  const k = <i32>Math.floor(Math.log10(x));
  if (k < -7 || k > 21) return 0;
  const e = 14 - k;
  const y = e >= 0 ? x * exactPow10(e) : x / exactPow10(-e);
  const m = Math.round(y);
  if (m < 1 || m >= 9007199254740992.0) return 0;
  if (decimalToDouble(magFromU64(<u64>m), 16, -e) != x) return 0;
  return storeDigits(<u64>m, -e);
}

/** Stores the digits of m (without trailing zeros) into DIGITS and sets decimalPoint for m * 10^exp10. */
function storeDigits(m: u64, exp10: i32): i32 {
  let count: i32 = 0;
  for (let t = m; t > 0; t /= 10) count++;
  let v = m;
  let trailing: i32 = 0;
  while (v % 10 == 0) {
    v /= 10;
    trailing++;
  }
  const n = count - trailing;
  for (let i = n - 1; i >= 0; i--) {
    store<u8>(DIGITS + <usize>i, <u8>(48 + <u32>(v % 10)));
    v /= 10;
  }
  decimalPoint = count + exp10;
  return n;
}

/** Writes a finite double as JavaScript's Number#toString does (Go's JSON encoder agrees): plain notation for
 * 1e-7 < |x| < 1e21, exponent notation (1e+21, 1.5e-7) outside. */
export function writeDouble(w: Writer, x: f64): void {
  if (x == 0) {
    writeByte(w, 48);
    return;
  }
  if (x < 0) {
    writeByte(w, 45);
    x = -x;
  }
  let n = shortDigits(x);
  if (n == 0) n = shortestDigits(x);
  const k = decimalPoint;
  if (n <= k && k <= 21) {
    for (let i = 0; i < n; i++) writeByte(w, load<u8>(DIGITS + <usize>i));
    for (let i = n; i < k; i++) writeByte(w, 48);
  } else if (0 < k && k <= 21) {
    for (let i = 0; i < n; i++) {
      if (i == k) writeByte(w, 46);
      writeByte(w, load<u8>(DIGITS + <usize>i));
    }
  } else if (-6 < k && k <= 0) {
    writeByte(w, 48);
    writeByte(w, 46);
    for (let i = k; i < 0; i++) writeByte(w, 48);
    for (let i = 0; i < n; i++) writeByte(w, load<u8>(DIGITS + <usize>i));
  } else {
    writeByte(w, load<u8>(DIGITS));
    if (n > 1) {
      writeByte(w, 46);
      for (let i = 1; i < n; i++) writeByte(w, load<u8>(DIGITS + <usize>i));
    }
    writeByte(w, 101);
    let e = k - 1;
    writeByte(w, e < 0 ? 45 : 43);
    if (e < 0) e = -e;
    if (e >= 100) writeByte(w, <u8>(48 + e / 100));
    if (e >= 10) writeByte(w, <u8>(48 + (e / 10) % 10));
    writeByte(w, <u8>(48 + e % 10));
  }
}

