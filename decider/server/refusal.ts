// Why a request was not decided. Each maps to a gRPC status for unary calls and to `error_code` on a stream;
// the code travels in the `taskgate-reason` trailer so clients can tell cases apart without parsing text.
import { status } from '@grpc/grpc-js';

export type RefusalCode =
  | 'invalid_request'
  | 'invalid_operation'
  | 'operation_too_large'
  | 'unknown_session'
  | 'duplicate_request_id'
  | 'no_grant_for_resource'
  | 'too_many_sessions'
  | 'identity_unavailable'
  | 'store_unavailable'
  /** A bug in taskgate; logged with its stack. */
  | 'internal'
  /** Identity refusals (decider/identity IdentityError codes) pass through as they are. */
  | (string & {});

export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly grpcStatus: status,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export const invalid = (code: RefusalCode, message: string) => new Refusal(code, message, status.INVALID_ARGUMENT);
