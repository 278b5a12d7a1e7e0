// A SELECT (and VALUES, set operations, WITH) as a query level: its FROM items, the uses of each clause, and the
// output columns with their origins, which the enclosing query resolves its references against.
import type { CommonTableExpr, Node, ResTarget, SelectStmt, WithClause } from 'libpg-query';
import { resolveColumnRef } from './columns.js';
import { AnalysisError } from './errors.js';
import { originsOf, walkExpression, walkWindow, type WalkContext } from './expressions.js';
import { addFromItem } from './from.js';
import { as, expectFields, kindOf, listItems, names, stringOf } from './nodes.js';
import type { ColumnUse } from './operation.js';
import { computed, type Origin, type OriginSink, type OutputColumn, renameColumns, Scope } from './scope.js';
import { describeModification } from './modify.js';

const SELECT_FIELDS = new Set([
  'distinctClause', 'targetList', 'fromClause', 'whereClause', 'groupClause', 'groupDistinct', 'havingClause',
  'windowClause', 'valuesLists', 'sortClause', 'limitOffset', 'limitCount', 'limitOption', 'lockingClause',
  'withClause', 'op', 'all', 'larg', 'rarg',
]);

/** One select-list entry: the columns it yields, and the origins to report when it is returned to the client. */
export interface Target {
  columns: OutputColumn[];
  report: Origin[];
}

/**
 * Walks a query level. `outputUse` is how its result is consumed when that is known here (`select` at the top,
 * `expression` for INSERT ... SELECT); undefined when the enclosing query decides per referenced column.
 */
export function analyzeSelect(
  stmt: SelectStmt,
  scope: Scope,
  ctx: WalkContext,
  outputUse: ColumnUse | undefined,
): OutputColumn[] {
  expectFields('SELECT', stmt, SELECT_FIELDS);
  if (stmt.withClause) addCtes(stmt.withClause, scope, ctx);
  const record = recordTo(ctx);
  if (stmt.op !== undefined && stmt.op !== 'SETOP_NONE') return analyzeSetOperation(stmt, scope, ctx, outputUse);

  for (const item of stmt.fromClause ?? []) addFromItem(item, scope, ctx);
  const targets = stmt.valuesLists ? valuesTargets(stmt.valuesLists, scope, ctx) : selectTargets(stmt, scope, ctx);
  const outputs = targets.flatMap((t) => t.columns);
  if (outputUse) for (const target of targets) ctx.recorder.use(target.report, outputUse);

  if (stmt.whereClause) walkExpression(stmt.whereClause, 'filter', scope, ctx, record);
  for (const node of stmt.groupClause ?? []) walkGroupItem(node, outputs, scope, ctx);
  if (stmt.havingClause) walkExpression(stmt.havingClause, 'filter', scope, ctx, record);
  for (const node of stmt.windowClause ?? []) {
    const window = as(node, 'WindowDef');
    if (!window) throw new AnalysisError(`unexpected ${kindOf(node)} in WINDOW`);
    walkWindow(window, scope, ctx, record);
  }
  walkDistinct(stmt.distinctClause, targets, outputs, scope, ctx);
  for (const node of stmt.sortClause ?? []) walkOutputReference(node, 'order', outputs, scope, ctx);
  if (stmt.limitCount) walkExpression(stmt.limitCount, 'filter', scope, ctx, record);
  if (stmt.limitOffset) walkExpression(stmt.limitOffset, 'filter', scope, ctx, record);
  return outputs;
}

export function recordTo(ctx: WalkContext): OriginSink {
  return (origins, use) => ctx.recorder.use(origins, use);
}

/** `SELECT DISTINCT` compares every output; `DISTINCT ON (...)` compares its expressions: both group rows. */
function walkDistinct(
  distinct: Node[] | undefined,
  targets: readonly Target[],
  outputs: readonly OutputColumn[],
  scope: Scope,
  ctx: WalkContext,
): void {
  if (!distinct || distinct.length === 0) return;
  const plain = distinct.length === 1 && Object.keys(distinct[0]).length === 0;
  if (plain) {
    for (const target of targets) ctx.recorder.use(target.columns.flatMap((c) => c.origins), 'group');
    return;
  }
  for (const node of distinct) walkOutputReference(node, 'group', outputs, scope, ctx);
}

/** The select list, each entry resolved to the columns it yields. */
export function selectTargets(stmt: { targetList?: Node[] }, scope: Scope, ctx: WalkContext): Target[] {
  return (stmt.targetList ?? []).map((node) => {
    const target = as(node, 'ResTarget');
    if (!target) throw new AnalysisError(`unexpected ${kindOf(node)} in the select list`);
    return selectTarget(target, scope, ctx);
  });
}

function selectTarget(target: ResTarget, scope: Scope, ctx: WalkContext): Target {
  if (!target.val) throw new AnalysisError('a select-list entry has no value');
  const ref = as(target.val, 'ColumnRef');
  if (ref) {
    const resolved = resolveColumnRef(ref, scope);
    if (resolved.kind === 'star') return { columns: resolved.columns, report: resolved.report };
    const name = target.name ?? figureName(target.val);
    return { columns: [{ name, origins: resolved.origins }], report: resolved.origins };
  }
  const origins = originsOf(target.val, scope, ctx);
  return { columns: [{ name: target.name ?? figureName(target.val), origins }], report: origins };
}

/** Each VALUES column: whatever its rows compute (VALUES output has no table origin). */
function valuesTargets(rows: readonly Node[], scope: Scope, ctx: WalkContext): Target[] {
  const columns: Origin[][] = [];
  for (const row of rows) {
    listItems(row).forEach((cell, i) => {
      columns[i] ??= [];
      columns[i].push(...originsOf(cell, scope, ctx));
    });
  }
  return columns.map((origins, i) => ({ columns: [{ name: `column${i + 1}`, origins }], report: origins }));
}

/**
 * ORDER BY and DISTINCT ON: a bare name that is an output column, or a position, means that output column;
 * anything else is an expression over the FROM items.
 */
function walkOutputReference(
  node: Node,
  use: ColumnUse,
  outputs: readonly OutputColumn[],
  scope: Scope,
  ctx: WalkContext,
): void {
  const sortBy = as(node, 'SortBy');
  const expr = sortBy ? sortBy.node : node;
  if (!expr) throw new AnalysisError('an ORDER BY entry has no expression');
  const output = outputColumnFor(expr, outputs, true);
  if (output) return ctx.recorder.use(output.origins, use);
  walkExpression(expr, use, scope, ctx, recordTo(ctx));
}

/** GROUP BY prefers input columns, then output names and positions (Postgres's rule). */
function walkGroupItem(node: Node, outputs: readonly OutputColumn[], scope: Scope, ctx: WalkContext): void {
  const set = as(node, 'GroupingSet');
  if (set) {
    for (const item of set.content ?? []) walkGroupItem(item, outputs, scope, ctx);
    return;
  }
  try {
    const output = outputColumnFor(node, outputs, false);
    if (output) return ctx.recorder.use(output.origins, 'group');
    walkExpression(node, 'group', scope, ctx, recordTo(ctx));
  } catch (error) {
    const output = error instanceof AnalysisError ? outputColumnFor(node, outputs, true) : undefined;
    if (!output) throw error;
    ctx.recorder.use(output.origins, 'group');
  }
}

function outputColumnFor(expr: Node, outputs: readonly OutputColumn[], byName: boolean): OutputColumn | undefined {
  const constant = as(expr, 'A_Const');
  if (constant?.ival !== undefined) {
    const position = constant.ival.ival ?? 0;
    const output = outputs[position - 1];
    if (!output) throw new AnalysisError(`position ${position} is not in the select list`);
    return output;
  }
  const fields = as(expr, 'ColumnRef')?.fields;
  if (!byName || fields?.length !== 1) return undefined;
  const name = stringOf(fields[0]);
  const matches = outputs.filter((o) => o.name === name);
  if (matches.length === 0) return undefined;
  return { name: name ?? '', origins: matches.flatMap((m) => m.origins) };
}

/** UNION, INTERSECT, EXCEPT: outputs merge column by column, and Postgres gives them no table origin. */
function analyzeSetOperation(
  stmt: SelectStmt,
  scope: Scope,
  ctx: WalkContext,
  outputUse: ColumnUse | undefined,
): OutputColumn[] {
  if (!stmt.larg || !stmt.rarg) throw new AnalysisError('a set operation lacks one of its queries');
  const left = analyzeSelect(stmt.larg, new Scope(scope), ctx, undefined);
  const right = analyzeSelect(stmt.rarg, new Scope(scope), ctx, undefined);
  if (left.length !== right.length) throw new AnalysisError('each query of a set operation must have the same number of columns');
  const outputs = left.map((column, i) => ({
    name: column.name,
    origins: computed([...column.origins, ...right[i].origins]),
  }));
  // Removing duplicates or matching rows compares the values, as GROUP BY does.
  if (!(stmt.op === 'SETOP_UNION' && stmt.all)) {
    for (const output of outputs) ctx.recorder.use(output.origins, 'group');
  }
  for (const node of stmt.sortClause ?? []) walkOutputReference(node, 'order', outputs, scope, ctx);
  const record = recordTo(ctx);
  if (stmt.limitCount) walkExpression(stmt.limitCount, 'filter', scope, ctx, record);
  if (stmt.limitOffset) walkExpression(stmt.limitOffset, 'filter', scope, ctx, record);
  if (outputUse) for (const output of outputs) ctx.recorder.use(output.origins, outputUse);
  return outputs;
}

/** WITH: each CTE becomes a relation of this level; a recursive one sees itself through its first branch. */
export function addCtes(withClause: WithClause, scope: Scope, ctx: WalkContext): void {
  for (const node of withClause.ctes ?? []) {
    const cte = as(node, 'CommonTableExpr');
    if (!cte?.ctename || !cte.ctequery) throw new AnalysisError('a WITH entry has no name or query');
    const aliases = names(cte.aliascolnames);
    const query = as(cte.ctequery, 'SelectStmt');
    if (withClause.recursive && query?.larg && query.op !== 'SETOP_NONE') {
      const seed = analyzeSelect(query.larg, new Scope(scope), ctx, undefined);
      scope.ctes.set(cte.ctename, renameColumns(seed.map((c) => ({ ...c, origins: computed(c.origins) })), aliases));
    }
    scope.ctes.set(cte.ctename, renameColumns(cteOutputs(cte, query, scope, ctx), aliases));
  }
}

function cteOutputs(cte: CommonTableExpr, query: SelectStmt | undefined, scope: Scope, ctx: WalkContext): OutputColumn[] {
  if (query) return analyzeSelect(query, new Scope(scope), ctx, undefined);
  // INSERT, UPDATE, DELETE or MERGE inside WITH: it runs whether or not the main query reads its RETURNING.
  return describeModification(cte.ctequery as Node, new Scope(scope), ctx, true).outputs;
}

/** The column name Postgres gives an unnamed select-list entry, so outer queries can refer to it. */
function figureName(node: Node): string {
  const ref = as(node, 'ColumnRef');
  if (ref) {
    const last = ref.fields?.[ref.fields.length - 1];
    return stringOf(last) ?? '?column?';
  }
  const call = as(node, 'FuncCall');
  if (call) return names(call.funcname).pop() ?? '?column?';
  const cast = as(node, 'TypeCast');
  if (cast?.arg) {
    const inner = figureName(cast.arg);
    return inner === '?column?' ? (names(cast.typeName?.names).pop() ?? inner) : inner;
  }
  const indirection = as(node, 'A_Indirection');
  if (indirection) return stringOf(indirection.indirection?.[indirection.indirection.length - 1]) ?? '?column?';
  if (as(node, 'CaseExpr')) return 'case';
  if (as(node, 'CoalesceExpr')) return 'coalesce';
  return '?column?';
}
