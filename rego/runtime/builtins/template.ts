// How a template string (`$"... {x} ..."`) prints an embedded value, as OPA prints it: a string as its text,
// every other value as its Rego term text, with OPA's spacing (`[1, "a"]`, `{"k": 2}`, `{42}`, `set()`). The
// planner calls this for each embedded value and joins the pieces with concat, so a set is printed as a set,
// which a host builtin (receiving JSON from OPA's SDK) could not do.

import { TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, TYPE_STRING, makeString, typeOf } from "../value";
import { arrayAt, arrayLen, entryKey, entryValue, sortedEntries, sortedEntry, tableCount } from "../collections";
import { writeValue } from "../json";
import { Writer, newWriter, writeAscii } from "../writer";

export function templateValue(v: usize): usize {
  if (v == 0) return 0;
  if (typeOf(v) == TYPE_STRING) return v;
  const w = newWriter(32);
  writeTerm(w, v);
  return makeString(w.buf, <u32>w.len);
}

function writeTerm(w: Writer, v: usize): void {
  const t = typeOf(v);
  if (t == TYPE_ARRAY) {
    writeAscii(w, "[");
    const n = arrayLen(v);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) writeAscii(w, ", ");
      writeTerm(w, arrayAt(v, i));
    }
    writeAscii(w, "]");
  } else if (t == TYPE_OBJECT || t == TYPE_SET) {
    const n = tableCount(v);
    if (t == TYPE_SET && n == 0) {
      writeAscii(w, "set()");
      return;
    }
    writeAscii(w, "{");
    const sorted = n > 0 ? sortedEntries(v) : 0;
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) writeAscii(w, ", ");
      const e = sortedEntry(sorted, i);
      writeTerm(w, entryKey(e));
      if (t == TYPE_OBJECT) {
        writeAscii(w, ": ");
        writeTerm(w, entryValue(e));
      }
    }
    writeAscii(w, "}");
  } else {
    // null, booleans, numbers and strings inside a collection print as in Rego syntax (strings quoted).
    writeValue(w, v, true);
  }
}
