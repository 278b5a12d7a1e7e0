// object.keys, object.union_n and object.subset, for modules built by `opa build` (OPA's runtime imports them;
// ours has them natively too). Sets arrive as arrays (see args.ts), so a set operand is read as an array here.

import { BuiltinError, arr, jsonEqual, obj, typeName, type Json, type JsonObject } from './args.js';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A set of the object's keys; index.ts returns it in OPA's set order. */
function keys(v: unknown): string[] {
  return Object.keys(obj(v, 1));
}

/** object.union: b's entries win, except that two objects under one key are merged the same way. */
function merge(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [key, theirs] of Object.entries(b)) {
    const mine = out[key];
    out[key] = Object.hasOwn(a, key) && isObject(mine) && isObject(theirs) ? merge(mine, theirs) : theirs;
  }
  return out;
}

/** Left to right, later objects win. */
function unionN(v: unknown): JsonObject {
  const objects = arr(v, 1);
  let acc: JsonObject = {};
  for (const o of objects) {
    if (!isObject(o)) throw new BuiltinError(`operand 1 must be array of objects but got array containing ${typeName(o)}`);
    acc = merge(acc, o);
  }
  return acc;
}

/** `sub` appears in `sup` as one contiguous run. */
function containsRun(sup: Json[], sub: Json[]): boolean {
  for (let start = 0; start + sub.length <= sup.length; start++) {
    if (sub.every((x, j) => jsonEqual(sup[start + j], x))) return true;
  }
  return false;
}

/** Objects recursively by key, arrays as a contiguous run, anything else by equality. */
function isSubset(sup: Json, sub: Json): boolean {
  if (isObject(sup) && isObject(sub)) {
    return Object.entries(sub).every(([key, x]) => Object.hasOwn(sup, key) && isSubset(sup[key], x));
  }
  if (Array.isArray(sup) && Array.isArray(sub)) return containsRun(sup, sub);
  return jsonEqual(sup, sub);
}

function subset(sup: unknown, sub: unknown): boolean {
  const bothObjects = isObject(sup) && isObject(sub);
  const bothArrays = Array.isArray(sup) && Array.isArray(sub);
  if (!bothObjects && !bothArrays) {
    throw new BuiltinError('both arguments object.subset must be of the same type or array and set');
  }
  return isSubset(sup as Json, sub as Json);
}

export const objectBuiltins = {
  'object.keys': keys,
  'object.union_n': unionN,
  'object.subset': subset,
};
