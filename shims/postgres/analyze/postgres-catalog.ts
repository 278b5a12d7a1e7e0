// The SchemaCatalog over a live database: catalog queries through an injected `query` function, cached.
import type { RelationInfo, SchemaCatalog } from './catalog.js';

/** Runs one parameterised query and returns its rows as objects keyed by column name. */
export type QueryFunction = (sql: string, params: readonly unknown[]) => Promise<Array<Record<string, unknown>>>;

// Every kind of relation that stores or yields rows by name: tables, partitioned and foreign tables, materialized
// views (all read like tables), and views (expanded). Sequences and indexes are not queried as row sources here.
const RELATION_SQL = `
SELECT c.oid::text AS oid, c.relkind::text AS relkind,
       coalesce((SELECT json_agg(a.attname ORDER BY a.attnum) FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]'::json)::text AS columns,
       CASE WHEN c.relkind = 'v' THEN pg_catalog.pg_get_viewdef(c.oid) END AS definition
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'f', 'm', 'v', 'S')`;

// Functions, procedures, aggregates and window functions alike: a call may name any of them.
const FUNCTION_SCHEMAS_SQL = `
SELECT DISTINCT n.nspname AS schema
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.proname = $1`;

/**
 * Answers from the database, caching every answer (including "no such relation") until `clear()`; the shim
 * clears after DDL. `query` must run with an empty search_path so pg_get_viewdef qualifies every relation.
 */
export class PostgresCatalog implements SchemaCatalog {
  private readonly relations = new Map<string, Promise<RelationInfo | undefined>>();
  private readonly functions = new Map<string, Promise<readonly string[]>>();

  constructor(private readonly query: QueryFunction) {}

  relation(schema: string, name: string): Promise<RelationInfo | undefined> {
    return cached(this.relations, `${schema}\u0000${name}`, () => this.load(schema, name));
  }

  functionSchemas(name: string): Promise<readonly string[]> {
    return cached(this.functions, name, async () => {
      const rows = await this.query(FUNCTION_SCHEMAS_SQL, [name]);
      return rows.map((row) => String(row.schema));
    });
  }

  /** Forgets every answer; CREATE FUNCTION and CREATE SCHEMA are DDL, so the shim clears after them too. */
  clear(): void {
    this.relations.clear();
    this.functions.clear();
  }

  private async load(schema: string, name: string): Promise<RelationInfo | undefined> {
    const rows = await this.query(RELATION_SQL, [schema, name]);
    const row = rows[0];
    if (row === undefined) return undefined;
    const columns = JSON.parse(String(row.columns)) as string[];
    if (row.relkind === 'v') {
      return { schema, name, kind: 'view', columns, definition: String(row.definition) };
    }
    return { schema, name, kind: 'table', columns };
  }
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let answer = cache.get(key);
  if (answer === undefined) {
    answer = load();
    // A failed lookup must not be remembered: the next statement asks again.
    answer.catch(() => cache.delete(key));
    cache.set(key, answer);
  }
  return answer;
}
