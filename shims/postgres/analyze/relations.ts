// Looks up, before the (synchronous) walk, every relation a statement names, and the relations of the views it
// reaches, and the schemas holding each function they call unqualified, so the walk can resolve names without
// waiting on the database.
import type { Node, SelectStmt } from 'libpg-query';
import { effectiveSearchPath, type RelationInfo, type SchemaCatalog } from './catalog.js';
import { AnalysisError } from './errors.js';
import { calledFunctions, unqualifiedFunctionNames } from './functions.js';
import { as, objectsIn } from './nodes.js';
import { parseStatements } from './parse.js';

/** Views may be defined over views; a chain deeper than this is treated as a cycle. */
const MAX_VIEW_DEPTH = 16;

export interface RelationDirectory {
  /** The relation a (possibly unqualified) name means under the statement's search_path. */
  find(schema: string | undefined, name: string): RelationInfo | undefined;
  /** The parsed query of a view found by `find`. */
  viewQuery(view: RelationInfo): SelectStmt;
  /** The schema-qualified functions a call of `parts` may run (functions.ts). */
  functions(parts: readonly string[]): string[];
  /** The search_path unqualified names were resolved with. */
  readonly searchPath: readonly string[];
  /** The same relations, resolved as a view's definition is: unqualified names only in pg_catalog. */
  forViewDefinition(): RelationDirectory;
}

// Parsed view definitions, kept as long as the catalog keeps the RelationInfo it returned.
const parsedViews = new WeakMap<RelationInfo, SelectStmt>();

export async function prefetchRelations(
  tree: unknown,
  catalog: SchemaCatalog,
  searchPath: readonly string[],
): Promise<RelationDirectory> {
  const known = new Map<string, RelationInfo | undefined>();
  const lookup = async (schema: string, name: string): Promise<RelationInfo | undefined> => {
    const key = `${schema}\u0000${name}`;
    if (!known.has(key)) known.set(key, await catalog.relation(schema, name));
    return known.get(key);
  };
  const functionSchemas = new Map<string, readonly string[]>();
  const path = effectiveSearchPath(searchPath);

  const visit = async (subtree: unknown, schemas: readonly string[], depth: number): Promise<void> => {
    for (const name of unqualifiedFunctionNames(subtree)) {
      if (!functionSchemas.has(name)) functionSchemas.set(name, await catalog.functionSchemas(name));
    }
    for (const { schemaname, relname } of relationNames(subtree)) {
      const found = schemaname ? await lookup(schemaname, relname) : await firstFound(schemas, relname, lookup);
      if (found?.kind !== 'view') continue;
      if (depth >= MAX_VIEW_DEPTH) {
        throw new AnalysisError(`view ${found.schema}.${found.name} nests views more than ${MAX_VIEW_DEPTH} deep`);
      }
      // View definitions come schema-qualified, so only pg_catalog is searched for what they leave unqualified.
      await visit(viewQueryOf(found), ['pg_catalog'], depth + 1);
    }
  };
  await visit(tree, path, 0);
  return directory(known, functionSchemas, searchPath);
}

function directory(
  known: ReadonlyMap<string, RelationInfo | undefined>,
  functionSchemas: ReadonlyMap<string, readonly string[]>,
  searchPath: readonly string[],
): RelationDirectory {
  const path = effectiveSearchPath(searchPath);
  return {
    searchPath,
    find(schema, name) {
      for (const s of schema ? [schema] : path) {
        const found = known.get(`${s}\u0000${name}`);
        if (found) return found;
      }
      return undefined;
    },
    functions: (parts) => calledFunctions(parts, (name) => functionSchemas.get(name), searchPath),
    viewQuery: viewQueryOf,
    forViewDefinition: () => directory(known, functionSchemas, []),
  };
}

async function firstFound(
  schemas: readonly string[],
  name: string,
  lookup: (schema: string, name: string) => Promise<RelationInfo | undefined>,
): Promise<RelationInfo | undefined> {
  for (const schema of schemas) {
    const found = await lookup(schema, name);
    if (found) return found;
  }
  return undefined;
}

export function viewQueryOf(view: RelationInfo): SelectStmt {
  let query = parsedViews.get(view);
  if (query === undefined) {
    const statements = parseStatements(view.definition ?? '');
    query = statements.length === 1 ? as(statements[0].stmt as Node, 'SelectStmt') : undefined;
    if (query === undefined) {
      throw new AnalysisError(`the definition of view ${view.schema}.${view.name} is not a single query`);
    }
    parsedViews.set(view, query);
  }
  return query;
}

/** Every relation name (RangeVar) in a subtree, wrapped as a node or embedded as a typed field. */
function* relationNames(value: unknown): Generator<{ schemaname?: string; relname: string }> {
  for (const record of objectsIn(value)) {
    if (typeof record.relname === 'string') yield { schemaname: record.schemaname as string | undefined, relname: record.relname };
  }
}
