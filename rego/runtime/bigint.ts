// Arbitrary-precision non-negative integers ("magnitudes") for Rego numbers beyond 64 bits.
// A magnitude is a block: [limb count u32 @0 | limbs u32 little-endian @4...], normalised (no leading zero limbs;
// zero has no limbs). Magnitudes are immutable once returned.

import { alloc } from "./memory";

// @ts-ignore: decorator
@inline export function magLen(m: usize): u32 {
  return load<u32>(m);
}

// @ts-ignore: decorator
@inline export function limb(m: usize, i: u32): u32 {
  return load<u32>(m + 4 + ((<usize>i) << 2));
}

// @ts-ignore: decorator
@inline function setLimb(m: usize, i: u32, x: u32): void {
  store<u32>(m + 4 + ((<usize>i) << 2), x);
}

function magAlloc(n: u32): usize {
  const m = alloc(4 + ((<usize>n) << 2));
  store<u32>(m, n);
  // A plain loop: magnitudes are a few limbs long, where memory.fill's call costs more than the work.
  for (let i: u32 = 0; i < n; i++) setLimb(m, i, 0);
  return m;
}

function trim(m: usize): usize {
  let n = magLen(m);
  while (n > 0 && limb(m, n - 1) == 0) n--;
  store<u32>(m, n);
  return m;
}

export function magFromU64(x: u64): usize {
  const m = magAlloc(2);
  setLimb(m, 0, <u32>x);
  setLimb(m, 1, <u32>(x >> 32));
  return trim(m);
}

/** The magnitude as a u64 when it fits (check magFitsU64 first). */
export function magToU64(m: usize): u64 {
  const n = magLen(m);
  let x: u64 = 0;
  if (n > 0) x = limb(m, 0);
  if (n > 1) x |= (<u64>limb(m, 1)) << 32;
  return x;
}

export function magFitsU64(m: usize): bool {
  return magLen(m) <= 2;
}

export function magIsZero(m: usize): bool {
  return magLen(m) == 0;
}

export function magCompare(a: usize, b: usize): i32 {
  const na = magLen(a);
  const nb = magLen(b);
  if (na != nb) return na < nb ? -1 : 1;
  for (let i = <i32>na - 1; i >= 0; i--) {
    const x = limb(a, i);
    const y = limb(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

export function magAdd(a: usize, b: usize): usize {
  const na = magLen(a);
  const nb = magLen(b);
  const n = (na > nb ? na : nb) + 1;
  const r = magAlloc(n);
  let carry: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const s = (i < na ? <u64>limb(a, i) : 0) + (i < nb ? <u64>limb(b, i) : 0) + carry;
    setLimb(r, i, <u32>s);
    carry = s >> 32;
  }
  return trim(r);
}

/** a - b, requires a >= b. */
export function magSub(a: usize, b: usize): usize {
  const na = magLen(a);
  const nb = magLen(b);
  const r = magAlloc(na);
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < na; i++) {
    let d = <i64>limb(a, i) - (i < nb ? <i64>limb(b, i) : 0) - borrow;
    borrow = 0;
    if (d < 0) {
      d += <i64>0x100000000;
      borrow = 1;
    }
    setLimb(r, i, <u32>d);
  }
  return trim(r);
}

export function magMul(a: usize, b: usize): usize {
  const na = magLen(a);
  const nb = magLen(b);
  const r = magAlloc(na + nb);
  for (let i: u32 = 0; i < na; i++) {
    let carry: u64 = 0;
    const x = <u64>limb(a, i);
    for (let j: u32 = 0; j < nb; j++) {
      const t = x * <u64>limb(b, j) + <u64>limb(r, i + j) + carry;
      setLimb(r, i + j, <u32>t);
      carry = t >> 32;
    }
    setLimb(r, i + nb, <u32>carry);
  }
  return trim(r);
}

/** a * mul + add for small factors: building a magnitude from decimal digits. */
export function magMulSmallAdd(a: usize, mul: u32, add: u32): usize {
  const na = magLen(a);
  const r = magAlloc(na + 1);
  let carry: u64 = add;
  for (let i: u32 = 0; i < na; i++) {
    const t = <u64>limb(a, i) * <u64>mul + carry;
    setLimb(r, i, <u32>t);
    carry = t >> 32;
  }
  setLimb(r, na, <u32>carry);
  return trim(r);
}

/** Remainder of the last magDivSmall. */
export let lastSmallRemainder: u32 = 0;

/** a / d for a small divisor (d > 0); the remainder goes to lastSmallRemainder. */
export function magDivSmall(a: usize, d: u32): usize {
  const na = magLen(a);
  const q = magAlloc(na);
  let rem: u64 = 0;
  for (let i = <i32>na - 1; i >= 0; i--) {
    const cur = (rem << 32) | <u64>limb(a, i);
    setLimb(q, i, <u32>(cur / d));
    rem = cur % d;
  }
  lastSmallRemainder = <u32>rem;
  return trim(q);
}

export function bitLength(m: usize): u32 {
  const n = magLen(m);
  if (n == 0) return 0;
  return (n - 1) * 32 + (32 - <u32>clz(limb(m, n - 1)));
}

export function testBit(m: usize, bit: u32): bool {
  if ((bit >> 5) >= magLen(m)) return false;
  return ((limb(m, bit >> 5) >> (bit & 31)) & 1) != 0;
}

/** Whether any of the bits below position bit are set. */
export function anyBitBelow(m: usize, bit: u32): bool {
  const n = magLen(m);
  const whole = bit >> 5;
  for (let i: u32 = 0; i < whole && i < n; i++) if (limb(m, i) != 0) return true;
  if (whole < n && (bit & 31) != 0) return (limb(m, whole) & ((1 << (bit & 31)) - 1)) != 0;
  return false;
}

export function magShiftLeft(a: usize, bits: u32): usize {
  const na = magLen(a);
  if (na == 0) return a;
  const words = bits >> 5;
  const rest = bits & 31;
  const r = magAlloc(na + words + 1);
  for (let i: u32 = 0; i < na; i++) {
    const x = <u64>limb(a, i) << rest;
    setLimb(r, i + words, limb(r, i + words) | <u32>x);
    setLimb(r, i + words + 1, <u32>(x >> 32));
  }
  return trim(r);
}

/** The bits of a from position bit upwards (a >> bit). */
export function magShiftRight(a: usize, bits: u32): usize {
  const na = magLen(a);
  const words = bits >> 5;
  if (words >= na) return magAlloc(0);
  const rest = bits & 31;
  const n = na - words;
  const r = magAlloc(n);
  for (let i: u32 = 0; i < n; i++) {
    let x = <u64>limb(a, i + words) >> rest;
    if (rest != 0 && i + words + 1 < na) x |= <u64>limb(a, i + words + 1) << (32 - rest);
    setLimb(r, i, <u32>x);
  }
  return trim(r);
}

export function magPow10(k: u32): usize {
  let m = magFromU64(1);
  let left = k;
  while (left >= 9) {
    m = magMulSmallAdd(m, 1000000000, 0);
    left -= 9;
  }
  let factor: u32 = 1;
  for (; left > 0; left--) factor *= 10;
  return factor > 1 ? magMulSmallAdd(m, factor, 0) : m;
}

/** Remainder of the last magDivMod. */
export let lastRemainder: usize = 0;

/** a / b (b non-zero), truncated; the remainder goes to lastRemainder. Knuth's algorithm D on 32-bit limbs, after
 * Hacker's Delight (divmnu): normalise so the divisor's top bit is set, estimate each quotient limb from the top
 * two limbs, correct it at most twice, multiply-subtract, and add back in the rare case the estimate was high. */
export function magDivMod(a: usize, b: usize): usize {
  const n = magLen(b);
  const m = magLen(a);
  if (magCompare(a, b) < 0) {
    lastRemainder = a;
    return magAlloc(0);
  }
  if (n == 1) {
    const q = magDivSmall(a, limb(b, 0));
    lastRemainder = magFromU64(lastSmallRemainder);
    return q;
  }
  const shift = <u32>clz(limb(b, n - 1));
  const vn = magAlloc(n);
  for (let i = <i32>n - 1; i > 0; i--) {
    setLimb(vn, i, (limb(b, i) << shift) | <u32>((<u64>limb(b, i - 1)) >> (32 - shift)));
  }
  setLimb(vn, 0, limb(b, 0) << shift);
  const un = magAlloc(m + 1);
  setLimb(un, m, <u32>((<u64>limb(a, m - 1)) >> (32 - shift)));
  for (let i = <i32>m - 1; i > 0; i--) {
    setLimb(un, i, (limb(a, i) << shift) | <u32>((<u64>limb(a, i - 1)) >> (32 - shift)));
  }
  setLimb(un, 0, limb(a, 0) << shift);
  const q = magAlloc(m - n + 1);
  const base: u64 = 0x100000000;
  const vTop = <u64>limb(vn, n - 1);
  const vNext = <u64>limb(vn, n - 2);
  for (let j = <i32>(m - n); j >= 0; j--) {
    const ju = <u32>j;
    const num = ((<u64>limb(un, ju + n)) << 32) | <u64>limb(un, ju + n - 1);
    let qhat = num / vTop;
    let rhat = num - qhat * vTop;
    while (qhat >= base || qhat * vNext > ((rhat << 32) | <u64>limb(un, ju + n - 2))) {
      qhat--;
      rhat += vTop;
      if (rhat >= base) break;
    }
    let k: i64 = 0;
    let t: i64 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const p = qhat * <u64>limb(vn, i);
      t = <i64>limb(un, i + ju) - k - <i64>(p & 0xffffffff);
      setLimb(un, i + ju, <u32>t);
      k = <i64>(p >> 32) - (t >> 32);
    }
    t = <i64>limb(un, ju + n) - k;
    setLimb(un, ju + n, <u32>t);
    if (t < 0) {
      qhat--;
      let carry: u64 = 0;
      for (let i: u32 = 0; i < n; i++) {
        const sum = <u64>limb(un, i + ju) + <u64>limb(vn, i) + carry;
        setLimb(un, i + ju, <u32>sum);
        carry = sum >> 32;
      }
      setLimb(un, ju + n, <u32>(<u64>limb(un, ju + n) + carry));
    }
    setLimb(q, ju, <u32>qhat);
  }
  // The remainder is the low n limbs of un, shifted back.
  const r = magAlloc(n);
  for (let i: u32 = 0; i < n; i++) {
    const high = (<u64>limb(un, i + 1)) << (32 - shift);
    setLimb(r, i, shift == 0 ? limb(un, i) : <u32>((<u64>limb(un, i) >> shift) | high));
  }
  lastRemainder = trim(r);
  return trim(q);
}

/** r -= b in place (r >= b), for a magnitude the caller owns and has not shared yet. */
export function magSubInPlace(r: usize, b: usize): void {
  const nr = magLen(r);
  const nb = magLen(b);
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < nr; i++) {
    let d = <i64>limb(r, i) - (i < nb ? <i64>limb(b, i) : 0) - borrow;
    borrow = 0;
    if (d < 0) {
      d += <i64>0x100000000;
      borrow = 1;
    }
    setLimb(r, i, <u32>d);
  }
  trim(r);
}

export function magToF64(m: usize): f64 {
  let x: f64 = 0;
  for (let i = <i32>magLen(m) - 1; i >= 0; i--) x = x * 4294967296.0 + <f64>limb(m, i);
  return x;
}

/** The integral part of a finite, non-negative double as a magnitude. */
export function magFromF64(x: f64): usize {
  let n: u32 = 0;
  let t = x;
  while (t >= 1) {
    t = Math.floor(t / 4294967296.0);
    n++;
  }
  const m = magAlloc(n);
  let v = Math.floor(x);
  for (let i: u32 = 0; i < n; i++) {
    const q = Math.floor(v / 4294967296.0);
    setLimb(m, i, <u32>(v - q * 4294967296.0));
    v = q;
  }
  return trim(m);
}
