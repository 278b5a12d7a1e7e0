/**
 * Builds one message: fields are appended, then `finish` writes the length (and type byte) in front. Grows by
 * doubling so a message costs a few allocations at most; the result is a view of exactly the message's bytes.
 */
export class MessageWriter {
  private buffer: Buffer;
  private offset: number;

  /** `typeCode` null: a startup-phase packet, which has no type byte. */
  constructor(private readonly typeCode: number | null, initialSize = 64) {
    this.buffer = Buffer.allocUnsafe(Math.max(initialSize, 5));
    this.offset = typeCode === null ? 4 : 5;
  }

  byte(value: number): this {
    this.ensure(1);
    this.buffer[this.offset++] = value;
    return this;
  }

  int16(value: number): this {
    this.ensure(2);
    this.offset = this.buffer.writeInt16BE(value, this.offset);
    return this;
  }

  uint16(value: number): this {
    this.ensure(2);
    this.offset = this.buffer.writeUInt16BE(value, this.offset);
    return this;
  }

  /** Counts are 16-bit on the wire; a larger one would wrap and misframe everything after it. */
  count(count: number, what: string): this {
    if (count > 0xffff) throw new RangeError(`${count} ${what} exceed the protocol's maximum of 65535`);
    return this.uint16(count);
  }

  int32(value: number): this {
    this.ensure(4);
    this.offset = this.buffer.writeInt32BE(value, this.offset);
    return this;
  }

  uint32(value: number): this {
    this.ensure(4);
    this.offset = this.buffer.writeUInt32BE(value, this.offset);
    return this;
  }

  /** A NUL inside would end the string early and turn the rest into other fields: refuse it. */
  cstring(value: string, field: string): this {
    if (value.includes('\0')) throw new RangeError(`${field} contains a NUL character`);
    const length = Buffer.byteLength(value, 'utf8');
    this.ensure(length + 1);
    this.offset += this.buffer.write(value, this.offset, length, 'utf8');
    this.buffer[this.offset++] = 0;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  /** Length-prefixed value, -1 for NULL. */
  nullableBytes(value: Uint8Array | null): this {
    if (value === null) return this.int32(-1);
    return this.int32(value.length).bytes(value);
  }

  finish(): Buffer {
    if (this.typeCode === null) {
      this.buffer.writeInt32BE(this.offset, 0);
      return this.buffer.subarray(0, this.offset);
    }
    this.buffer[0] = this.typeCode;
    this.buffer.writeInt32BE(this.offset - 1, 1);
    return this.buffer.subarray(0, this.offset);
  }

  private ensure(extra: number): void {
    const required = this.offset + extra;
    if (required <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < required) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}
