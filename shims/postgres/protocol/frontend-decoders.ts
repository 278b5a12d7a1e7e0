import { BufferReader } from './buffer-reader.js';
import {
  CANCEL_REQUEST_CODE,
  FrontendCode,
  GSSENC_REQUEST_CODE,
  PROTOCOL_VERSION_3_0,
  SSL_REQUEST_CODE,
  type FormatCode,
  type StartupPhaseMessage,
  type TargetKind,
  type TypedFrontendMessage,
} from './frontend-messages.js';

/**
 * Decoders for one complete, already framed message each: `raw` is exactly the message's bytes. Framing and limits
 * are the parser's concern; these check the fields, as strictly as Postgres does, and a little more where the shim
 * must not see a different statement than the server (UTF-8, trailing bytes, stray format codes).
 */

export const TYPED_MESSAGE_NAMES: Readonly<Partial<Record<number, string>>> = {
  [FrontendCode.bind]: 'Bind',
  [FrontendCode.close]: 'Close',
  [FrontendCode.copyData]: 'CopyData',
  [FrontendCode.copyDone]: 'CopyDone',
  [FrontendCode.copyFail]: 'CopyFail',
  [FrontendCode.describe]: 'Describe',
  [FrontendCode.execute]: 'Execute',
  [FrontendCode.flush]: 'Flush',
  [FrontendCode.functionCall]: 'FunctionCall',
  [FrontendCode.parse]: 'Parse',
  [FrontendCode.password]: 'PasswordMessage',
  [FrontendCode.query]: 'Query',
  [FrontendCode.sync]: 'Sync',
  [FrontendCode.terminate]: 'Terminate',
};

export function decodeStartupPacket(raw: Buffer, streamOffset: number): StartupPhaseMessage {
  const code = raw.readInt32BE(4);
  const reader = new BufferReader(raw, 8, raw.length, startupPacketName(code), streamOffset);
  switch (code) {
    case SSL_REQUEST_CODE:
      reader.expectEnd();
      return { type: 'sslRequest', raw, streamOffset };
    case GSSENC_REQUEST_CODE:
      reader.expectEnd();
      return { type: 'gssEncRequest', raw, streamOffset };
    case CANCEL_REQUEST_CODE: {
      const processId = reader.int32('process id');
      const secretKey = reader.int32('secret key');
      reader.expectEnd();
      return { type: 'cancelRequest', processId, secretKey, raw, streamOffset };
    }
    case PROTOCOL_VERSION_3_0:
      return { type: 'startup', parameters: readStartupParameters(reader), raw, streamOffset };
    default:
      throw reader.error(
        'unsupported_protocol_version',
        `protocol ${code >>> 16}.${code & 0xffff} is not supported; only 3.0 is (version negotiation is not offered)`,
      );
  }
}

function startupPacketName(code: number): string {
  if (code === SSL_REQUEST_CODE) return 'SSLRequest';
  if (code === GSSENC_REQUEST_CODE) return 'GSSENCRequest';
  if (code === CANCEL_REQUEST_CODE) return 'CancelRequest';
  return 'StartupMessage';
}

/** Pairs of strings ended by an empty name; duplicates are refused because whoever reads first or last would win. */
function readStartupParameters(reader: BufferReader): Map<string, string> {
  const parameters = new Map<string, string>();
  for (;;) {
    const name = reader.cstring('parameter name');
    if (name === '') break;
    if (parameters.has(name)) throw reader.error('invalid_startup_parameters', `parameter "${name}" is sent twice`);
    parameters.set(name, reader.cstring(`value of parameter "${name}"`));
  }
  reader.expectEnd();
  if (!parameters.has('user')) throw reader.error('invalid_startup_parameters', 'no "user" parameter');
  return parameters;
}

/** `raw` starts with the type byte; the caller has checked the type is known and the length matches `raw`. */
export function decodeTypedMessage(raw: Buffer, streamOffset: number): TypedFrontendMessage {
  const code = raw[0]!;
  const reader = new BufferReader(raw, 5, raw.length, TYPED_MESSAGE_NAMES[code]!, streamOffset);
  const message = decodeBody(code, reader, raw, streamOffset);
  reader.expectEnd();
  return message;
}

function decodeBody(code: number, reader: BufferReader, raw: Buffer, streamOffset: number): TypedFrontendMessage {
  switch (code) {
    case FrontendCode.password:
      return { type: 'password', body: reader.rest(), raw, streamOffset };
    case FrontendCode.query:
      return { type: 'query', text: reader.cstring('query text'), raw, streamOffset };
    case FrontendCode.parse:
      return decodeParse(reader, raw, streamOffset);
    case FrontendCode.bind:
      return decodeBind(reader, raw, streamOffset);
    case FrontendCode.describe:
      return { type: 'describe', kind: readTargetKind(reader), name: reader.cstring('name'), raw, streamOffset };
    case FrontendCode.execute:
      return { type: 'execute', portal: reader.cstring('portal name'), maxRows: reader.int32('max rows'), raw, streamOffset };
    case FrontendCode.sync:
      return { type: 'sync', raw, streamOffset };
    case FrontendCode.flush:
      return { type: 'flush', raw, streamOffset };
    case FrontendCode.close:
      return { type: 'close', kind: readTargetKind(reader), name: reader.cstring('name'), raw, streamOffset };
    case FrontendCode.terminate:
      return { type: 'terminate', raw, streamOffset };
    case FrontendCode.copyData:
      return { type: 'copyData', data: reader.rest(), raw, streamOffset };
    case FrontendCode.copyDone:
      return { type: 'copyDone', raw, streamOffset };
    case FrontendCode.copyFail:
      return { type: 'copyFail', reason: reader.cstring('error message'), raw, streamOffset };
    case FrontendCode.functionCall:
      return decodeFunctionCall(reader, raw, streamOffset);
    default:
      throw reader.error('unknown_message_type', `no decoder for type ${code}`);
  }
}

function decodeParse(reader: BufferReader, raw: Buffer, streamOffset: number): TypedFrontendMessage {
  const statement = reader.cstring('statement name');
  const text = reader.cstring('query text');
  const count = reader.uint16('parameter type count');
  const paramTypes = readArray(reader, count, 4, 'parameter type OIDs', () => reader.uint32('parameter type OID'));
  return { type: 'parse', statement, text, paramTypes, raw, streamOffset };
}

function decodeBind(reader: BufferReader, raw: Buffer, streamOffset: number): TypedFrontendMessage {
  const portal = reader.cstring('portal name');
  const statement = reader.cstring('statement name');
  const paramFormats = readFormatCodes(reader, 'parameter format');
  const valueCount = reader.uint16('parameter value count');
  checkFormatCount(reader, paramFormats.length, valueCount, 'parameter');
  // Each value takes at least its 4-byte length.
  const values = readArray(reader, valueCount, 4, 'parameter values', (i) => reader.nullableBytes(`parameter $${i + 1}`));
  const resultFormats = readFormatCodes(reader, 'result format');
  return { type: 'bind', portal, statement, paramFormats, values, resultFormats, raw, streamOffset };
}

function decodeFunctionCall(reader: BufferReader, raw: Buffer, streamOffset: number): TypedFrontendMessage {
  const functionOid = reader.uint32('function OID');
  const argFormats = readFormatCodes(reader, 'argument format');
  const argCount = reader.uint16('argument count');
  checkFormatCount(reader, argFormats.length, argCount, 'argument');
  const args = readArray(reader, argCount, 4, 'arguments', (i) => reader.nullableBytes(`argument ${i + 1}`));
  const resultFormat = toFormatCode(reader, reader.int16('result format'), 'result format');
  return { type: 'functionCall', functionOid, argFormats, args, resultFormat, raw, streamOffset };
}

function readTargetKind(reader: BufferReader): TargetKind {
  const kind = reader.byte('kind');
  if (kind === 0x53) return 'S';
  if (kind === 0x50) return 'P';
  throw reader.error('invalid_field', `kind must be 'S' (statement) or 'P' (portal), got byte ${kind}`);
}

function readFormatCodes(reader: BufferReader, what: string): FormatCode[] {
  const count = reader.uint16(`${what} code count`);
  return readArray(reader, count, 2, `${what} codes`, () => toFormatCode(reader, reader.int16(`${what} code`), what));
}

function toFormatCode(reader: BufferReader, code: number, what: string): FormatCode {
  if (code === 0 || code === 1) return code;
  throw reader.error('invalid_field', `${what} code ${code} is neither 0 (text) nor 1 (binary)`);
}

/** Postgres' rule: no format codes, one for all, or exactly one per value. */
function checkFormatCount(reader: BufferReader, formats: number, values: number, what: string): void {
  if (formats > 1 && formats !== values) {
    throw reader.error('invalid_field', `${formats} ${what} format codes for ${values} ${what}(s)`);
  }
}

/**
 * Checks a count against the bytes left before allocating for it: a count is attacker-chosen, the message length
 * was already bounded, so `count * minSize` must fit in what remains.
 */
function readArray<T>(reader: BufferReader, count: number, minSize: number, what: string, read: (i: number) => T): T[] {
  if (count * minSize > reader.remaining) {
    throw reader.error('truncated_message', `${count} ${what} cannot fit in the ${reader.remaining} byte(s) left`);
  }
  const items = new Array<T>(count);
  for (let i = 0; i < count; i++) items[i] = read(i);
  return items;
}
