// Errors of Postgres that repeat row values. An integrity constraint violation (SQLSTATE class 23) says which row
// failed in its DETAIL: `Failing row contains (2, bob@example.com, 987-65-4321)`, `Key (email)=(...) already
// exists`. A statement that reads no masked column (an UPDATE of another column that fails a NOT NULL or CHECK
// constraint) would thus show masked values in clear, so the shim withholds those details from every client.
import { MessageWriter } from './protocol/buffer-writer.js';

const INTEGRITY_VIOLATION_CLASS = '23';
/** Field tags: SQLSTATE and DETAIL. */
const CODE = 0x43; // C
const DETAIL = 0x44; // D
const WITHHELD = 'taskgate withholds the detail of integrity errors: it can show column values this task may not see';

/** The ErrorResponse `raw` with the DETAIL of an integrity violation replaced; other errors are returned as they are. */
export function withholdRowValues(raw: Buffer): Buffer {
  const fields = errorFields(raw);
  const code = fields.find((f) => f.tag === CODE);
  if (code === undefined || !raw.toString('latin1', code.start, code.end).startsWith(INTEGRITY_VIOLATION_CLASS)) return raw;
  if (!fields.some((f) => f.tag === DETAIL)) return raw;
  // Every other field is copied as bytes: they are in the session's client_encoding, which need not be UTF-8.
  const writer = new MessageWriter(raw[0]!, raw.length);
  for (const { tag, start, end } of fields) {
    writer.byte(tag);
    if (tag === DETAIL) writer.cstring(WITHHELD, 'DETAIL');
    else writer.bytes(raw.subarray(start, end)).byte(0);
  }
  return writer.byte(0).finish();
}

/** Where each field's value lies in an ErrorResponse: the bytes between its tag and its NUL. */
function errorFields(raw: Buffer): Array<{ tag: number; start: number; end: number }> {
  const fields: Array<{ tag: number; start: number; end: number }> = [];
  let offset = 5;
  while (offset < raw.length && raw[offset] !== 0) {
    const end = raw.indexOf(0, offset + 1);
    if (end < 0) throw new Error('an error field is not terminated');
    fields.push({ tag: raw[offset]!, start: offset + 1, end });
    offset = end + 1;
  }
  return fields;
}
