import { decodeStartupPacket, decodeTypedMessage, TYPED_MESSAGE_NAMES } from './frontend-decoders.js';
import { FrontendCode, type FrontendMessage } from './frontend-messages.js';
import { ProtocolError } from './protocol-error.js';

export interface FrontendParserLimits {
  /** Largest startup packet, length field included. Postgres' own limit is 10000. */
  readonly maxStartupLength: number;
  /** Largest typed message other than Bind, CopyData and FunctionCall, length field included. */
  readonly maxMessageLength: number;
  /** Largest Bind, CopyData or FunctionCall: the messages that carry bulk data. */
  readonly maxLargeMessageLength: number;
}

export const DEFAULT_FRONTEND_LIMITS: FrontendParserLimits = {
  maxStartupLength: 10_000,
  maxMessageLength: 1024 * 1024,
  maxLargeMessageLength: 64 * 1024 * 1024,
};

const LARGE_MESSAGE_CODES: ReadonlySet<number> = new Set([
  FrontendCode.bind,
  FrontendCode.copyData,
  FrontendCode.functionCall,
]);
/** Messages with no fields: anything but length 4 is refused as soon as the length is read. */
const EMPTY_MESSAGE_CODES: ReadonlySet<number> = new Set([
  FrontendCode.sync,
  FrontendCode.flush,
  FrontendCode.terminate,
  FrontendCode.copyDone,
]);

const STARTUP_HEADER_LENGTH = 4;
const TYPED_HEADER_LENGTH = 5;
/** Length field plus the 4-byte request code every startup packet starts with. */
const MIN_STARTUP_LENGTH = 8;

/**
 * `startup`: untyped packets (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest);
 * `typed`: the type-byte messages after StartupMessage; `closed`: after CancelRequest or Terminate, when the
 * client must send nothing more.
 */
type Phase = 'startup' | 'typed' | 'closed';

/**
 * Turns the bytes a client sends, in whatever chunks they arrive, into frontend messages.
 *
 * Messages wholly inside one chunk are views into that chunk (no copy); a message split across chunks is copied
 * once, when its last byte arrives. A chunk never gets overwritten, so messages stay valid after later calls. A
 * length is checked against its limit as soon as its header arrives, before anything is buffered for it.
 *
 * `push` returns the messages completed by the chunk, or throws a ProtocolError and then refuses every later call.
 * When a chunk holds valid messages followed by a violation, none of them are returned: the shim acts on nothing
 * from a chunk that breaks the protocol.
 */
export class FrontendParser {
  private phase: Phase = 'startup';
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** How many pending bytes the next step needs: a header, or a whole message whose length is known. */
  private needed = 0;
  /** Stream offset of the first pending byte (or of the next chunk when nothing is pending). */
  private streamOffset = 0;
  private readonly encryptionRequests = new Set<'sslRequest' | 'gssEncRequest'>();
  private failure: ProtocolError | null = null;

  constructor(private readonly limits: FrontendParserLimits = DEFAULT_FRONTEND_LIMITS) {}

  /** Bytes received but not yet part of a complete message. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  push(chunk: Buffer): FrontendMessage[] {
    if (this.failure !== null) {
      throw new ProtocolError(
        'parser_failed',
        `input refused after an earlier protocol error (${this.failure.code})`,
        this.failure.streamOffset,
      );
    }
    try {
      return this.consume(chunk);
    } catch (error) {
      if (error instanceof ProtocolError) this.failure = error;
      throw error;
    }
  }

  private consume(chunk: Buffer): FrontendMessage[] {
    const buffer = this.gather(chunk);
    if (buffer === null) return [];
    const messages: FrontendMessage[] = [];
    let offset = 0;
    while (offset < buffer.length) {
      const total = this.frameLength(buffer, offset);
      if (total === null || buffer.length - offset < total) {
        this.needed = total ?? this.headerLength();
        break;
      }
      const message = this.decode(buffer.subarray(offset, offset + total));
      offset += total;
      this.streamOffset += total;
      messages.push(message);
      this.advancePhase(message, buffer.length - offset);
    }
    this.keepTail(buffer, offset);
    return messages;
  }

  /** The bytes to parse now, or null while the pending message is still incomplete. */
  private gather(chunk: Buffer): Buffer | null {
    if (this.pendingBytes === 0) return chunk;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.needed) return null;
    const joined = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return joined;
  }

  private keepTail(buffer: Buffer, offset: number): void {
    if (offset < buffer.length) {
      this.pending = [buffer.subarray(offset)];
      this.pendingBytes = buffer.length - offset;
    }
  }

  private headerLength(): number {
    return this.phase === 'startup' ? STARTUP_HEADER_LENGTH : TYPED_HEADER_LENGTH;
  }

  /** The whole message's length once its header is in, after checking it; null while the header is incomplete. */
  private frameLength(buffer: Buffer, offset: number): number | null {
    if (this.phase === 'closed') {
      throw new ProtocolError('unexpected_data', 'data after CancelRequest or Terminate', this.streamOffset);
    }
    if (this.phase === 'startup') return this.startupFrameLength(buffer, offset);
    return this.typedFrameLength(buffer, offset);
  }

  private startupFrameLength(buffer: Buffer, offset: number): number | null {
    if (buffer.length - offset < STARTUP_HEADER_LENGTH) return null;
    const length = buffer.readInt32BE(offset);
    if (length < MIN_STARTUP_LENGTH) {
      throw new ProtocolError(
        'invalid_length',
        `startup packet: length ${length} is below the minimum of ${MIN_STARTUP_LENGTH}`,
        this.streamOffset,
      );
    }
    if (length > this.limits.maxStartupLength) {
      throw new ProtocolError(
        'message_too_large',
        `startup packet: length ${length} exceeds the limit of ${this.limits.maxStartupLength}`,
        this.streamOffset,
      );
    }
    return length;
  }

  private typedFrameLength(buffer: Buffer, offset: number): number | null {
    const code = buffer[offset]!;
    const name = TYPED_MESSAGE_NAMES[code];
    if (name === undefined) {
      throw new ProtocolError('unknown_message_type', `unknown frontend message type ${describeByte(code)}`, this.streamOffset);
    }
    if (buffer.length - offset < TYPED_HEADER_LENGTH) return null;
    const length = buffer.readInt32BE(offset + 1);
    if (length < 4) {
      throw new ProtocolError('invalid_length', `${name}: length ${length} is below the minimum of 4`, this.streamOffset);
    }
    if (EMPTY_MESSAGE_CODES.has(code) && length !== 4) {
      throw new ProtocolError('trailing_bytes', `${name}: length ${length}, but the message has no fields`, this.streamOffset);
    }
    const limit = LARGE_MESSAGE_CODES.has(code) ? this.limits.maxLargeMessageLength : this.limits.maxMessageLength;
    if (length > limit) {
      throw new ProtocolError('message_too_large', `${name}: length ${length} exceeds the limit of ${limit}`, this.streamOffset);
    }
    return 1 + length;
  }

  private decode(raw: Buffer): FrontendMessage {
    const start = this.streamOffset;
    return this.phase === 'startup' ? decodeStartupPacket(raw, start) : decodeTypedMessage(raw, start);
  }

  private advancePhase(message: FrontendMessage, bytesAfter: number): void {
    switch (message.type) {
      case 'startup':
        this.phase = 'typed';
        return;
      case 'sslRequest':
      case 'gssEncRequest':
        this.checkEncryptionRequest(message.type, bytesAfter);
        return;
      case 'cancelRequest':
      case 'terminate':
        this.phase = 'closed';
        return;
      default:
        return;
    }
  }

  /**
   * The client must wait for the one-byte answer before sending more. Bytes already behind the request were sent
   * before any TLS handshake, so honouring them would let a man in the middle inject plaintext into the encrypted
   * session (the bug behind CVE-2021-23214): refuse them.
   */
  private checkEncryptionRequest(type: 'sslRequest' | 'gssEncRequest', bytesAfter: number): void {
    const name = type === 'sslRequest' ? 'SSLRequest' : 'GSSENCRequest';
    const start = this.streamOffset - 8;
    if (this.encryptionRequests.has(type)) {
      throw new ProtocolError('duplicate_encryption_request', `${name} sent a second time`, start);
    }
    this.encryptionRequests.add(type);
    if (bytesAfter > 0) {
      throw new ProtocolError('unexpected_data', `${name}: ${bytesAfter} byte(s) sent before the server answered`, start);
    }
  }
}

function describeByte(code: number): string {
  const printable = code >= 0x20 && code < 0x7f ? `'${String.fromCharCode(code)}' ` : '';
  return `${printable}(0x${code.toString(16).padStart(2, '0')})`;
}
