// array.flatten, the one array builtin the WASM runtime leaves to the host, and array.reverse, which OPA's
// runtime imports from its host for modules built by `opa build` (ours has it natively too).

import { arr, type Json } from './args.js';

/** Spreads the elements of each array element into the result: one level deep, as OPA does. */
function flatten(v: unknown): Json[] {
  return arr(v, 1).flatMap((item) => (Array.isArray(item) ? item : [item]));
}

function reverse(v: unknown): Json[] {
  return [...arr(v, 1)].reverse();
}

export const arrayBuiltins = {
  'array.flatten': flatten,
  'array.reverse': reverse,
};
