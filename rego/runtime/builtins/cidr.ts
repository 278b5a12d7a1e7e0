// net.cidr_contains as OPA computes it with Go's net package: addresses parse as net.ParseIP / net.ParseCIDR do
// (strict dotted quads, RFC 4291 IPv6 text with an optional trailing dotted quad, no zones), an IPv4 network is
// 4 bytes and an IPv6 one 16, and IPNet.Contains compares an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the
// IPv4 address it maps to. A CIDR contains another when it contains both its first and its last address.

import { alloc } from "../memory";
import { makeBool, stringData, stringLen } from "../value";
import { isString } from "./args";

/** An address (4 or 16 bytes) and, for a network, its mask of the same length. */
@unmanaged
class Address {
  bytes: usize;
  len: u32;
  mask: usize;
}

function newAddress(): Address {
  const a = changetype<Address>(alloc(offsetof<Address>()));
  a.bytes = alloc(16);
  memory.fill(a.bytes, 0, 16);
  a.len = 16;
  a.mask = 0;
  return a;
}

function isDigit(c: u32): bool {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: u32): i32 {
  if (isDigit(c)) return <i32>(c - 0x30);
  if (c >= 0x61 && c <= 0x66) return <i32>(c - 0x61 + 10);
  if (c >= 0x41 && c <= 0x46) return <i32>(c - 0x41 + 10);
  return -1;
}

/** Four decimal fields 0-255 without leading zeros, written to out. */
function parseIPv4(p: usize, end: usize, out: usize): bool {
  for (let field = 0; field < 4; field++) {
    if (field > 0) {
      if (p >= end || load<u8>(p) != 0x2e) return false;
      p++;
    }
    const start = p;
    let value: u32 = 0;
    while (p < end && isDigit(load<u8>(p))) {
      value = value * 10 + (load<u8>(p) - 0x30);
      if (value > 255) return false;
      p++;
    }
    const digits = p - start;
    if (digits == 0 || (digits > 1 && load<u8>(start) == 0x30)) return false;
    store<u8>(out + field, <u8>value);
  }
  return p == end;
}

/** Groups of 1-4 hex digits, one `::` standing for at least one zero group, an optional dotted quad in the last
 * 32 bits; written to out (16 bytes). */
function parseIPv6(p: usize, end: usize, out: usize): bool {
  let ellipsis: i32 = -1;
  let i: i32 = 0;
  if (end - p >= 2 && load<u8>(p) == 0x3a && load<u8>(p + 1) == 0x3a) {
    ellipsis = 0;
    p += 2;
    if (p == end) return true;
  }
  while (i < 16) {
    const start = p;
    let value: u32 = 0;
    while (p < end && hexValue(load<u8>(p)) >= 0) {
      if (p - start >= 4) return false;
      value = (value << 4) | <u32>hexValue(load<u8>(p));
      p++;
    }
    if (p == start) return false;
    if (p < end && load<u8>(p) == 0x2e) {
      if ((ellipsis < 0 && i != 12) || i + 4 > 16) return false;
      if (!parseIPv4(start, end, out + <usize>i)) return false;
      i += 4;
      p = end;
      break;
    }
    store<u8>(out + <usize>i, <u8>(value >> 8));
    store<u8>(out + <usize>i + 1, <u8>value);
    i += 2;
    if (p == end) break;
    if (load<u8>(p) != 0x3a || p + 1 == end) return false;
    p++;
    if (load<u8>(p) == 0x3a) {
      if (ellipsis >= 0) return false;
      ellipsis = i;
      p++;
      if (p == end) break;
    }
  }
  if (p != end) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    const shift = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) store<u8>(out + <usize>(j + shift), load<u8>(out + <usize>j));
    for (let j = ellipsis; j < ellipsis + shift; j++) store<u8>(out + <usize>j, 0);
  } else if (ellipsis >= 0) {
    return false;
  }
  return true;
}

/** Which family the text is, as netip.ParseAddr decides: by the first `.` or `:`; a `%` (zone) first is an
 * error, and net.ParseIP/ParseCIDR refuse zoned addresses anyway. Returns 4, 6 or 0. */
function family(p: usize, end: usize): i32 {
  for (let q = p; q < end; q++) {
    const c = load<u8>(q);
    if (c == 0x2e) return 4;
    if (c == 0x3a) return 6;
    if (c == 0x25) return 0;
  }
  return 0;
}

function hasZone(p: usize, end: usize): bool {
  for (let q = p; q < end; q++) if (load<u8>(q) == 0x25) return true;
  return false;
}

/** The address in text as 16 bytes (IPv4 in its ::ffff: form, as net.ParseIP returns it); len 4 when the text
 * is a dotted quad (netip's Is4), which decides a CIDR's width. */
function parseAddress(p: usize, end: usize, a: Address): bool {
  const kind = family(p, end);
  if (kind == 4) {
    store<u16>(a.bytes + 10, 0xffff);
    if (!parseIPv4(p, end, a.bytes + 12)) return false;
    a.len = 4;
    return true;
  }
  if (kind == 6 && !hasZone(p, end)) {
    a.len = 16;
    return parseIPv6(p, end, a.bytes);
  }
  return false;
}

/** net.ParseIP: a 16-byte address. */
function parseIP(p: usize, end: usize): Address | null {
  const a = newAddress();
  if (!parseAddress(p, end, a)) return null;
  a.len = 16;
  return a;
}

/** net.ParseCIDR's network: the masked address (4 bytes for IPv4, 16 otherwise) and its mask. */
function parseCIDR(p: usize, end: usize): Address | null {
  let slash = p;
  while (slash < end && load<u8>(slash) != 0x2f) slash++;
  if (slash == end) return null;
  const a = newAddress();
  if (!parseAddress(p, slash, a)) return null;
  let bits: u32 = 0;
  let q = slash + 1;
  if (q == end) return null;
  for (; q < end; q++) {
    const c = load<u8>(q);
    if (!isDigit(c)) return null;
    bits = bits * 10 + (c - 0x30);
    if (bits > 0xffff) return null;
  }
  if (bits > a.len * 8) return null;
  if (a.len == 4) a.bytes += 12;
  a.mask = alloc(a.len);
  for (let i: u32 = 0; i < a.len; i++) {
    const ones: u32 = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? bits - 8 * i : 0;
    const m = <u8>(<u32>0xff << (8 - ones));
    store<u8>(a.mask + i, m);
    store<u8>(a.bytes + i, load<u8>(a.bytes + i) & m);
  }
  return a;
}

/** Go's IP.To4: the IPv4 bytes of a 4-byte or IPv4-mapped 16-byte address, else 0. */
function to4(bytes: usize, len: u32): usize {
  if (len == 4) return bytes;
  for (let i = 0; i < 10; i++) if (load<u8>(bytes + i) != 0) return 0;
  return load<u16>(bytes + 10) == 0xffff ? bytes + 12 : 0;
}

/** Go's IPNet.Contains. */
function networkContains(net: Address, ip: usize, ipLen: u32): bool {
  let base = to4(net.bytes, net.len);
  let baseLen: u32 = 4;
  if (base == 0) {
    base = net.bytes;
    baseLen = 16;
  }
  let mask = net.mask;
  if (net.len == 4 && baseLen != 4) return false;
  if (net.len == 16 && baseLen == 4) mask += 12;
  const ip4 = to4(ip, ipLen);
  if (ip4 != 0) {
    ip = ip4;
    ipLen = 4;
  }
  if (ipLen != baseLen) return false;
  for (let i: u32 = 0; i < ipLen; i++) {
    const m = load<u8>(mask + i);
    if ((load<u8>(base + i) & m) != (load<u8>(ip + i) & m)) return false;
  }
  return true;
}

function lastAddress(net: Address): usize {
  const last = alloc(net.len);
  for (let i: u32 = 0; i < net.len; i++) {
    store<u8>(last + i, load<u8>(net.bytes + i) | ~load<u8>(net.mask + i));
  }
  return last;
}

export function cidrContains(cidr: usize, other: usize): usize {
  if (!isString(cidr) || !isString(other)) return 0;
  const net = parseCIDR(stringData(cidr), stringData(cidr) + stringLen(cidr));
  if (net == null) return 0;
  const p = stringData(other);
  const end = p + stringLen(other);
  const ip = parseIP(p, end);
  if (ip != null) return makeBool(networkContains(net, ip.bytes, ip.len));
  const inner = parseCIDR(p, end);
  if (inner == null) return 0;
  return makeBool(
    networkContains(net, inner.bytes, inner.len) && networkContains(net, lastAddress(inner), inner.len),
  );
}
