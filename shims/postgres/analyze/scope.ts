// The relations a query level can see, and what each of their columns really is (its origin).
import type { ColumnUse } from './operation.js';

/** Where a value comes from: a table column, and whether it reaches the result unchanged or computed. */
export interface Origin {
  table: string;
  /** A column name, or `*` for every column of the table. */
  column: string;
  /**
   * True when the value is computed from the column (an expression, a set operation, a VALUES row, a whole-row
   * composite). Postgres gives such a result column no table origin, so the shim cannot mask it by origin: a
   * computed value returned to the client is an `expression` use, never a `select`.
   */
  computed: boolean;
}

export interface OutputColumn {
  name: string;
  origins: Origin[];
}

/** One FROM item (table, view, subquery, CTE reference, function, join with an alias) as a query level sees it. */
export interface RangeItem {
  /** How the query refers to it: its alias, or the relation's own name; undefined for an unaliased subquery. */
  name?: string;
  /** For a relation referenced without alias: its schema, so `schema.table.column` resolves too. */
  schema?: string;
  columns: OutputColumn[];
  /** Set for base tables: `*` and whole-row references report `table.*`, and system columns resolve. */
  table?: string;
  /** Function results may have columns we cannot know; a name found nowhere else resolves to them, without origin. */
  open: boolean;
}

/** Where a column reference occurs and with what use; the sink decides what to do with the origins. */
export type OriginSink = (origins: readonly Origin[], use: ColumnUse) => void;

/** A query level: its FROM items, the CTEs its WITH defines, and the enclosing level (for correlated references). */
export class Scope {
  readonly items: RangeItem[] = [];
  readonly ctes = new Map<string, OutputColumn[]>();

  /**
   * @param hidesParentItems a non-LATERAL subquery in FROM: it sees the CTEs of the level it sits in and every
   * level above, but not that level's FROM items.
   */
  constructor(
    readonly parent?: Scope,
    readonly hidesParentItems = false,
  ) {}

  /** The FROM items a column reference may resolve to, one array per level, nearest first. */
  *visibleItems(): Generator<readonly RangeItem[]> {
    let hidden = false;
    for (let level: Scope | undefined = this; level; level = level.parent) {
      if (!hidden) yield level.items;
      hidden = level.hidesParentItems;
    }
  }

  findCte(name: string): OutputColumn[] | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const cte = scope.ctes.get(name);
      if (cte) return cte;
    }
    return undefined;
  }
}

export const SYSTEM_COLUMNS: ReadonlySet<string> = new Set(['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']);

/** The same origins, marked computed. */
export function computed(origins: readonly Origin[]): Origin[] {
  return origins.map((o) => (o.computed ? o : { ...o, computed: true }));
}

/** Columns of a table in the origin form. */
export function tableColumns(table: string, columns: readonly string[]): OutputColumn[] {
  return columns.map((column) => ({ name: column, origins: [{ table, column, computed: false }] }));
}

/** `AS alias(a, b)` renames the first columns in order; the rest keep their names. */
export function renameColumns(columns: readonly OutputColumn[], aliases: readonly string[]): OutputColumn[] {
  return columns.map((column, i) => (i < aliases.length ? { name: aliases[i], origins: column.origins } : column));
}
