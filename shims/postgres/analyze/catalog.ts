// What the analysis needs to know about the database: which relation a name means and what its columns are, and
// which schemas hold a function of a given name.
// The shim implements it with catalog queries (postgres-catalog.ts); tests use memory-catalog.ts.

export interface RelationInfo {
  schema: string;
  name: string;
  /** Views are expanded into the relations they read; everything that stores rows counts as a table. */
  kind: 'table' | 'view';
  /** User columns in attribute order (no system or dropped columns). */
  columns: readonly string[];
  /** For views: the view's query, with every relation schema-qualified (pg_get_viewdef under an empty search_path). */
  definition?: string;
}

export interface SchemaCatalog {
  /** The relation `schema.name` exactly (no search_path), or undefined when there is none. */
  relation(schema: string, name: string): Promise<RelationInfo | undefined>;
  /**
   * Every schema holding a function, procedure or aggregate named exactly `name` (any argument types), in no
   * particular order; empty when there is none.
   */
  functionSchemas(name: string): Promise<readonly string[]>;
}

/**
 * The schemas an unqualified relation or function name is looked up in, in order. Postgres searches pg_catalog
 * first unless the search_path names it somewhere else; `$user` must already be replaced by the shim.
 */
export function effectiveSearchPath(searchPath: readonly string[]): string[] {
  return searchPath.includes('pg_catalog') ? [...searchPath] : ['pg_catalog', ...searchPath];
}

/** Where CREATE puts an unqualified name: the first schema of the search_path. */
export function creationSchema(searchPath: readonly string[]): string | undefined {
  return searchPath.find((schema) => schema !== 'pg_catalog');
}
