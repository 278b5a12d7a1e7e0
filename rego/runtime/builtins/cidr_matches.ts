// net.cidr_contains_matches, natively: a set operand is reported by its elements (OPA's keys for a set) and the
// result is a set. Through the host, OPA's SDK hands both over as JSON, where a set is an array reported by index.
// Each pair is judged as net.cidr_contains judges it (builtins/cidr.ts).

import { TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, TYPE_STRING, boolValue, typeOf } from "../value";
import {
  arrayAppend, arrayAt, arrayLen, entryKey, entryValue, makeArray, makeSet, setAdd, sortedEntries, sortedEntry,
  tableCount,
} from "../collections";
import { makeInt } from "../number";
import { cidrContains } from "./cidr";

function pair(a: usize, b: usize): usize {
  const p = makeArray(2);
  arrayAppend(p, a);
  arrayAppend(p, b);
  return p;
}

/** The address an element names: a string, or the first element of a non-empty array; 0 for anything else. */
function addressOf(x: usize): usize {
  if (typeOf(x) == TYPE_STRING) return x;
  if (typeOf(x) == TYPE_ARRAY && arrayLen(x) > 0 && typeOf(arrayAt(x, 0)) == TYPE_STRING) return arrayAt(x, 0);
  return 0;
}

/**
 * The [key, address] pairs of an operand: a string is its own key; array elements are keyed by index, set
 * elements by themselves, object values by their key. 0 when the operand or an element has the wrong shape.
 */
function keyedAddresses(v: usize): usize {
  const t = typeOf(v);
  if (t == TYPE_STRING) {
    const one = makeArray(1);
    arrayAppend(one, pair(v, v));
    return one;
  }
  if (t == TYPE_ARRAY) {
    const n = arrayLen(v);
    const out = makeArray(n);
    for (let i: u32 = 0; i < n; i++) {
      const address = addressOf(arrayAt(v, i));
      if (address == 0) return 0;
      arrayAppend(out, pair(makeInt(i), address));
    }
    return out;
  }
  if (t != TYPE_SET && t != TYPE_OBJECT) return 0;
  const n = tableCount(v);
  const out = makeArray(n);
  if (n == 0) return out;
  const sorted = sortedEntries(v);
  for (let i: u32 = 0; i < n; i++) {
    const e = sortedEntry(sorted, i);
    const element = t == TYPE_SET ? entryKey(e) : entryValue(e);
    const address = addressOf(element);
    if (address == 0) return 0;
    arrayAppend(out, pair(entryKey(e), address));
  }
  return out;
}

export function cidrContainsMatches(cidrs: usize, addresses: usize): usize {
  const outer = keyedAddresses(cidrs);
  const inner = keyedAddresses(addresses);
  if (outer == 0 || inner == 0) return 0;
  const found = makeSet();
  for (let i: u32 = 0; i < arrayLen(outer); i++) {
    const net = arrayAt(arrayAt(outer, i), 1);
    // A first operand that is not a CIDR is an error even with nothing to match it against; a CIDR contains itself.
    if (cidrContains(net, net) == 0) return 0;
    for (let j: u32 = 0; j < arrayLen(inner); j++) {
      const contained = cidrContains(net, arrayAt(arrayAt(inner, j), 1));
      if (contained == 0) return 0;
      if (boolValue(contained)) setAdd(found, pair(arrayAt(arrayAt(outer, i), 0), arrayAt(arrayAt(inner, j), 0)));
    }
  }
  return found;
}
