import { MessageWriter } from './buffer-writer.js';

/**
 * Backend messages the shim itself sends to its client: its own authentication exchange, its answers in place of
 * the server's (denies, notices, replies to skipped messages), and result rows it re-encodes after masking.
 * Fixed messages are built once and shared: callers must not modify the returned buffers.
 */

const BackendCode = {
  authentication: 0x52, // R
  parameterStatus: 0x53, // S
  backendKeyData: 0x4b, // K
  readyForQuery: 0x5a, // Z
  errorResponse: 0x45, // E
  noticeResponse: 0x4e, // N
  rowDescription: 0x54, // T
  dataRow: 0x44, // D
  commandComplete: 0x43, // C
  emptyQueryResponse: 0x49, // I
  parseComplete: 0x31, // 1
  bindComplete: 0x32, // 2
  closeComplete: 0x33, // 3
  noData: 0x6e, // n
  parameterDescription: 0x74, // t
} as const;

const AUTH_OK = 0;
const AUTH_CLEARTEXT_PASSWORD = 3;

function fixed(code: number, build?: (writer: MessageWriter) => void): Buffer {
  const writer = new MessageWriter(code, 16);
  build?.(writer);
  return writer.finish();
}

const AUTHENTICATION_OK = fixed(BackendCode.authentication, (w) => w.int32(AUTH_OK));
const AUTHENTICATION_CLEARTEXT = fixed(BackendCode.authentication, (w) => w.int32(AUTH_CLEARTEXT_PASSWORD));
const EMPTY_QUERY_RESPONSE = fixed(BackendCode.emptyQueryResponse);
const PARSE_COMPLETE = fixed(BackendCode.parseComplete);
const BIND_COMPLETE = fixed(BackendCode.bindComplete);
const CLOSE_COMPLETE = fixed(BackendCode.closeComplete);
const NO_DATA = fixed(BackendCode.noData);
const READY_FOR_QUERY = {
  I: fixed(BackendCode.readyForQuery, (w) => w.byte(0x49)),
  T: fixed(BackendCode.readyForQuery, (w) => w.byte(0x54)),
  E: fixed(BackendCode.readyForQuery, (w) => w.byte(0x45)),
} as const;
/** Answers to SSLRequest / GSSENCRequest: a single byte, no framing. */
const ENCRYPTION_ACCEPTED = Buffer.from('S');
const ENCRYPTION_REFUSED = Buffer.from('N');

export const authenticationOk = (): Buffer => AUTHENTICATION_OK;
export const authenticationCleartextPassword = (): Buffer => AUTHENTICATION_CLEARTEXT;
export const emptyQueryResponse = (): Buffer => EMPTY_QUERY_RESPONSE;
export const parseComplete = (): Buffer => PARSE_COMPLETE;
export const bindComplete = (): Buffer => BIND_COMPLETE;
export const closeComplete = (): Buffer => CLOSE_COMPLETE;
export const noData = (): Buffer => NO_DATA;

/** Idle, in a transaction block, or in a failed transaction block. */
export type TransactionStatus = 'I' | 'T' | 'E';
export const readyForQuery = (status: TransactionStatus): Buffer => READY_FOR_QUERY[status];

/** The one-byte answer to SSLRequest (or GSSENCRequest): 'S' to go ahead, 'N' to continue unencrypted. */
export const encryptionResponse = (accepted: boolean): Buffer => (accepted ? ENCRYPTION_ACCEPTED : ENCRYPTION_REFUSED);

export function parameterStatus(name: string, value: string): Buffer {
  return new MessageWriter(BackendCode.parameterStatus)
    .cstring(name, 'parameter name')
    .cstring(value, `value of parameter "${name}"`)
    .finish();
}

export function backendKeyData(processId: number, secretKey: number): Buffer {
  return new MessageWriter(BackendCode.backendKeyData, 16).int32(processId).int32(secretKey).finish();
}

export type ErrorSeverity = 'ERROR' | 'FATAL' | 'PANIC';
export type NoticeSeverity = 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

export interface ReportFields<Severity extends string> {
  readonly severity: Severity;
  /** SQLSTATE, five characters, e.g. 42501 insufficient_privilege. */
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the query text. */
  readonly position?: number;
}

export function errorResponse(fields: ReportFields<ErrorSeverity>): Buffer {
  return report(BackendCode.errorResponse, fields);
}

export function noticeResponse(fields: ReportFields<NoticeSeverity>): Buffer {
  return report(BackendCode.noticeResponse, fields);
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * Fields in the order Postgres sends them. The severity goes twice: `S` may be localised, `V` never is, and clients
 * (libpq, node-postgres) read `V` to decide how serious it is. Human-readable text has NULs replaced rather than
 * refused: a deny must always reach the client, even when a policy's reason contains one.
 */
function report(code: number, fields: ReportFields<string>): Buffer {
  if (!SQLSTATE.test(fields.code)) throw new RangeError(`SQLSTATE "${fields.code}" is not five digits or capitals`);
  const writer = new MessageWriter(code, 128);
  const field = (tag: string, value: string): void => {
    writer.byte(tag.charCodeAt(0)).cstring(value.replaceAll('\0', '\uFFFD'), `${tag} field`);
  };
  field('S', fields.severity);
  field('V', fields.severity);
  field('C', fields.code);
  field('M', fields.message);
  if (fields.detail !== undefined) field('D', fields.detail);
  if (fields.hint !== undefined) field('H', fields.hint);
  if (fields.position !== undefined) field('P', String(fields.position));
  return writer.byte(0).finish();
}

/**
 * A result column as RowDescription carries it. The names match pg-protocol's `Field`, so a description parsed
 * from the server can be re-encoded as it is.
 */
export interface ColumnDescription {
  readonly name: string;
  /** OID of the table the column comes from, or 0. */
  readonly tableID: number;
  /** Attribute number in that table, or 0. */
  readonly columnID: number;
  readonly dataTypeID: number;
  readonly dataTypeSize: number;
  readonly dataTypeModifier: number;
  readonly format: 'text' | 'binary';
}

export function rowDescription(columns: readonly ColumnDescription[]): Buffer {
  const writer = new MessageWriter(BackendCode.rowDescription, 32 + columns.length * 32).count(columns.length, 'columns');
  for (const column of columns) {
    writer
      .cstring(column.name, 'column name')
      .uint32(column.tableID)
      .int16(column.columnID)
      .uint32(column.dataTypeID)
      .int16(column.dataTypeSize)
      .int32(column.dataTypeModifier)
      .int16(column.format === 'binary' ? 1 : 0);
  }
  return writer.finish();
}

/** Strings are sent as UTF-8 text; Buffers as they are (already encoded values, text or binary); null is NULL. */
export function dataRow(values: readonly (string | Uint8Array | null)[]): Buffer {
  const writer = new MessageWriter(BackendCode.dataRow, 64).count(values.length, 'values');
  for (const value of values) writer.nullableBytes(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  return writer.finish();
}

export function commandComplete(tag: string): Buffer {
  return new MessageWriter(BackendCode.commandComplete).cstring(tag, 'command tag').finish();
}

export function parameterDescription(typeOids: readonly number[]): Buffer {
  const writer = new MessageWriter(BackendCode.parameterDescription).count(typeOids.length, 'parameters');
  for (const oid of typeOids) writer.uint32(oid);
  return writer.finish();
}
