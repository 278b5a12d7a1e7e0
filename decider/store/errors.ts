/**
 * Every failure the store reports carries a stable code, so the decider can map it to a deny reason and the CLI
 * to an exit status without parsing messages.
 */
export type StoreErrorCode =
  /** The transaction holding an audit record did not commit; the operation it describes must be denied. */
  | 'audit_write_failed'
  /** An audit entry or task is malformed (wrong type, non-JSON value, bad timestamp ...). Nothing was written. */
  | 'invalid_record'
  /** A list() filter is malformed (bad `since`, `limit` out of range). */
  | 'invalid_filter'
  | 'task_exists'
  | 'task_not_found'
  | 'task_already_revoked'
  | 'approval_exists'
  | 'approval_not_found'
  /** The approval rules refused the event (already decided, expired, self-approval ...); nothing was written. */
  | 'approval_refused'
  /** The database was written by a newer taskgate than this one; refusing to guess its layout. */
  | 'schema_too_new'
  | 'store_closed'
  /** The database could not be opened, read or migrated. */
  | 'store_unavailable';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
