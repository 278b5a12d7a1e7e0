// What each column of a view is made of: the base table columns it comes from, through nested views, subqueries
// and CTEs of its definition, and whether it passes one of them through unchanged. Postgres names the view, not
// its tables, as a result column's origin, so the shim masks a view's columns by these.
import type { SchemaCatalog } from './catalog.js';
import type { WalkContext } from './expressions.js';
import { relationItem } from './from.js';
import { loadParser } from './parse.js';
import { StatementRecorder } from './recorder.js';
import { prefetchRelations } from './relations.js';
import { Scope, type OutputColumn } from './scope.js';

/** The view's columns in attribute order, each with its origins; undefined when `schema.name` is not a view. */
export async function viewColumns(catalog: SchemaCatalog, schema: string, name: string): Promise<OutputColumn[] | undefined> {
  await loadParser();
  const relation = await catalog.relation(schema, name);
  if (relation?.kind !== 'view') return undefined;
  const reference = { schemaname: schema, relname: name };
  const ctx: WalkContext = { recorder: new StatementRecorder(), directory: await prefetchRelations(reference, catalog, []), depth: 0 };
  return relationItem(reference, new Scope(), ctx).columns;
}
