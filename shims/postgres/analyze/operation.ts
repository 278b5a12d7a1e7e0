// The description of a SQL batch, as docs/policy-contract.md ("postgres") defines it.

export type ColumnUse = 'select' | 'filter' | 'order' | 'group' | 'expression' | 'set';

export type Action = 'read' | 'write' | 'admin';

export interface ColumnReference {
  table: string;
  column: string;
  use: ColumnUse;
}

export interface StatementDescription {
  command: string;
  reads: string[];
  writes: string[];
  columns: ColumnReference[];
  functions: string[];
  /** Server settings the statement changes (SET, RESET), lower case as Postgres matches them; `all` for RESET ALL. */
  settings: string[];
  has_where: boolean;
}

export interface PostgresOperation {
  /** The strongest action the batch needs. */
  action: Action;
  text: string;
  fingerprint: string;
  statements: StatementDescription[];
}
