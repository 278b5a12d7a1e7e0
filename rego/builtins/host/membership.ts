// The `in` operator (internal.member_2, internal.member_3). Our emitter calls the runtime's native versions;
// OPA's runtime has none, so a module built by `opa build` imports both from the host.
//
// A set arrives as an array (see args.ts): `x in s` is the same either way, but `k, v in s` can only be
// answered as for an array (k an index), which differs from OPA for a set (k and v both the element).

import { jsonEqual, type Json } from './args.js';

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** x in coll: an element of an array, or a value of an object; false for any other collection type. */
function member2(x: unknown, coll: unknown): boolean {
  if (Array.isArray(coll)) return coll.some((item) => jsonEqual(item, x));
  if (isObject(coll)) return Object.values(coll).some((value) => jsonEqual(value, x));
  return false;
}

/** k, v in coll: coll[k] == v, with k an array index or an object key; false otherwise. */
function member3(k: unknown, v: unknown, coll: unknown): boolean {
  if (Array.isArray(coll)) return typeof k === 'number' && Number.isInteger(k) && k >= 0 && k < coll.length && jsonEqual(coll[k], v);
  if (isObject(coll)) return typeof k === 'string' && Object.hasOwn(coll, k) && jsonEqual(coll[k], v);
  return false;
}

export const membershipBuiltins = {
  'internal.member_2': member2,
  'internal.member_3': member3,
};
