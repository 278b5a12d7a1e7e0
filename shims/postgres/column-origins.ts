// What a result column is, from its RowDescription origin (table OID, attribute number): the schema-qualified
// table and column the policy's masks name. Looked up on the catalog connection and cached per shim.
import type { QueryFunction } from './analyze/postgres-catalog.js';

export interface ColumnOrigin {
  /** `schema.table`, as the policy contract writes tables. */
  readonly table: string;
  readonly column: string;
  /** A view's column: its RowDescription origin is the view, not the table under it. */
  readonly isView: boolean;
}

const ORIGIN_SQL = `
SELECT n.nspname AS schema, c.relname AS name, a.attname AS column, c.relkind::text AS relkind
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.attrelid = $1::oid AND a.attnum = $2::int2`;

export class ColumnOrigins {
  private readonly cache = new Map<string, Promise<ColumnOrigin | undefined>>();

  constructor(private readonly query: QueryFunction) {}

  lookup(tableId: number, columnId: number): Promise<ColumnOrigin | undefined> {
    const key = `${tableId}:${columnId}`;
    let origin = this.cache.get(key);
    if (origin === undefined) {
      origin = this.load(tableId, columnId);
      origin.catch(() => this.cache.delete(key));
      this.cache.set(key, origin);
    }
    return origin;
  }

  /** After DDL: an OID may now mean another column (a dropped and re-added one). */
  clear(): void {
    this.cache.clear();
  }

  private async load(tableId: number, columnId: number): Promise<ColumnOrigin | undefined> {
    const [row] = await this.query(ORIGIN_SQL, [tableId, columnId]);
    if (row === undefined) return undefined;
    return { table: `${String(row.schema)}.${String(row.name)}`, column: String(row.column), isView: row.relkind === 'v' };
  }
}
