// A thin wrapper over libpg-query (Postgres's own parser compiled to WASM): load once, parse synchronously, and
// turn its errors into AnalysisErrors with a position.
import { fingerprintSync, hasSqlDetails, loadModule, parseSync, type RawStmt } from 'libpg-query';
import { AnalysisError, positionAt } from './errors.js';

let loaded: Promise<void> | undefined;

/** Loads the parser's WASM module; every other function here needs it loaded first. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** The statements of `text`, in order; throws AnalysisError with libpg-query's message and position. */
export function parseStatements(text: string): RawStmt[] {
  try {
    return parseSync(text).stmts ?? [];
  } catch (error) {
    throw parserError(text, error);
  }
}

/** libpg-query's fingerprint: equal for statements that differ only in constants. */
export function fingerprintOf(text: string): string {
  try {
    return fingerprintSync(text);
  } catch (error) {
    throw parserError(text, error);
  }
}

function parserError(text: string, error: unknown): AnalysisError {
  const message = error instanceof Error ? error.message : String(error);
  if (hasSqlDetails(error) && error.sqlDetails && error.sqlDetails.cursorPosition >= 0) {
    // libpg-query reports the cursor as a 0-based byte offset.
    return new AnalysisError(message, positionAt(text, error.sqlDetails.cursorPosition));
  }
  return new AnalysisError(message);
}
