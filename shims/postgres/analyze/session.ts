// What statements of a batch change for the statements after them: the search_path that resolves names, the
// user `$user` stands for, and the prepared statements.
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
}

/** The schemas names resolve in now, or an error when an earlier statement made that unknowable. */
export function currentSearchPath(session: SessionState): string[] {
  if (!session.searchPath) {
    throw new AnalysisError('an earlier statement of this batch changed the search_path with set_config; send the statements after it as a separate batch');
  }
  return session.searchPath.map((schema) => {
    if (schema !== '$user') return schema;
    if (session.currentUser === undefined) throw new AnalysisError('the search_path names $user, but the current user is not known');
    return session.currentUser;
  });
}
