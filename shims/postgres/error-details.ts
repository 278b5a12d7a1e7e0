// Errors of Postgres that repeat row values. An integrity constraint violation (SQLSTATE class 23) says which row
// failed in its DETAIL: `Failing row contains (2, bob@example.com, 987-65-4321)`, `Key (email)=(...) already
// exists`. A statement that reads no masked column (an UPDATE of another column that fails a NOT NULL or CHECK
// constraint) would thus show masked values in clear, so the shim withholds those details from every client.

const INTEGRITY_VIOLATION_CLASS = '23';
const WITHHELD = 'taskgate withholds the detail of integrity errors: it can show column values this task may not see';

/** The ErrorResponse `raw` with the DETAIL of an integrity violation replaced; other errors are returned as they are. */
export function withholdRowValues(raw: Buffer): Buffer {
  const fields = errorFields(raw);
  const code = fields.find(([tag]) => tag === 'C')?.[1];
  if (code === undefined || !code.startsWith(INTEGRITY_VIOLATION_CLASS) || !fields.some(([tag]) => tag === 'D')) return raw;
  return encode(raw[0]!, fields.map(([tag, value]) => [tag, tag === 'D' ? WITHHELD : value]));
}

/** The (tag, value) fields of an ErrorResponse or NoticeResponse, in order. */
function errorFields(raw: Buffer): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  let offset = 5;
  while (offset < raw.length && raw[offset] !== 0) {
    const tag = String.fromCharCode(raw[offset]!);
    const end = raw.indexOf(0, offset + 1);
    if (end < 0) throw new Error('an error field is not terminated');
    fields.push([tag, raw.toString('utf8', offset + 1, end)]);
    offset = end + 1;
  }
  return fields;
}

function encode(type: number, fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const body = Buffer.concat([...fields.map(([tag, value]) => Buffer.concat([Buffer.from(tag, 'latin1'), Buffer.from(value, 'utf8'), Buffer.alloc(1)])), Buffer.alloc(1)]);
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
