// analyze(): a SQL batch as the client sent it -> the postgres operation of the policy contract.
import { batchAction } from './action.js';
import type { SchemaCatalog } from './catalog.js';
import { AnalysisError, positionAt } from './errors.js';
import { mayChangeSearchPath } from './functions.js';
import { fingerprintOf, loadParser, parseStatements } from './parse.js';
import type { PostgresOperation, StatementDescription } from './operation.js';
import { StatementRecorder } from './recorder.js';
import { prefetchRelations } from './relations.js';
import { currentSearchPath, POSTGRES_DEFAULT_SEARCH_PATH, type Cursor, type SessionState } from './session.js';
import { describeStatement } from './statement.js';

export { AnalysisError } from './errors.js';
export { mayChangeSearchPath } from './functions.js';
export type { SchemaCatalog, RelationInfo } from './catalog.js';
export type * from './operation.js';
export type { Cursor } from './session.js';

export interface AnalyzeOptions {
  /** The session's search_path (`SHOW search_path`, split); default `"$user", public` (`public` without a user). */
  searchPath?: readonly string[];
  /** What RESET search_path restores (pg_settings.reset_val, split); default Postgres's `"$user", public`. */
  resetSearchPath?: readonly string[];
  /** The session user, for `$user` in the search_path; a path with `$user` and no user is refused. */
  sessionUser?: string;
  /** The current user when SET ROLE changed it; default the session user. */
  currentUser?: string;
  /**
   * Statements the session has prepared (SQL PREPARE, and protocol-level named statements, which share the
   * namespace), by name, as earlier analyses described them. Never modified: see analyzeBatch.
   */
  prepared?: ReadonlyMap<string, StatementDescription>;
  /** Cursors the session has open (SQL DECLARE, protocol-level named portals), by name. Never modified. */
  cursors?: ReadonlyMap<string, Cursor>;
}

export interface BatchAnalysis {
  operation: PostgresOperation;
  /** The prepared statements after the batch (PREPARE and DEALLOCATE applied), to keep once the batch has run. */
  prepared: Map<string, StatementDescription>;
  /** The open cursors after the batch (DECLARE, CLOSE and DISCARD ALL applied). */
  cursors: Map<string, Cursor>;
  /**
   * The description rests on what a prepared statement or cursor of the session holds now (EXECUTE, FETCH, MOVE):
   * true only for the moment of the analysis, never for a later run of the same text.
   */
  usesSessionNames: boolean;
}

/** Describes every statement of `text`, or throws AnalysisError saying which one cannot be described and why. */
export async function analyze(text: string, catalog: SchemaCatalog, options: AnalyzeOptions = {}): Promise<PostgresOperation> {
  return (await analyzeBatch(text, catalog, options)).operation;
}

/** analyze(), plus the session's prepared statements as they will be if the batch runs. */
export async function analyzeBatch(text: string, catalog: SchemaCatalog, options: AnalyzeOptions = {}): Promise<BatchAnalysis> {
  await loadParser();
  // The parser stops at a NUL byte; what follows it would go undescribed.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw new AnalysisError('the statement text contains a NUL character', positionAt(text, Buffer.byteLength(text.slice(0, nul))));
  const raws = parseStatements(text);
  if (raws.length === 0) throw new AnalysisError('the text holds no statement');
  const session: SessionState = {
    searchPath: [...(options.searchPath ?? defaultSearchPath(options.sessionUser))],
    resetSearchPath: options.resetSearchPath ?? defaultSearchPath(options.sessionUser),
    currentUser: options.currentUser ?? options.sessionUser,
    sessionUser: options.sessionUser,
    prepared: new Map(options.prepared ?? []),
    cursors: new Map(options.cursors ?? []),
    namesUsed: false,
  };
  const bytes = Buffer.from(text, 'utf8');
  const statements: StatementDescription[] = [];
  for (const raw of raws) {
    if (!raw.stmt) throw new AnalysisError('the parser returned an empty statement');
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    const statementText = bytes.subarray(start, end).toString('utf8');
    try {
      const directory = await prefetchRelations(raw.stmt, catalog, currentSearchPath(session));
      const ctx = { recorder: new StatementRecorder(), directory, depth: 0 };
      const description = describeStatement(raw.stmt, statementText, ctx, session);
      // set_config('search_path', ...), called directly or by a user function, takes effect for the statements
      // after it, with a value we may not know.
      if (description.functions.some(mayChangeSearchPath)) session.searchPath = undefined;
      statements.push(description);
    } catch (error) {
      throw located(error, text, start, statements.length + 1, raws.length);
    }
  }
  const operation = { action: batchAction(statements), text, fingerprint: fingerprintOf(text), statements };
  return { operation, prepared: session.prepared, cursors: session.cursors, usesSessionNames: session.namesUsed };
}

/** Postgres's default; without a known user, only `public` (a caller that knows no user sets no `$user` schema). */
function defaultSearchPath(sessionUser: string | undefined): readonly string[] {
  return sessionUser === undefined ? ['public'] : POSTGRES_DEFAULT_SEARCH_PATH;
}

/** Pins an error to the statement it came from, so the client learns which one was refused. */
function located(error: unknown, text: string, byteOffset: number, index: number, count: number): unknown {
  if (!(error instanceof AnalysisError) || error.position) return error;
  const which = count > 1 ? `statement ${index}: ` : '';
  return new AnalysisError(`${which}${error.reason}`, positionAt(text, byteOffset));
}
