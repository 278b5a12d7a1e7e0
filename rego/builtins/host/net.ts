// net.cidr_*: IPv4 and IPv6 addresses as bigints, CIDRs as (address, prefix length, width), printed as Go's net
// package prints them (RFC 5952 for IPv6).

import { isIPv4, isIPv6 } from 'node:net';
import { BuiltinError, collection, str, type Json } from './args.js';

interface Cidr {
  /** Network address: the host bits cleared. */
  base: bigint;
  prefix: number;
  /** 32 for IPv4, 128 for IPv6. */
  bits: number;
}

const EXPAND_LIMIT = 1 << 20;

function parseIPv4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseIPv6(text: string): bigint {
  let s = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = parseIPv4(v4[1]);
    s = s.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An address alone; IPv4-mapped IPv6 addresses count as IPv4, as Go's To4 treats them. */
function parseIP(text: string): { value: bigint; bits: number } | undefined {
  if (isIPv4(text)) return { value: parseIPv4(text), bits: 32 };
  if (isIPv6(text) && !text.includes('%')) {
    const value = parseIPv6(text);
    if (value >> 32n === 0xffffn) return { value: value & 0xffffffffn, bits: 32 };
    return { value, bits: 128 };
  }
  return undefined;
}

function mask(bits: number, prefix: number): bigint {
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
}

function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const ip = parseIP(m[1]);
  if (!ip) return undefined;
  let prefix = Number(m[2]);
  // An IPv4-mapped address written with an IPv6 prefix keeps the IPv4 part of the prefix.
  if (ip.bits === 32 && isIPv6(m[1])) prefix -= 96;
  if (prefix < 0 || prefix > ip.bits) return undefined;
  return { base: ip.value & mask(ip.bits, prefix), prefix, bits: ip.bits };
}

function cidrOperand(v: unknown, pos: number): Cidr {
  const text = str(v, pos);
  const cidr = parseCidr(text);
  if (!cidr) throw new BuiltinError(`invalid CIDR address: ${text}`);
  return cidr;
}

/** A CIDR or a single address (a full-length prefix). */
function cidrOrIp(text: string): Cidr | undefined {
  const cidr = parseCidr(text);
  if (cidr) return cidr;
  const ip = parseIP(text);
  return ip ? { base: ip.value, prefix: ip.bits, bits: ip.bits } : undefined;
}

function last(c: Cidr): bigint {
  return c.base | ((1n << BigInt(c.bits - c.prefix)) - 1n);
}

function covers(outer: Cidr, inner: Cidr): boolean {
  return outer.bits === inner.bits && outer.prefix <= inner.prefix && (inner.base & mask(outer.bits, outer.prefix)) === outer.base;
}

export function formatIP(value: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIP(value & 0xffffffffn, 32)}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function formatCidr(c: Cidr): string {
  return `${formatIP(c.base, c.bits)}/${c.prefix}`;
}

function intersects(a: unknown, b: unknown): boolean {
  const x = cidrOperand(a, 1);
  const y = cidrOperand(b, 2);
  return x.bits === y.bits && (covers(x, y) || covers(y, x));
}

function isValid(v: unknown): boolean {
  return typeof v === 'string' && parseCidr(v) !== undefined;
}

function expand(cidr: unknown): string[] {
  const c = cidrOperand(cidr, 1);
  const count = 1n << BigInt(c.bits - c.prefix);
  if (count > BigInt(EXPAND_LIMIT)) throw new BuiltinError(`CIDR ${formatCidr(c)} has more than ${EXPAND_LIMIT} addresses`);
  const out: string[] = [];
  for (let i = 0n; i < count; i++) out.push(formatIP(c.base + i, c.bits));
  return out;
}

/** An address without a prefix: IPv4 takes its classful default mask (as Go's DefaultMask); IPv6 has none. */
function mergeOperand(text: string): Cidr {
  const cidr = parseCidr(text);
  if (cidr) return cidr;
  const ip = parseIP(text);
  if (!ip) throw new BuiltinError(`IP address invalid: ${text}`);
  if (ip.bits === 128) throw new BuiltinError('IPv6 invalid: needs prefix length');
  const first = Number(ip.value >> 24n);
  const prefix = first < 0x80 ? 8 : first < 0xc0 ? 16 : 24;
  return { base: ip.value & mask(32, prefix), prefix, bits: 32 };
}

function compareCidrs(a: Cidr, b: Cidr): number {
  if (a.bits !== b.bits) return a.bits - b.bits;
  if (a.base !== b.base) return a.base < b.base ? -1 : 1;
  return a.prefix - b.prefix;
}

function siblings(a: Cidr, b: Cidr): boolean {
  return (
    a.bits === b.bits && a.prefix === b.prefix && a.prefix > 0 && last(a) + 1n === b.base &&
    (a.base & mask(a.bits, a.prefix - 1)) === a.base
  );
}

/** One pass over sorted CIDRs: drops those inside the previous one and joins sibling halves. */
function mergeOnce(sorted: Cidr[]): Cidr[] {
  const out: Cidr[] = [];
  for (const c of sorted) {
    const prev = out[out.length - 1];
    if (prev && covers(prev, c)) continue;
    if (prev && siblings(prev, c)) out[out.length - 1] = { ...prev, prefix: prev.prefix - 1 };
    else out.push(c);
  }
  return out.sort(compareCidrs);
}

function merge(addresses: unknown): string[] {
  let cidrs = collection(addresses, 1).map((a) => mergeOperand(str(a, 1))).sort(compareCidrs);
  for (;;) {
    const next = mergeOnce(cidrs);
    if (next.length === cidrs.length) return next.map(formatCidr);
    cidrs = next;
  }
}

/** Entries of a contains_matches operand: a string, or a collection/object of strings or [cidr, ...] tuples. */
function matchEntries(v: unknown, pos: number): Array<[Json, string]> {
  if (typeof v === 'string') return [[v, v]];
  const entry = (key: Json, x: unknown): [Json, string] => {
    if (typeof x === 'string') return [key, x];
    if (Array.isArray(x) && x.length > 0 && typeof x[0] === 'string') return [key, x[0]];
    throw new BuiltinError(`operand ${pos}: element must be string or non-empty array`);
  };
  if (Array.isArray(v)) return v.map((x, i) => entry(i, x));
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => entry(k, x));
  throw new BuiltinError(`operand ${pos} must be string, array, set or object`);
}

function containsMatches(cidrs: unknown, addresses: unknown): Array<[Json, Json]> {
  const outer = matchEntries(cidrs, 1).map(([key, text]) => [key, cidrOperand(text, 1)] as const);
  const inner = matchEntries(addresses, 2);
  const found: Array<[Json, Json]> = [];
  for (const [outerKey, outerCidr] of outer) {
    for (const [innerKey, text] of inner) {
      const c = cidrOrIp(text);
      if (!c) throw new BuiltinError(`invalid CIDR address: ${text}`);
      if (covers(outerCidr, c)) found.push([outerKey, innerKey]);
    }
  }
  return found;
}

export const netBuiltins = {
  'net.cidr_intersects': intersects,
  'net.cidr_is_valid': isValid,
  'net.cidr_expand': expand,
  'net.cidr_merge': merge,
  'net.cidr_contains_matches': containsMatches,
};
