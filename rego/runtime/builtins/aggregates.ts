// count, sum, product, max, min, sort, all, any over arrays and sets (count also objects and strings).

import { TYPE_STRING, isBool, makeBool, stringData, stringLen, typeOf } from "../value";
import { makeInt, numAdd, numMul } from "../number";
import { arrayAppend, arrayElems, isCollection, makeArray } from "../collections";
import { compareValues } from "../compare";
import { sortPointers } from "../sort";
import { valueLength } from "../access";
import { countRunes } from "../utf8";
import { elementAt, elementCount, elementsOf, isArrayOrSet, isNum } from "./args";

export function count(x: usize): usize {
  if (x == 0) return 0;
  if (typeOf(x) == TYPE_STRING) return makeInt(countRunes(stringData(x), stringLen(x)));
  return isCollection(x) ? makeInt(valueLength(x)) : 0;
}

/** Folds the numbers of an array or set with op, starting from start; undefined if any element is not a number. */
function fold(xs: usize, start: i64, multiply: bool): usize {
  if (!isArrayOrSet(xs)) return 0;
  const sorted = elementsOf(xs);
  const n = elementCount(xs);
  let acc = makeInt(start);
  for (let i: u32 = 0; i < n; i++) {
    const x = elementAt(xs, sorted, i);
    if (!isNum(x)) return 0;
    acc = multiply ? numMul(acc, x) : numAdd(acc, x);
    if (acc == 0) return 0;
  }
  return acc;
}

export function sum(xs: usize): usize {
  return fold(xs, 0, false);
}

export function product(xs: usize): usize {
  return fold(xs, 1, true);
}

/** The greatest (sign 1) or least (sign -1) element in OPA's order; undefined when empty. */
function extreme(xs: usize, sign: i32): usize {
  if (!isArrayOrSet(xs)) return 0;
  const n = elementCount(xs);
  if (n == 0) return 0;
  const sorted = elementsOf(xs);
  let best = elementAt(xs, sorted, 0);
  for (let i: u32 = 1; i < n; i++) {
    const x = elementAt(xs, sorted, i);
    if (compareValues(x, best) * sign > 0) best = x;
  }
  return best;
}

export function max(xs: usize): usize {
  return extreme(xs, 1);
}

export function min(xs: usize): usize {
  return extreme(xs, -1);
}

export function sort(xs: usize): usize {
  if (!isArrayOrSet(xs)) return 0;
  const n = elementCount(xs);
  const sorted = elementsOf(xs);
  const out = makeArray(n);
  for (let i: u32 = 0; i < n; i++) arrayAppend(out, elementAt(xs, sorted, i));
  sortPointers(arrayElems(out), n, false);
  return out;
}

/** all/any: whether every/some element is the boolean true. */
function quantify(xs: usize, every: bool): usize {
  if (!isArrayOrSet(xs)) return 0;
  const n = elementCount(xs);
  const sorted = elementsOf(xs);
  for (let i: u32 = 0; i < n; i++) {
    if (isBool(elementAt(xs, sorted, i), true) != every) return makeBool(!every);
  }
  return makeBool(every);
}

export function all(xs: usize): usize {
  return quantify(xs, true);
}

export function any(xs: usize): usize {
  return quantify(xs, false);
}

