// COPY ... FROM STDIN, which changes how Postgres reads the client's messages: while it takes the rows it ignores
// Sync and Flush, so no ReadyForQuery answers them. The session must know which statements do this, to keep its
// count of the answers Postgres owes (and with it the masks of every later result) in step.
import type { PostgresOperation } from './analyze/operation.js';
import { as } from './analyze/nodes.js';
import { parseStatements } from './analyze/parse.js';

/** How many statements of the (already analysed) text read rows from the client. */
export function copiesFromClient(text: string, operation: PostgresOperation): number {
  if (!operation.statements.some((s) => s.command === 'COPY')) return 0;
  return parseStatements(text).filter((raw) => as(raw.stmt, 'CopyStmt')?.is_from === true).length;
}
