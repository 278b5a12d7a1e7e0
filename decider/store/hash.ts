// The audit chain's hash: what exactly goes into it, byte for byte.
import { hash } from 'node:crypto';

/** prev_hash of the first record (seq 1): 64 zeros, since nothing precedes it. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped only if the encoding below changes; it is hashed first so that versions can never collide. */
const ENCODING_TAG = 'taskgate.audit.v1';

/**
 * The columns covered by the hash, in the order they are encoded: every column of the audit table but `hash`.
 * Adding a column means a new ENCODING_TAG.
 */
export const HASHED_COLUMNS = [
  'seq',
  'time',
  'kind',
  'session_id',
  'subject',
  'issuer',
  'task_id',
  'task_name',
  'resource',
  'operation_kind',
  'operation_action',
  'operation',
  'verdict',
  'reasons',
  'masks',
  'approval_id',
  'policy_revision',
  'latency_us',
  'actor',
  'detail',
  'prev_hash',
] as const;

export type HashedColumn = (typeof HASHED_COLUMNS)[number];
export type HashedRow = { readonly [C in HashedColumn]: string | number | null };

const TAG_BYTES = Buffer.from(`${ENCODING_TAG}\0`, 'utf8');
const NULL_FIELD = 0;
const PRESENT_FIELD = 1;

/**
 * hash = lowercase hex SHA-256 over
 *   UTF-8(ENCODING_TAG) || 0x00 || field(seq) || field(time) || ... || field(prev_hash)
 * with the fields in HASHED_COLUMNS order, each encoded as
 *   0x00                                     when the column is NULL,
 *   0x01 || uint32 big-endian byte length || UTF-8 bytes of the value's text   otherwise.
 * An integer column's text is its decimal form (no sign, no leading zeros); a JSON column's text is the stored
 * text as is (whatever JSON text the store wrote, ./audit-row.ts), so verifying never re-serializes anything.
 * The length prefix makes the encoding unambiguous: no two different rows encode to the same bytes.
 */
export function hashAuditRow(row: HashedRow): string {
  // One reused buffer, unless a record outgrows it, checked against an upper bound (UTF-8 takes at most 3 bytes
  // per UTF-16 unit) so that each field is written once: the store hashes every record it appends and verify()
  // every record it reads.
  let bound = TAG_BYTES.length;
  for (const column of HASHED_COLUMNS) {
    const value = row[column];
    bound += value === null ? 1 : 5 + (typeof value === 'string' ? value.length * 3 : MAX_NUMBER_TEXT);
  }
  const bytes = bound <= scratch.length ? scratch : Buffer.allocUnsafe(bound);
  let at = TAG_BYTES.copy(bytes, 0);
  for (const column of HASHED_COLUMNS) {
    const value = row[column];
    if (value === null) {
      bytes[at++] = NULL_FIELD;
      continue;
    }
    bytes[at] = PRESENT_FIELD;
    const length = bytes.write(typeof value === 'string' ? value : String(value), at + 5, 'utf8');
    bytes.writeUInt32BE(length, at + 1);
    at += 5 + length;
  }
  return hash('sha256', bytes.subarray(0, at), 'hex');
}

/** The longest text String() gives a number (-1.7976931348623157e+308), whatever a column read back holds. */
const MAX_NUMBER_TEXT = 24;

const scratch = Buffer.allocUnsafe(16 * 1024);
