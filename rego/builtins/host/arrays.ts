// array.flatten, the one array builtin the WASM runtime leaves to the host.

import { arr, type Json } from './args.js';

/** Spreads the elements of each array element into the result: one level deep, as OPA does. */
function flatten(v: unknown): Json[] {
  return arr(v, 1).flatMap((item) => (Array.isArray(item) ? item : [item]));
}

export const arrayBuiltins = {
  'array.flatten': flatten,
};
