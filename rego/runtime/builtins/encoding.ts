// json.marshal/unmarshal/is_valid, base64 and base64url, hex.

import { makeBool, makeString, stringData, stringLen } from "../value";
import { alloc } from "../memory";
import { marshalJson, parseJson } from "../json";
import { isString } from "./args";

export function jsonMarshal(x: usize): usize {
  if (x == 0) return 0;
  const w = marshalJson(x);
  return makeString(w.buf, <u32>w.len);
}

export function jsonUnmarshal(s: usize): usize {
  return isString(s) ? parseJson(stringData(s), stringLen(s)) : 0;
}

export function jsonIsValid(s: usize): usize {
  if (s == 0) return 0;
  return makeBool(isString(s) && parseJson(stringData(s), stringLen(s)) != 0);
}

const STD = memory.data<u8>([
  65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90,
  97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119,
  120, 121, 122, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 43, 47,
]);
const URL = memory.data<u8>([
  65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90,
  97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119,
  120, 121, 122, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 45, 95,
]);

function encode64(s: usize, alphabet: usize, pad: bool): usize {
  if (!isString(s)) return 0;
  const p = stringData(s);
  const n = <usize>stringLen(s);
  const out = alloc(((n + 2) / 3) * 4);
  let o: usize = 0;
  let i: usize = 0;
  for (; i + 3 <= n; i += 3) {
    const x = (<u32>load<u8>(p + i) << 16) | (<u32>load<u8>(p + i + 1) << 8) | load<u8>(p + i + 2);
    store<u8>(out + o, load<u8>(alphabet + (x >> 18)));
    store<u8>(out + o + 1, load<u8>(alphabet + ((x >> 12) & 63)));
    store<u8>(out + o + 2, load<u8>(alphabet + ((x >> 6) & 63)));
    store<u8>(out + o + 3, load<u8>(alphabet + (x & 63)));
    o += 4;
  }
  const rest = n - i;
  if (rest > 0) {
    let x = <u32>load<u8>(p + i) << 16;
    if (rest == 2) x |= <u32>load<u8>(p + i + 1) << 8;
    store<u8>(out + o, load<u8>(alphabet + (x >> 18)));
    store<u8>(out + o + 1, load<u8>(alphabet + ((x >> 12) & 63)));
    o += 2;
    if (rest == 2) store<u8>(out + o++, load<u8>(alphabet + ((x >> 6) & 63)));
    if (pad) {
      while (o % 4 != 0) store<u8>(out + o++, 61);
    }
  }
  return makeString(out, <u32>o);
}

function sextet(c: u8, url: bool): i32 {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c == (url ? 45 : 43)) return 62;
  if (c == (url ? 95 : 47)) return 63;
  return -1;
}

/** Decodes padded base64 as Go's (non-strict) decoder does, skipping CR and LF; 0 when malformed. */
function decode64(p: usize, n: usize, url: bool): usize {
  const out = alloc((n / 4) * 3 + 3);
  let o: usize = 0;
  let acc: u32 = 0;
  let bits: u32 = 0;
  let quads: usize = 0;
  let padding: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const c = load<u8>(p + i);
    if (c == 10 || c == 13) continue;
    quads++;
    if (c == 61) {
      padding++;
      continue;
    }
    // Data after padding is malformed.
    if (padding > 0) return 0;
    const d = sextet(c, url);
    if (d < 0) return 0;
    acc = (acc << 6) | <u32>d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      store<u8>(out + o++, <u8>(acc >> bits));
    }
  }
  // Whole quads; a quad carries 2 or 3 data characters before its padding, never 0 or 1.
  if (quads % 4 != 0 || padding > 2) return 0;
  if (padding > 0 && (quads - padding) % 4 < 2) return 0;
  return makeString(out, <u32>o);
}

export function base64Encode(s: usize): usize {
  return encode64(s, STD, true);
}

export function base64Decode(s: usize): usize {
  return isString(s) ? decode64(stringData(s), stringLen(s), false) : 0;
}

export function base64IsValid(s: usize): usize {
  if (s == 0) return 0;
  return makeBool(isString(s) && decode64(stringData(s), stringLen(s), false) != 0);
}

export function base64UrlEncode(s: usize): usize {
  return encode64(s, URL, true);
}

export function base64UrlEncodeNoPad(s: usize): usize {
  return encode64(s, URL, false);
}

/** base64url.decode accepts the padding being left out (RFC 7515), as OPA does. */
export function base64UrlDecode(s: usize): usize {
  if (!isString(s)) return 0;
  const p = stringData(s);
  const n = <usize>stringLen(s);
  if (n > 0 && load<u8>(p + n - 1) == 61) return decode64(p, n, true);
  const rest = n % 4;
  if (rest == 1) return 0;
  if (rest == 0) return decode64(p, n, true);
  const padded = alloc(n + 2);
  memory.copy(padded, p, n);
  store<u8>(padded + n, 61);
  store<u8>(padded + n + 1, 61);
  return decode64(padded, n + 4 - rest, true);
}

const HEX_DIGITS = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

export function hexEncode(s: usize): usize {
  if (!isString(s)) return 0;
  const p = stringData(s);
  const n = <usize>stringLen(s);
  const out = alloc(n * 2);
  for (let i: usize = 0; i < n; i++) {
    const c = load<u8>(p + i);
    store<u8>(out + 2 * i, load<u8>(HEX_DIGITS + (c >> 4)));
    store<u8>(out + 2 * i + 1, load<u8>(HEX_DIGITS + (c & 15)));
  }
  return makeString(out, <u32>(n * 2));
}

function nibble(c: u8): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

export function hexDecode(s: usize): usize {
  if (!isString(s)) return 0;
  const p = stringData(s);
  const n = <usize>stringLen(s);
  if (n % 2 != 0) return 0;
  const out = alloc(n / 2);
  for (let i: usize = 0; i < n; i += 2) {
    const hi = nibble(load<u8>(p + i));
    const lo = nibble(load<u8>(p + i + 1));
    if (hi < 0 || lo < 0) return 0;
    store<u8>(out + i / 2, <u8>((hi << 4) | lo));
  }
  return makeString(out, <u32>(n / 2));
}
