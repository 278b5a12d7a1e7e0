// The one-word summary of a batch for the audit log: the strongest of read, write and admin it needs.
import type { Action, StatementDescription } from './operation.js';

// Mirrors the shipped catalog's command actions; anything else (DDL, DO, CALL, SET ROLE ...) counts as admin.
const READ_COMMANDS: ReadonlySet<string> = new Set([
  'SELECT', 'VALUES', 'TABLE', 'SHOW', 'EXPLAIN', 'BEGIN', 'START', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT',
  'RELEASE', 'SET', 'RESET', 'COPY',
]);
const WRITE_COMMANDS: ReadonlySet<string> = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);
const STRENGTH: Record<Action, number> = { read: 0, write: 1, admin: 2 };

export function statementAction(statement: StatementDescription): Action {
  if (WRITE_COMMANDS.has(statement.command)) return 'write';
  if (!READ_COMMANDS.has(statement.command)) return 'admin';
  return statement.writes.length > 0 ? 'write' : 'read';
}

export function batchAction(statements: readonly StatementDescription[]): Action {
  return statements.map(statementAction).reduce((a, b) => (STRENGTH[b] > STRENGTH[a] ? b : a), 'read');
}
