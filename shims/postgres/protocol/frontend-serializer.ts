import { MessageWriter } from './buffer-writer.js';
import {
  CANCEL_REQUEST_CODE,
  FrontendCode,
  GSSENC_REQUEST_CODE,
  PROTOCOL_VERSION_3_0,
  SSL_REQUEST_CODE,
  type FormatCode,
  type TargetKind,
} from './frontend-messages.js';

/**
 * Frontend messages the shim itself sends upstream: its own login, and statements it builds or re-encodes. A
 * parsed message the shim merely passes on is forwarded as its `raw` bytes, not rebuilt here: the server then sees
 * exactly the bytes that were decided on.
 */

export function startupMessage(parameters: ReadonlyMap<string, string> | Readonly<Record<string, string>>): Buffer {
  const entries = parameters instanceof Map ? [...parameters] : Object.entries(parameters);
  if (!entries.some(([name]) => name === 'user')) throw new RangeError('a StartupMessage needs a "user" parameter');
  const writer = new MessageWriter(null, 128).int32(PROTOCOL_VERSION_3_0);
  for (const [name, value] of entries) {
    if (name === '') throw new RangeError('a startup parameter name cannot be empty');
    writer.cstring(name, 'startup parameter name').cstring(value, `startup parameter "${name}"`);
  }
  return writer.byte(0).finish();
}

export function sslRequest(): Buffer {
  return new MessageWriter(null, 8).int32(SSL_REQUEST_CODE).finish();
}

export function gssEncRequest(): Buffer {
  return new MessageWriter(null, 8).int32(GSSENC_REQUEST_CODE).finish();
}

export function cancelRequest(processId: number, secretKey: number): Buffer {
  return new MessageWriter(null, 16).int32(CANCEL_REQUEST_CODE).int32(processId).int32(secretKey).finish();
}

export function passwordMessage(password: string): Buffer {
  return new MessageWriter(FrontendCode.password).cstring(password, 'password').finish();
}

/** `initialResponse` null sends length -1: the mechanism takes no initial response. */
export function saslInitialResponse(mechanism: string, initialResponse: Uint8Array | null): Buffer {
  return new MessageWriter(FrontendCode.password)
    .cstring(mechanism, 'SASL mechanism')
    .nullableBytes(initialResponse)
    .finish();
}

export function saslResponse(data: Uint8Array): Buffer {
  return new MessageWriter(FrontendCode.password).bytes(data).finish();
}

export function query(text: string): Buffer {
  return new MessageWriter(FrontendCode.query, Buffer.byteLength(text) + 6).cstring(text, 'query text').finish();
}

export interface ParseFields {
  readonly statement: string;
  readonly text: string;
  readonly paramTypes: readonly number[];
}

export function parse(fields: ParseFields): Buffer {
  const writer = new MessageWriter(FrontendCode.parse, Buffer.byteLength(fields.text) + 64)
    .cstring(fields.statement, 'statement name')
    .cstring(fields.text, 'query text')
    .count(fields.paramTypes.length, 'parameter types');
  for (const oid of fields.paramTypes) writer.uint32(oid);
  return writer.finish();
}

export interface BindFields {
  readonly portal: string;
  readonly statement: string;
  readonly paramFormats: readonly FormatCode[];
  readonly values: readonly (Uint8Array | null)[];
  readonly resultFormats: readonly FormatCode[];
}

export function bind(fields: BindFields): Buffer {
  const writer = new MessageWriter(FrontendCode.bind, 128)
    .cstring(fields.portal, 'portal name')
    .cstring(fields.statement, 'statement name');
  writeFormatCodes(writer, fields.paramFormats);
  writer.count(fields.values.length, 'parameter values');
  for (const value of fields.values) writer.nullableBytes(value);
  writeFormatCodes(writer, fields.resultFormats);
  return writer.finish();
}

export function describe(kind: TargetKind, name: string): Buffer {
  return new MessageWriter(FrontendCode.describe).byte(kind.charCodeAt(0)).cstring(name, 'name').finish();
}

export function execute(portal: string, maxRows = 0): Buffer {
  return new MessageWriter(FrontendCode.execute).cstring(portal, 'portal name').int32(maxRows).finish();
}

export function close(kind: TargetKind, name: string): Buffer {
  return new MessageWriter(FrontendCode.close).byte(kind.charCodeAt(0)).cstring(name, 'name').finish();
}

export function sync(): Buffer {
  return emptyMessage(FrontendCode.sync);
}

export function flush(): Buffer {
  return emptyMessage(FrontendCode.flush);
}

export function terminate(): Buffer {
  return emptyMessage(FrontendCode.terminate);
}

export function copyData(data: Uint8Array): Buffer {
  return new MessageWriter(FrontendCode.copyData, data.length + 5).bytes(data).finish();
}

export function copyDone(): Buffer {
  return emptyMessage(FrontendCode.copyDone);
}

export function copyFail(reason: string): Buffer {
  return new MessageWriter(FrontendCode.copyFail).cstring(reason, 'CopyFail message').finish();
}

export interface FunctionCallFields {
  readonly functionOid: number;
  readonly argFormats: readonly FormatCode[];
  readonly args: readonly (Uint8Array | null)[];
  readonly resultFormat: FormatCode;
}

export function functionCall(fields: FunctionCallFields): Buffer {
  const writer = new MessageWriter(FrontendCode.functionCall).uint32(fields.functionOid);
  writeFormatCodes(writer, fields.argFormats);
  writer.count(fields.args.length, 'arguments');
  for (const arg of fields.args) writer.nullableBytes(arg);
  return writer.int16(fields.resultFormat).finish();
}

function emptyMessage(code: number): Buffer {
  return new MessageWriter(code, 5).finish();
}

function writeFormatCodes(writer: MessageWriter, codes: readonly FormatCode[]): void {
  writer.count(codes.length, 'format codes');
  for (const code of codes) writer.int16(code);
}
