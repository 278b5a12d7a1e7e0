/**
 * Why bytes from a Postgres client were refused. Each refusal has a stable code so the shim, its audit records and
 * tests can tell the cases apart without parsing messages; the message names the message type and what was wrong.
 */
export type ProtocolErrorCode =
  /** A length field below the smallest possible value for its message. */
  | 'invalid_length'
  /** A length field above the configured limit for its message type. */
  | 'message_too_large'
  /** A string runs to the end of its message without a NUL terminator. */
  | 'unterminated_string'
  /** A field or a count of fields reaches past the end of its message. */
  | 'truncated_message'
  /** A value length that is negative but not -1 (NULL). */
  | 'invalid_value_length'
  /** A type byte that no frontend message of protocol 3.0 has. */
  | 'unknown_message_type'
  /** A startup packet asking for a protocol other than 3.0, or an unknown special request code. */
  | 'unsupported_protocol_version'
  /** Bytes left over after the last field of a message. */
  | 'trailing_bytes'
  /** A field whose value is outside what the protocol allows (Describe kind, format code ...). */
  | 'invalid_field'
  /** Text that is not valid UTF-8: analysed and forwarded bytes must be the same statement. */
  | 'invalid_utf8'
  /** A startup packet without `user`, or one naming a parameter twice. */
  | 'invalid_startup_parameters'
  /** Bytes where the client must wait or stop: after SSLRequest/GSSENCRequest, CancelRequest or Terminate. */
  | 'unexpected_data'
  /** A second SSLRequest or GSSENCRequest on one connection. */
  | 'duplicate_encryption_request'
  /** The parser refused earlier input; a connection that broke framing cannot be trusted again. */
  | 'parser_failed';

/** Postgres' SQLSTATE for a protocol violation: what the shim puts in its ErrorResponse before closing. */
export const PROTOCOL_VIOLATION_SQLSTATE = '08P01';

export class ProtocolError extends Error {
  readonly sqlState = PROTOCOL_VIOLATION_SQLSTATE;

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    /** Byte offset, from the start of the connection's stream, of the message that was refused. */
    readonly streamOffset: number,
  ) {
    super(`${message} (at byte ${streamOffset} of the client stream)`);
    this.name = 'ProtocolError';
  }
}
