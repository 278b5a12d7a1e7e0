// What a result column is, from its RowDescription origin (table OID, attribute number): the schema-qualified
// table columns the policy's masks name. A view's column is followed through the view's definition to the
// columns under it. Looked up on the catalog connection and cached per shim until the next DDL.
import { viewColumns } from './analyze/view-columns.js';
import type { PostgresCatalog, QueryFunction } from './analyze/postgres-catalog.js';

export interface ColumnSource {
  /** `schema.table`, as the policy contract writes tables. */
  readonly table: string;
  /** A column name, or `*` for a whole row (a view column such as `row_to_json(t)`). */
  readonly column: string;
}

export interface ColumnOrigin {
  /** The relation RowDescription names (a table or a view), `schema.name`, for messages. */
  readonly relation: string;
  /** The table columns the value is made of. */
  readonly sources: readonly ColumnSource[];
  /** The value is its one source unchanged (a table's column, or a view column that only passes one through). */
  readonly passThrough: boolean;
}

const ORIGIN_SQL = `
SELECT n.nspname AS schema, c.relname AS name, a.attname AS column, c.relkind::text AS relkind
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.attrelid = $1::oid AND a.attnum = $2::int2`;

export class ColumnOrigins {
  private readonly cache = new Map<string, Promise<ColumnOrigin | undefined>>();

  constructor(
    private readonly query: QueryFunction,
    private readonly catalog: PostgresCatalog,
  ) {}

  /** The origin, undefined when the catalog knows no such column; rejects when a view cannot be followed. */
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

  /** After DDL: an OID may now mean another column (a dropped and re-added one), a view another query. */
  clear(): void {
    this.cache.clear();
  }

  private async load(tableId: number, columnId: number): Promise<ColumnOrigin | undefined> {
    const [row] = await this.query(ORIGIN_SQL, [tableId, columnId]);
    if (row === undefined) return undefined;
    const schema = String(row.schema);
    const name = String(row.name);
    const column = String(row.column);
    const relation = `${schema}.${name}`;
    if (row.relkind !== 'v') return { relation, sources: [{ table: relation, column }], passThrough: true };
    const columns = await viewColumns(this.catalog, schema, name);
    const output = columns?.find((c) => c.name === column);
    if (output === undefined) throw new Error(`column ${column} of view ${relation} is not in its definition`);
    const sources = output.origins.map((o) => ({ table: o.table, column: o.column }));
    const passThrough = output.origins.length === 1 && !output.origins[0]!.computed && output.origins[0]!.column !== '*';
    return { relation, sources, passThrough };
  }
}
