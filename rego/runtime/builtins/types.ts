// Type tests, type_name, and the casts to_number and format_int.

import {
  TYPE_ARRAY, TYPE_BOOLEAN, TYPE_NULL, TYPE_NUMBER, TYPE_OBJECT, TYPE_SET, TYPE_STRING, asciiString, boolValue,
  copyString, makeBool, stringData, stringLen, typeOf,
} from "../value";
import { isNegative, magnitudeOf, makeInt, parseNumber } from "../number";
import { magDivSmall, magIsZero, lastSmallRemainder } from "../bigint";
import { alloc } from "../memory";
import { isA, isInt, int, isNum } from "./args";

export function isNumber(x: usize): usize {
  return x == 0 ? 0 : makeBool(isA(x, TYPE_NUMBER));
}

export function isString(x: usize): usize {
  return x == 0 ? 0 : makeBool(isA(x, TYPE_STRING));
}

export function isBoolean(x: usize): usize {
  return x == 0 ? 0 : makeBool(isA(x, TYPE_BOOLEAN));
}

export function isArray(x: usize): usize {
  return x == 0 ? 0 : makeBool(isA(x, TYPE_ARRAY));
}

export function isSet(x: usize): usize {
  return x == 0 ? 0 : makeBool(isA(x, TYPE_SET));
}

export function isObject(x: usize): usize {
  return x == 0 ? 0 : makeBool(isA(x, TYPE_OBJECT));
}

export function isNull(x: usize): usize {
  return x == 0 ? 0 : makeBool(isA(x, TYPE_NULL));
}

export function typeName(x: usize): usize {
  if (x == 0) return 0;
  switch (typeOf(x)) {
    case TYPE_NULL: return asciiString("null");
    case TYPE_BOOLEAN: return asciiString("boolean");
    case TYPE_NUMBER: return asciiString("number");
    case TYPE_STRING: return asciiString("string");
    case TYPE_ARRAY: return asciiString("array");
    case TYPE_OBJECT: return asciiString("object");
    default: return asciiString("set");
  }
}

/** to_number: null is 0, booleans 0/1, numbers themselves, strings parsed (an optional leading "+" allowed, as
 * Go's ParseFloat does); anything else, and "NaN"/"Inf" spellings, is undefined. */
export function toNumber(x: usize): usize {
  if (x == 0) return 0;
  const t = typeOf(x);
  if (t == TYPE_NULL) return makeInt(0);
  if (t == TYPE_BOOLEAN) return makeInt(boolValue(x) ? 1 : 0);
  if (t == TYPE_NUMBER) return x;
  if (t != TYPE_STRING) return 0;
  let p = stringData(x);
  let n = <usize>stringLen(x);
  if (n > 1 && load<u8>(p) == 43 && load<u8>(p + 1) != 45) {
    p++;
    n--;
  }
  return parseNumber(p, n);
}

/** format_int(number, base): the number truncated towards zero, in base 2, 8, 10 or 16 (lower-case digits). */
export function formatInt(x: usize, base: usize): usize {
  if (!isNum(x) || !isInt(base)) return 0;
  const b = int(base);
  if (b != 2 && b != 8 && b != 10 && b != 16) return 0;
  let mag = magnitudeOf(x);
  const negative = isNegative(x) && !magIsZero(mag);
  // Digits come out least significant first into the end of a scratch buffer.
  const cap: usize = 4 + (<usize>load<u32>(mag)) * 32 + 1;
  const buf = alloc(cap);
  let p = buf + cap;
  do {
    mag = magDivSmall(mag, <u32>b);
    p--;
    store<u8>(p, <u8>(lastSmallRemainder < 10 ? 48 + lastSmallRemainder : 87 + lastSmallRemainder));
  } while (!magIsZero(mag));
  if (negative) {
    p--;
    store<u8>(p, 45);
  }
  return copyString(p, <u32>(buf + cap - p));
}

