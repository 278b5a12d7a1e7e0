// What statements of a batch change for the statements after them: the search_path that resolves names, the
// user `$user` stands for, the prepared statements and the open cursors.
import { AnalysisError } from './errors.js';
import type { StatementDescription } from './operation.js';

export const POSTGRES_DEFAULT_SEARCH_PATH: readonly string[] = ['$user', 'public'];

export interface SessionState {
  /** As the session set it, `$user` unexpanded; undefined once a statement changed it in a way we cannot follow. */
  searchPath: string[] | undefined;
  /** What RESET and SET ... TO DEFAULT restore. */
  readonly resetSearchPath: readonly string[];
  /** The user `$user` means (SET ROLE changes it); undefined when unknown. */
  currentUser: string | undefined;
  /** The user the session logged in as, which RESET ROLE returns to. */
  readonly sessionUser: string | undefined;
  readonly prepared: Map<string, StatementDescription>;
  /** Open cursors (SQL DECLARE, and protocol-level named portals, which share the namespace), by name. */
  readonly cursors: Map<string, Cursor>;
  /** A statement was described through a prepared statement or cursor (EXECUTE, FETCH, MOVE). */
  namesUsed: boolean;
}

/** An open cursor: what FETCH and MOVE read from it, as its DECLARE (or Bind) was described. */
export interface Cursor {
  readonly description: StatementDescription;
  /** WITH HOLD: it outlives the transaction that declared it. */
  readonly holdable: boolean;
}

/** The schemas names resolve in now, or an error when an earlier statement made that unknowable. */
export function currentSearchPath(session: SessionState): string[] {
  if (!session.searchPath) {
    throw new AnalysisError(
      'an earlier statement of this batch may have changed the search_path (set_config, or a function outside pg_catalog); send the statements after it as a separate batch',
    );
  }
  return session.searchPath.map((schema) => {
    if (schema !== '$user') return schema;
    if (session.currentUser === undefined) throw new AnalysisError('the search_path names $user, but the current user is not known');
    return session.currentUser;
  });
}
