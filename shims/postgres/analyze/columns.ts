// Column references resolved to their origins through the query levels, as Postgres resolves them: the nearest
// level that has the column wins; a name that is no column may be a whole-row reference to a FROM item.
import type { ColumnRef, Node } from 'libpg-query';
import { AnalysisError } from './errors.js';
import { as, kindOf, stringOf } from './nodes.js';
import { computed, SYSTEM_COLUMNS, type Origin, type OutputColumn, type RangeItem, type Scope } from './scope.js';

export type ResolvedRef =
  | { kind: 'column'; origins: Origin[] }
  /** `*` or `t.*`: the columns it expands to, and the origins to report (`table.*` for base tables). */
  | { kind: 'star'; columns: OutputColumn[]; report: Origin[] };

export function resolveColumnRef(ref: ColumnRef, scope: Scope): ResolvedRef {
  const fields = ref.fields ?? [];
  const parts = fields.map(fieldName);
  const star = parts[parts.length - 1] === '*';
  if (parts.slice(0, -1).includes('*')) throw new AnalysisError('`*` may only end a column reference');
  if (star && parts.length === 1) return starOf(scope.items);
  if (star) return starOf([qualifiedItem(parts.slice(0, -1), scope)]);
  if (parts.length === 1) return { kind: 'column', origins: unqualifiedColumn(parts[0], scope) };
  return { kind: 'column', origins: qualifiedColumn(parts, scope) };
}

function fieldName(field: Node): string {
  if (as(field, 'A_Star')) return '*';
  const name = stringOf(field);
  if (name === undefined) throw new AnalysisError(`unexpected ${kindOf(field)} in a column reference`);
  return name;
}

function starOf(items: readonly RangeItem[]): ResolvedRef {
  if (items.length === 0) throw new AnalysisError('SELECT * with no tables specified is not valid');
  return {
    kind: 'star',
    columns: items.flatMap((item) => item.columns),
    report: items.flatMap(wholeRowOrigins),
  };
}

/** What a reference to the whole row of an item reveals: for a base table `table.*`, else every column's origin. */
export function wholeRowOrigins(item: RangeItem): Origin[] {
  if (item.table) return [{ table: item.table, column: '*', computed: false }];
  return item.columns.flatMap((column) => column.origins);
}

function unqualifiedColumn(name: string, scope: Scope): Origin[] {
  let sawOpenItem = false;
  for (const items of scope.visibleItems()) {
    const matches = items.flatMap((item) => columnOf(item, name) ?? []);
    // Postgres rejects an ambiguous name; reporting every candidate errs on the side of saying too much.
    if (matches.length > 0) return matches.flatMap((column) => column.origins);
    sawOpenItem ||= items.some((item) => item.open);
  }
  if (sawOpenItem) return [];
  const item = itemNamed(name, scope);
  // A whole row is one composite cell: no mask can reach into it.
  if (item) return computed(wholeRowOrigins(item));
  throw new AnalysisError(`column "${name}" does not exist`);
}

/** `t.c`, `s.t.c`, `db.s.t.c`, or a field of a composite column (`c.f`, `t.c.f`). */
function qualifiedColumn(parts: readonly string[], scope: Scope): Origin[] {
  const column = parts[parts.length - 1];
  const relation = parts.slice(0, -1);
  const item = findItem(relation, scope);
  if (item) {
    const match = columnOf(item, column);
    if (match) return match.origins;
    if (item.open) return [];
    if (parts.length === 2) {
      // Not a column of t: `t.c` may still be field c of a composite column t.
      const composite = tryColumn(parts[0], scope);
      if (composite) return computed(composite);
    }
    throw new AnalysisError(`column ${parts.join('.')} does not exist`);
  }
  // `c.f` (field f of column c) or `t.c.f` (field f of column t.c): a field is computed from its column.
  const composite = parts.length === 2 ? tryColumn(parts[0], scope) : tryQualified(parts.slice(0, -1), scope);
  if (composite) return computed(composite);
  throw new AnalysisError(`missing FROM-clause entry for ${relation.join('.')}`);
}

function tryColumn(name: string, scope: Scope): Origin[] | undefined {
  for (const items of scope.visibleItems()) {
    const matches = items.flatMap((item) => columnOf(item, name) ?? []);
    if (matches.length > 0) return matches.flatMap((c) => c.origins);
  }
  return undefined;
}

function tryQualified(parts: readonly string[], scope: Scope): Origin[] | undefined {
  const item = findItem(parts.slice(0, -1), scope);
  return item ? columnOf(item, parts[parts.length - 1])?.origins : undefined;
}

function qualifiedItem(relation: readonly string[], scope: Scope): RangeItem {
  const item = findItem(relation, scope);
  if (!item) throw new AnalysisError(`missing FROM-clause entry for ${relation.join('.')}`);
  return item;
}

/** The FROM item `t`, `s.t` or `db.s.t` refers to, nearest level first. */
function findItem(relation: readonly string[], scope: Scope): RangeItem | undefined {
  const name = relation[relation.length - 1];
  const schema = relation.length >= 2 ? relation[relation.length - 2] : undefined;
  for (const items of scope.visibleItems()) {
    const found = items.find((item) => item.name === name && (schema === undefined || item.schema === schema));
    if (found) return found;
  }
  return undefined;
}

function itemNamed(name: string, scope: Scope): RangeItem | undefined {
  return findItem([name], scope);
}

function columnOf(item: RangeItem, name: string): OutputColumn | undefined {
  const found = item.columns.filter((column) => column.name === name);
  if (found.length === 1) return found[0];
  if (found.length > 1) return { name, origins: found.flatMap((column) => column.origins) };
  if (item.table && SYSTEM_COLUMNS.has(name)) {
    return { name, origins: [{ table: item.table, column: name, computed: false }] };
  }
  return undefined;
}
