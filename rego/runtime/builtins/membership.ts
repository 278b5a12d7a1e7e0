// The `in` operator: internal.member_2 (x in coll) and internal.member_3 (k, v in coll).

import { TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, makeBool, typeOf } from "../value";
import { arrayAt, arrayLen, entryValue, setContains, sortedEntries, sortedEntry, tableCount } from "../collections";
import { valuesEqual } from "../compare";
import { valueGet } from "../access";

/** x in coll: an element of an array or set, or a value of an object; false for other types. */
export function member2(x: usize, coll: usize): usize {
  if (x == 0 || coll == 0) return 0;
  const t = typeOf(coll);
  if (t == TYPE_SET) return makeBool(setContains(coll, x));
  if (t == TYPE_ARRAY) {
    const n = arrayLen(coll);
    for (let i: u32 = 0; i < n; i++) if (valuesEqual(arrayAt(coll, i), x)) return makeBool(true);
    return makeBool(false);
  }
  if (t == TYPE_OBJECT) {
    const n = tableCount(coll);
    if (n == 0) return makeBool(false);
    const sorted = sortedEntries(coll);
    for (let i: u32 = 0; i < n; i++) if (valuesEqual(entryValue(sortedEntry(sorted, i)), x)) return makeBool(true);
    return makeBool(false);
  }
  return makeBool(false);
}

/** k, v in coll: coll[k] == v (an index of an array, a key of an object, an element of a set). */
export function member3(k: usize, v: usize, coll: usize): usize {
  if (k == 0 || v == 0 || coll == 0) return 0;
  const t = typeOf(coll);
  if (t != TYPE_ARRAY && t != TYPE_OBJECT && t != TYPE_SET) return makeBool(false);
  return makeBool(valuesEqual(valueGet(coll, k), v));
}
