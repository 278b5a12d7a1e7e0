// Collects one statement's description as the walk finds tables, columns, functions and settings, in order, without repeats.
import type { ColumnReference, ColumnUse, StatementDescription } from './operation.js';
import type { Origin } from './scope.js';

export class StatementRecorder {
  private readonly reads = new Set<string>();
  private readonly writes = new Set<string>();
  private readonly columns = new Map<string, ColumnReference>();
  private readonly functions = new Set<string>();
  private readonly settings = new Set<string>();

  read(table: string): void {
    this.reads.add(table);
  }

  write(table: string): void {
    this.writes.add(table);
  }

  /** `name` as Postgres stores it (the parser folds unquoted names): `"Evil"()` is not `evil()`. */
  function(name: string): void {
    this.functions.add(name);
  }

  /** `name` in lower case, as Postgres matches setting names. */
  setting(name: string): void {
    this.settings.add(name);
  }

  /** Records each origin with `use`; a computed value returned to the client is an expression (see Origin). */
  use(origins: readonly Origin[], use: ColumnUse): void {
    for (const origin of origins) {
      const effective: ColumnUse = origin.computed && use === 'select' ? 'expression' : use;
      const key = `${origin.table}\u0000${origin.column}\u0000${effective}`;
      if (!this.columns.has(key)) this.columns.set(key, { table: origin.table, column: origin.column, use: effective });
    }
  }

  describe(command: string, hasWhere: boolean): StatementDescription {
    return {
      command,
      reads: [...this.reads],
      writes: [...this.writes],
      columns: [...this.columns.values()],
      functions: [...this.functions],
      settings: [...this.settings],
      has_where: hasWhere,
    };
  }
}
