/**
 * Every message a Postgres client (frontend) can send under protocol 3.0, as typed objects. Each carries `raw`:
 * the message's exact bytes (type byte and length included), a view into the bytes received rather than a copy,
 * so a message the shim only needs to pass on is forwarded byte for byte instead of re-encoded.
 */

/** Protocol 3.0 as the startup packet encodes it: major version in the high 16 bits. */
export const PROTOCOL_VERSION_3_0 = 3 << 16;
/** Special "protocol versions" of the startup phase, as Postgres defines them. */
export const CANCEL_REQUEST_CODE = (1234 << 16) | 5678;
export const SSL_REQUEST_CODE = (1234 << 16) | 5679;
export const GSSENC_REQUEST_CODE = (1234 << 16) | 5680;

/** Type bytes of the messages that follow the startup phase. */
export const FrontendCode = {
  bind: 0x42, // B
  close: 0x43, // C
  copyData: 0x64, // d
  copyDone: 0x63, // c
  copyFail: 0x66, // f
  describe: 0x44, // D
  execute: 0x45, // E
  flush: 0x48, // H
  functionCall: 0x46, // F
  parse: 0x50, // P
  password: 0x70, // p
  query: 0x51, // Q
  sync: 0x53, // S
  terminate: 0x58, // X
} as const;

/** 0 = text, 1 = binary: the only format codes Postgres defines. */
export type FormatCode = 0 | 1;
/** Describe and Close address either a prepared statement or a portal. */
export type TargetKind = 'S' | 'P';

/** Where a message came from: its exact bytes, and where they start in the client's stream (for error locations). */
export interface Frame {
  readonly raw: Buffer;
  readonly streamOffset: number;
}

export interface StartupMessage extends Frame {
  readonly type: 'startup';
  /** Parameters in the order sent; `user` is always present, no name appears twice. */
  readonly parameters: ReadonlyMap<string, string>;
}
export interface SSLRequest extends Frame {
  readonly type: 'sslRequest';
}
export interface GSSENCRequest extends Frame {
  readonly type: 'gssEncRequest';
}
export interface CancelRequest extends Frame {
  readonly type: 'cancelRequest';
  readonly processId: number;
  readonly secretKey: number;
}

/**
 * PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse all travel as 'p'; which one it is depends on
 * the authentication request the server sent, so the parser keeps the body and `password-message.ts` reads it.
 */
export interface PasswordMessage extends Frame {
  readonly type: 'password';
  readonly body: Buffer;
}

export interface Query extends Frame {
  readonly type: 'query';
  readonly text: string;
}
export interface Parse extends Frame {
  readonly type: 'parse';
  /** '' is the unnamed statement. */
  readonly statement: string;
  readonly text: string;
  /** 0 leaves a parameter's type for the server to infer. */
  readonly paramTypes: readonly number[];
}
export interface Bind extends Frame {
  readonly type: 'bind';
  /** '' is the unnamed portal. */
  readonly portal: string;
  readonly statement: string;
  /** Empty: all text; one: applies to all; else one per parameter (checked). */
  readonly paramFormats: readonly FormatCode[];
  /** Views into `raw`; null is SQL NULL. */
  readonly values: readonly (Buffer | null)[];
  /** Same convention as paramFormats, but per result column: only the statement's description can check it. */
  readonly resultFormats: readonly FormatCode[];
}
export interface Describe extends Frame {
  readonly type: 'describe';
  readonly kind: TargetKind;
  readonly name: string;
}
export interface Execute extends Frame {
  readonly type: 'execute';
  readonly portal: string;
  /** 0 or negative: all rows (Postgres treats both as "no limit"). */
  readonly maxRows: number;
}
export interface Sync extends Frame {
  readonly type: 'sync';
}
export interface Flush extends Frame {
  readonly type: 'flush';
}
export interface Close extends Frame {
  readonly type: 'close';
  readonly kind: TargetKind;
  readonly name: string;
}
export interface Terminate extends Frame {
  readonly type: 'terminate';
}
export interface CopyData extends Frame {
  readonly type: 'copyData';
  /** A view into `raw`. */
  readonly data: Buffer;
}
export interface CopyDone extends Frame {
  readonly type: 'copyDone';
}
export interface CopyFail extends Frame {
  readonly type: 'copyFail';
  readonly reason: string;
}
/** The legacy fast-path call; parsed fully so the shim can refuse it with a precise message. */
export interface FunctionCall extends Frame {
  readonly type: 'functionCall';
  readonly functionOid: number;
  readonly argFormats: readonly FormatCode[];
  readonly args: readonly (Buffer | null)[];
  readonly resultFormat: FormatCode;
}

export type StartupPhaseMessage = StartupMessage | SSLRequest | GSSENCRequest | CancelRequest;
export type TypedFrontendMessage =
  | PasswordMessage
  | Query
  | Parse
  | Bind
  | Describe
  | Execute
  | Sync
  | Flush
  | Close
  | Terminate
  | CopyData
  | CopyDone
  | CopyFail
  | FunctionCall;
export type FrontendMessage = StartupPhaseMessage | TypedFrontendMessage;

/** The interpretations of a 'p' body; see password-message.ts. */
export interface CleartextPassword {
  readonly password: string;
}
export interface SASLInitialResponse {
  readonly mechanism: string;
  /** null when the client sent length -1 (no initial response). */
  readonly initialResponse: Buffer | null;
}
export interface SASLResponse {
  readonly data: Buffer;
}
