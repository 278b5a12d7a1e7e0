// numbers.range_step, for modules built by `opa build` (OPA's runtime imports it; ours has it natively too).

import { BuiltinError, rawJson, typeName } from './args.js';

/** The runtime refuses ranges this long rather than exhaust memory half-way; the host refuses the same ones. */
const MAX_RANGE_LENGTH = 100_000_000n;

/** OPA's BigIntOperand: a number holding an integer, with its two distinct complaints. */
function bigIntOperand(v: unknown, pos: number): bigint {
  if (typeof v !== 'number') throw new BuiltinError(`operand ${pos} must be integer but got ${typeName(v)}`);
  if (!Number.isInteger(v)) throw new BuiltinError(`operand ${pos} must be integer number but got floating-point number`);
  return BigInt(v);
}

/** Integers from `from` towards `to` by `step`; `to` is included when a step lands on it. */
function rangeStep(fromArg: unknown, toArg: unknown, stepArg: unknown): number[] | ArrayBuffer {
  const from = bigIntOperand(fromArg, 1);
  const to = bigIntOperand(toArg, 2);
  const step = bigIntOperand(stepArg, 3);
  if (step <= 0n) throw new BuiltinError('step must be a positive number above zero');
  const span = from <= to ? to - from : from - to;
  const length = span / step + 1n;
  if (length > MAX_RANGE_LENGTH) throw new BuiltinError(`range of ${length} numbers is too long`);
  const direction = from <= to ? step : -step;
  const items: bigint[] = [];
  for (let i = 0n, x = from; i < length; i++, x += direction) items.push(x);
  const safe = items.every((x) => Number.isSafeInteger(Number(x)));
  return safe ? items.map(Number) : rawJson(items);
}

export const numberBuiltins = {
  'numbers.range_step': rangeStep,
};
