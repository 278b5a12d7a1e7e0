// Splits what Postgres sends into whole messages, each kept as its exact bytes so the shim forwards it unchanged,
// and decodes the few it must understand with pg-protocol.
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';

export interface BackendFrame {
  /** The type byte, e.g. 0x44 ('D') for DataRow. */
  readonly code: number;
  /** The whole message: type byte, length and body. */
  readonly raw: Buffer;
}

export const BackendType = {
  authentication: 0x52, // R
  backendKeyData: 0x4b, // K
  parameterStatus: 0x53, // S
  readyForQuery: 0x5a, // Z
  errorResponse: 0x45, // E
  noticeResponse: 0x4e, // N
  rowDescription: 0x54, // T
  dataRow: 0x44, // D
  commandComplete: 0x43, // C
  noData: 0x6e, // n
  portalSuspended: 0x73, // s
  copyInResponse: 0x47, // G
  copyOutResponse: 0x48, // H
  copyBothResponse: 0x57, // W
} as const;

/** Postgres sends rows up to 1 GB; anything claiming more is not Postgres talking. */
const MAX_BACKEND_MESSAGE = 1024 * 1024 * 1024;

export class BackendFramer {
  private pending: Buffer = Buffer.alloc(0);

  /** The complete messages in `chunk` (plus what was pending); keeps an incomplete tail for the next call. */
  push(chunk: Buffer): BackendFrame[] {
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: BackendFrame[] = [];
    let offset = 0;
    while (buffer.length - offset >= 5) {
      const length = buffer.readInt32BE(offset + 1);
      if (length < 4 || length > MAX_BACKEND_MESSAGE) throw new Error(`the server sent a message with length ${length}`);
      if (buffer.length - offset < length + 1) break;
      frames.push({ code: buffer[offset]!, raw: buffer.subarray(offset, offset + 1 + length) });
      offset += 1 + length;
    }
    this.pending = offset === buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
    return frames;
  }
}

const decoder = new Parser();

/** Decodes one whole message with pg-protocol. */
export function decodeBackend<T extends BackendMessage = BackendMessage>(frame: BackendFrame): T {
  let decoded: BackendMessage | undefined;
  decoder.parse(frame.raw, (message) => {
    decoded = message;
  });
  if (decoded === undefined) throw new Error(`cannot decode backend message ${String.fromCharCode(frame.code)}`);
  return decoded as T;
}

/** The transaction status byte of a ReadyForQuery frame. */
export function transactionStatusOf(frame: BackendFrame): 'I' | 'T' | 'E' {
  const status = String.fromCharCode(frame.raw[5]!);
  if (status !== 'I' && status !== 'T' && status !== 'E') throw new Error(`ReadyForQuery with status ${JSON.stringify(status)}`);
  return status;
}
