// equal, neq, lt, lte, gt, gte: defined on any two values, in OPA's total order.

import { makeBool } from "../value";
import { compareValues, valuesEqual } from "../compare";

// An undefined operand makes the comparison undefined, like every builtin call.

export function equal(a: usize, b: usize): usize {
  return a == 0 || b == 0 ? 0 : makeBool(valuesEqual(a, b));
}

export function neq(a: usize, b: usize): usize {
  return a == 0 || b == 0 ? 0 : makeBool(!valuesEqual(a, b));
}

export function lt(a: usize, b: usize): usize {
  return a == 0 || b == 0 ? 0 : makeBool(compareValues(a, b) < 0);
}

export function lte(a: usize, b: usize): usize {
  return a == 0 || b == 0 ? 0 : makeBool(compareValues(a, b) <= 0);
}

export function gt(a: usize, b: usize): usize {
  return a == 0 || b == 0 ? 0 : makeBool(compareValues(a, b) > 0);
}

export function gte(a: usize, b: usize): usize {
  return a == 0 || b == 0 ? 0 : makeBool(compareValues(a, b) >= 0);
}
