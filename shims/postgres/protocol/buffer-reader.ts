import { isUtf8 } from 'node:buffer';
import { ProtocolError } from './protocol-error.js';

/**
 * Reads the fields of one complete message, never past its end. Every read is checked against the message's own
 * length rather than the buffer's, because a buffer may hold the next messages too: a count or a length that
 * overruns the message must fail here, not silently read into its neighbour.
 */
export class BufferReader {
  private offset: number;

  constructor(
    private readonly buffer: Buffer,
    start: number,
    private readonly end: number,
    /** Names the message in errors, e.g. "Bind". */
    private readonly messageName: string,
    /** Where the message starts in the client stream, for error locations. */
    private readonly streamOffset: number,
  ) {
    this.offset = start;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  byte(field: string): number {
    this.require(1, field);
    return this.buffer[this.offset++]!;
  }

  int16(field: string): number {
    this.require(2, field);
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  /** Counts are unsigned on the wire (Postgres reads them with pq_getmsgint(2)). */
  uint16(field: string): number {
    this.require(2, field);
    const value = this.buffer.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(field: string): number {
    this.require(4, field);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** OIDs are unsigned 32-bit. */
  uint32(field: string): number {
    this.require(4, field);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** A view into the message, not a copy: forwarding and masking work on the client's own bytes. */
  bytes(length: number, field: string): Buffer {
    this.require(length, field);
    const view = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }

  /** The rest of the message, e.g. CopyData's payload. */
  rest(): Buffer {
    return this.bytes(this.remaining, 'payload');
  }

  /**
   * Scans in JavaScript rather than with indexOf + a view: names and statements are mostly short ASCII, and a view
   * per string costs more than the scan. Only text with high bytes pays for the UTF-8 check.
   */
  cstring(field: string): string {
    const { buffer, end } = this;
    const start = this.offset;
    let highBytes = false;
    let nul = start;
    for (; nul < end; nul++) {
      const byte = buffer[nul]!;
      if (byte === 0) break;
      if (byte > 0x7f) highBytes = true;
    }
    if (nul === end) throw this.error('unterminated_string', `${field} is not terminated by a NUL byte`);
    if (highBytes && !isUtf8(buffer.subarray(start, nul))) throw this.error('invalid_utf8', `${field} is not valid UTF-8`);
    this.offset = nul + 1;
    return nul === start ? '' : buffer.toString('utf8', start, nul);
  }

  /** Length-prefixed value where -1 means NULL (Bind parameters, FunctionCall arguments). */
  nullableBytes(field: string): Buffer | null {
    const length = this.int32(`length of ${field}`);
    if (length === -1) return null;
    if (length < 0) {
      throw this.error('invalid_value_length', `${field} has length ${length}; only -1 (NULL) may be negative`);
    }
    return this.bytes(length, field);
  }

  /** Postgres rejects a message with bytes after its last field; so do we, so nothing can hide there. */
  expectEnd(): void {
    if (this.offset !== this.end) {
      throw this.error('trailing_bytes', `${this.remaining} unexpected byte(s) after the last field`);
    }
  }

  error(code: ConstructorParameters<typeof ProtocolError>[0], what: string): ProtocolError {
    return new ProtocolError(code, `${this.messageName}: ${what}`, this.streamOffset);
  }

  private require(length: number, field: string): void {
    if (length > this.end - this.offset) {
      throw this.error(
        'truncated_message',
        `${field} needs ${length} byte(s) but only ${this.end - this.offset} remain in the message`,
      );
    }
  }
}
