// FROM items: each becomes a RangeItem of the query level, with its columns traced to their origins.
import type { Alias, JoinExpr, Node, RangeFunction, RangeSubselect, RangeVar } from 'libpg-query';
import type { RelationInfo } from './catalog.js';
import { AnalysisError } from './errors.js';
import { walkExpression, type WalkContext } from './expressions.js';
import { as, kindOf, listItems, names, stringOf } from './nodes.js';
import { type OutputColumn, type RangeItem, renameColumns, Scope, tableColumns } from './scope.js';
import { analyzeSelect, recordTo } from './select.js';

/** Adds the items `node` introduces to `scope` (a JOIN without alias introduces both sides). */
export function addFromItem(node: Node, scope: Scope, ctx: WalkContext): void {
  const kind = kindOf(node);
  const rangeVar = as(node, 'RangeVar');
  if (rangeVar) return void scope.items.push(relationItem(rangeVar, scope, ctx));
  const subselect = as(node, 'RangeSubselect');
  if (subselect) return void scope.items.push(subqueryItem(subselect, scope, ctx));
  const fn = as(node, 'RangeFunction');
  if (fn) return void scope.items.push(functionItem(fn, scope, ctx));
  const join = as(node, 'JoinExpr');
  if (join) return addJoin(join, scope, ctx);
  const sample = as(node, 'RangeTableSample');
  if (sample?.relation) {
    addFromItem(sample.relation, scope, ctx);
    for (const arg of sample.args ?? []) walkExpression(arg, 'expression', scope, ctx, recordTo(ctx));
    if (sample.repeatable) walkExpression(sample.repeatable, 'expression', scope, ctx, recordTo(ctx));
    return;
  }
  const tableFunction = as(node, 'RangeTableFunc') ?? as(node, 'JsonTable');
  if (tableFunction) return void scope.items.push(tableFunctionItem(node, tableFunction.alias, scope, ctx));
  throw new AnalysisError(`FROM item of kind ${kind} is not supported`);
}

/** A table, view or CTE named in FROM. */
export function relationItem(rangeVar: RangeVar, scope: Scope, ctx: WalkContext): RangeItem {
  const name = rangeVar.relname ?? '';
  const alias = rangeVar.alias;
  const cte = rangeVar.schemaname ? undefined : scope.findCte(name);
  if (cte) return { name: alias?.aliasname ?? name, columns: aliased(cte, alias), open: false };
  const relation = resolveRelation(rangeVar, ctx);
  const qualified = qualifiedName(relation);
  ctx.recorder.read(qualified);
  const reference = { name: alias?.aliasname ?? name, schema: alias ? undefined : relation.schema };
  if (relation.kind === 'view') {
    // A view's own query sees nothing of the query that uses it, and resolves names as it was stored.
    const viewCtx = { ...ctx, directory: ctx.directory.forViewDefinition() };
    const outputs = analyzeSelect(ctx.directory.viewQuery(relation), new Scope(), viewCtx, undefined);
    const columns = renameColumns(outputs, relation.columns);
    return { ...reference, columns: aliased(columns, alias), open: false };
  }
  return { ...reference, table: qualified, columns: aliased(tableColumns(qualified, relation.columns), alias), open: false };
}

export function resolveRelation(rangeVar: RangeVar, ctx: WalkContext): RelationInfo {
  const name = rangeVar.relname ?? '';
  const relation = ctx.directory.find(rangeVar.schemaname, name);
  if (!relation) {
    const shown = rangeVar.schemaname ? `${rangeVar.schemaname}.${name}` : name;
    const path = rangeVar.schemaname ? '' : ` (search_path: ${ctx.directory.searchPath.join(', ') || 'empty'})`;
    throw new AnalysisError(`relation "${shown}" does not exist${path}`);
  }
  return relation;
}

export function qualifiedName(relation: { schema: string; name: string }): string {
  if (relation.schema.includes('.') || relation.name.includes('.')) {
    throw new AnalysisError(`identifier ${relation.schema}.${relation.name} contains a dot, which taskgate does not support`);
  }
  return `${relation.schema}.${relation.name}`;
}

function aliased(columns: OutputColumn[], alias: Alias | undefined): OutputColumn[] {
  return alias?.colnames ? renameColumns(columns, names(alias.colnames)) : columns;
}

/** A subquery in FROM sees the enclosing levels, and with LATERAL also the items before it. */
function subqueryItem(item: RangeSubselect, scope: Scope, ctx: WalkContext): RangeItem {
  const query = as(item.subquery, 'SelectStmt');
  if (!query) throw new AnalysisError('a subquery in FROM must be a SELECT');
  const outputs = analyzeSelect(query, new Scope(scope, !item.lateral), ctx, undefined);
  return { name: item.alias?.aliasname, columns: aliased(outputs, item.alias), open: false };
}

/** A set-returning function: its arguments may use earlier items; its columns have no table origin. */
function functionItem(item: RangeFunction, scope: Scope, ctx: WalkContext): RangeItem {
  const columnNames: string[] = [];
  for (const entry of item.functions ?? []) {
    const [call, definitions] = listItems(entry);
    if (!call) throw new AnalysisError('a function in FROM has no call');
    walkExpression(call, 'expression', scope, ctx, recordTo(ctx));
    const defined = as(definitions, 'List')?.items ?? [];
    for (const def of [...defined, ...(item.coldeflist ?? [])]) {
      const name = as(def, 'ColumnDef')?.colname;
      if (name) columnNames.push(name);
    }
    if (defined.length === 0 && !item.coldeflist) columnNames.push(functionName(call));
  }
  if (item.ordinality) columnNames.push('ordinality');
  const aliases = item.alias?.colnames ? names(item.alias.colnames) : [];
  const first = item.functions?.[0] ? functionName(listItems(item.functions[0])[0]) : undefined;
  const columns = columnNames.map((name) => ({ name, origins: [] }));
  // A single scalar function's one column takes the alias name, as Postgres does.
  if (columns.length === 1 && item.alias && !item.alias.colnames && columns[0].name === first) {
    columns[0].name = item.alias.aliasname ?? columns[0].name;
  }
  return { name: item.alias?.aliasname ?? first, columns: renameColumns(columns, aliases), open: true };
}

function functionName(call: Node): string {
  const fn = as(call, 'FuncCall');
  return fn ? (names(fn.funcname).pop() ?? '') : kindOf(call).toLowerCase();
}

/** XMLTABLE and JSON_TABLE: their expressions may use earlier items; their columns have no table origin. */
function tableFunctionItem(node: Node, alias: Alias | undefined, scope: Scope, ctx: WalkContext): RangeItem {
  const body = (node as unknown as Record<string, Record<string, unknown>>)[kindOf(node)];
  for (const [key, value] of Object.entries(body)) {
    if (key === 'alias' || key === 'columns' || key === 'location') continue;
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1) {
      walkExpression(value as Node, 'expression', scope, ctx, recordTo(ctx));
    }
  }
  return { name: alias?.aliasname, columns: [], open: true };
}

/** Both sides join the level; ON, USING and NATURAL compare their columns; an alias hides the sides behind it. */
function addJoin(join: JoinExpr, scope: Scope, ctx: WalkContext): void {
  if (!join.larg || !join.rarg) throw new AnalysisError('a JOIN lacks one of its sides');
  const before = scope.items.length;
  addFromItem(join.larg, scope, ctx);
  const middle = scope.items.length;
  addFromItem(join.rarg, scope, ctx);
  const left = scope.items.slice(before, middle);
  const right = scope.items.slice(middle);
  if (join.quals) walkExpression(join.quals, 'filter', scope, ctx, recordTo(ctx));
  const using = join.usingClause?.map((n) => stringOf(n) ?? '') ?? [];
  const common = join.isNatural ? commonColumns(left, right) : using;
  for (const name of common) {
    for (const item of [...left, ...right]) {
      for (const column of item.columns) if (column.name === name) ctx.recorder.use(column.origins, 'filter');
    }
  }
  const alias = join.alias ?? join.join_using_alias;
  if (alias && join.alias) {
    const sides = scope.items.splice(before);
    const columns = sides.flatMap((item) => item.columns);
    scope.items.push({ name: alias.aliasname, columns: aliased(columns, alias), open: sides.some((s) => s.open) });
  } else if (alias) {
    // `JOIN ... USING (c) AS j` names only the merged columns; the sides stay visible.
    const merged = common.map((name) => ({
      name,
      origins: [...left, ...right].flatMap((item) => item.columns.filter((c) => c.name === name)).flatMap((c) => c.origins),
    }));
    scope.items.push({ name: alias.aliasname, columns: merged, open: false });
  }
}

function commonColumns(left: readonly RangeItem[], right: readonly RangeItem[]): string[] {
  const rightNames = new Set(right.flatMap((item) => item.columns.map((c) => c.name)));
  return [...new Set(left.flatMap((item) => item.columns.map((c) => c.name)))].filter((n) => rightNames.has(n));
}
