// INSERT, UPDATE, DELETE and MERGE: the table written, the columns set, and what their clauses read and compare.
import type { DeleteStmt, InsertStmt, MergeStmt, Node, RangeVar, ResTarget, ReturningClause, UpdateStmt, WithClause } from 'libpg-query';
import { AnalysisError } from './errors.js';
import { walkExpression, type WalkContext } from './expressions.js';
import { addFromItem, qualifiedName, resolveRelation } from './from.js';
import { as, expectFields, kindOf } from './nodes.js';
import { type OutputColumn, type RangeItem, Scope, tableColumns } from './scope.js';
import { addCtes, analyzeSelect, recordTo, selectTargets } from './select.js';

export interface Modification {
  command: 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE';
  hasWhere: boolean;
  /** The RETURNING columns, for a WITH query that reads them. */
  outputs: OutputColumn[];
}

const INSERT_FIELDS = new Set(['relation', 'cols', 'selectStmt', 'onConflictClause', 'returningClause', 'withClause', 'override']);
const UPDATE_FIELDS = new Set(['relation', 'targetList', 'whereClause', 'fromClause', 'returningClause', 'withClause']);
const DELETE_FIELDS = new Set(['relation', 'usingClause', 'whereClause', 'returningClause', 'withClause']);
const MERGE_FIELDS = new Set(['relation', 'sourceRelation', 'joinCondition', 'mergeWhenClauses', 'returningClause', 'withClause']);

/**
 * Describes a data-modifying statement into `ctx.recorder`. Inside WITH (`inCte`), an UPDATE or DELETE without
 * WHERE is refused: the statement reports its main command, and approval for unfiltered changes would miss it.
 */
export function describeModification(node: Node, scope: Scope, ctx: WalkContext, inCte: boolean): Modification {
  const insert = as(node, 'InsertStmt');
  if (insert) return describeInsert(insert, scope, ctx);
  const update = as(node, 'UpdateStmt');
  if (update) return refuseUnfiltered(describeUpdate(update, scope, ctx), inCte);
  const remove = as(node, 'DeleteStmt');
  if (remove) return refuseUnfiltered(describeDelete(remove, scope, ctx), inCte);
  const merge = as(node, 'MergeStmt');
  if (merge) return describeMerge(merge, scope, ctx);
  throw new AnalysisError(`statement of kind ${kindOf(node)} cannot be used here`);
}

function refuseUnfiltered(modification: Modification, inCte: boolean): Modification {
  if (inCte && !modification.hasWhere) {
    throw new AnalysisError(
      `${modification.command} without WHERE inside WITH changes every row; run it as its own statement so it can be approved`,
    );
  }
  return modification;
}

/** The written table as a FROM item of its statement (for SET, WHERE, RETURNING and ON CONFLICT). */
function targetItem(relation: RangeVar | undefined, ctx: WalkContext): RangeItem {
  if (!relation) throw new AnalysisError('the statement names no table to change');
  const info = resolveRelation(relation, ctx);
  const table = qualifiedName(info);
  if (info.kind === 'view') {
    throw new AnalysisError(`changing rows through view ${table} is not supported; change its tables instead`);
  }
  ctx.recorder.write(table);
  const alias = relation.alias?.aliasname;
  return { name: alias ?? info.name, schema: alias ? undefined : info.schema, table, columns: tableColumns(table, info.columns), open: false };
}

function setColumn(target: RangeItem, name: string | undefined, ctx: WalkContext): void {
  const column = target.columns.find((c) => c.name === name);
  if (!column) throw new AnalysisError(`column "${name}" of relation ${target.table} does not exist`);
  ctx.recorder.use(column.origins, 'set');
}

function setTargets(nodes: readonly Node[] | undefined, target: RangeItem, scope: Scope, ctx: WalkContext): void {
  for (const node of nodes ?? []) {
    const res = as(node, 'ResTarget');
    if (!res) throw new AnalysisError(`unexpected ${kindOf(node)} in SET`);
    setColumn(target, res.name, ctx);
    for (const index of res.indirection ?? []) walkExpression(index, 'expression', scope, ctx, recordTo(ctx));
    // Whatever is copied into the table is an expression use of the columns it comes from.
    if (res.val) walkExpression(res.val, 'expression', scope, ctx, recordTo(ctx));
  }
}

/** RETURNING sends rows of the written table back: a read of it, and `select` uses of what it returns. */
function returning(clause: ReturningClause | undefined, target: RangeItem, scope: Scope, ctx: WalkContext): OutputColumn[] {
  if (!clause) return [];
  ctx.recorder.read(target.table ?? '');
  const withOldNew = new Scope(scope);
  for (const name of ['old', 'new']) withOldNew.items.push({ ...target, name, schema: undefined });
  const targets = selectTargets({ targetList: clause.exprs }, withOldNew, ctx);
  for (const t of targets) ctx.recorder.use(t.report, 'select');
  return targets.flatMap((t) => t.columns);
}

function withScope(withClause: WithClause | undefined, scope: Scope, ctx: WalkContext): Scope {
  if (withClause) addCtes(withClause, scope, ctx);
  return scope;
}

function describeInsert(stmt: InsertStmt, outer: Scope, ctx: WalkContext): Modification {
  expectFields('INSERT', stmt, INSERT_FIELDS);
  const scope = withScope(stmt.withClause, outer, ctx);
  const target = targetItem(stmt.relation, ctx);
  const columns = (stmt.cols ?? []).map((node) => as(node, 'ResTarget'));
  if (columns.length === 0) ctx.recorder.use([{ table: target.table ?? '', column: '*', computed: false }], 'set');
  for (const column of columns) setColumn(target, column?.name, ctx);
  const source = as(stmt.selectStmt, 'SelectStmt');
  if (source) analyzeSelect(source, new Scope(scope), ctx, 'expression');
  const conflict = stmt.onConflictClause;
  const targetScope = new Scope(scope);
  targetScope.items.push(target);
  if (conflict) {
    // `excluded` is the row the client proposed: its values come from the client, not from the table.
    const excluded = { name: 'excluded', columns: target.columns.map((c) => ({ name: c.name, origins: [] })), open: false };
    targetScope.items.push(excluded);
    for (const node of conflict.infer?.indexElems ?? []) {
      const elem = as(node, 'IndexElem');
      if (elem?.name) setColumnUse(target, elem.name, 'filter', ctx);
      if (elem?.expr) walkExpression(elem.expr, 'filter', targetScope, ctx, recordTo(ctx));
    }
    if (conflict.infer?.whereClause) walkExpression(conflict.infer.whereClause, 'filter', targetScope, ctx, recordTo(ctx));
    setTargets(conflict.targetList, target, targetScope, ctx);
    if (conflict.whereClause) walkExpression(conflict.whereClause, 'filter', targetScope, ctx, recordTo(ctx));
    targetScope.items.pop();
  }
  const outputs = returning(stmt.returningClause, target, targetScope, ctx);
  return { command: 'INSERT', hasWhere: false, outputs };
}

function setColumnUse(target: RangeItem, name: string, use: 'filter', ctx: WalkContext): void {
  const column = target.columns.find((c) => c.name === name);
  if (!column) throw new AnalysisError(`column "${name}" of relation ${target.table} does not exist`);
  ctx.recorder.use(column.origins, use);
}

function describeUpdate(stmt: UpdateStmt, outer: Scope, ctx: WalkContext): Modification {
  expectFields('UPDATE', stmt, UPDATE_FIELDS);
  const scope = new Scope(withScope(stmt.withClause, outer, ctx));
  const target = targetItem(stmt.relation, ctx);
  scope.items.push(target);
  for (const item of stmt.fromClause ?? []) addFromItem(item, scope, ctx);
  setTargets(stmt.targetList as Node[] | undefined, target, scope, ctx);
  if (stmt.whereClause) walkExpression(stmt.whereClause, 'filter', scope, ctx, recordTo(ctx));
  const outputs = returning(stmt.returningClause, target, scope, ctx);
  return { command: 'UPDATE', hasWhere: stmt.whereClause !== undefined, outputs };
}

function describeDelete(stmt: DeleteStmt, outer: Scope, ctx: WalkContext): Modification {
  expectFields('DELETE', stmt, DELETE_FIELDS);
  const scope = new Scope(withScope(stmt.withClause, outer, ctx));
  const target = targetItem(stmt.relation, ctx);
  scope.items.push(target);
  for (const item of stmt.usingClause ?? []) addFromItem(item, scope, ctx);
  if (stmt.whereClause) walkExpression(stmt.whereClause, 'filter', scope, ctx, recordTo(ctx));
  const outputs = returning(stmt.returningClause, target, scope, ctx);
  return { command: 'DELETE', hasWhere: stmt.whereClause !== undefined, outputs };
}

function describeMerge(stmt: MergeStmt, outer: Scope, ctx: WalkContext): Modification {
  expectFields('MERGE', stmt, MERGE_FIELDS);
  const scope = new Scope(withScope(stmt.withClause, outer, ctx));
  const target = targetItem(stmt.relation, ctx);
  scope.items.push(target);
  if (!stmt.sourceRelation) throw new AnalysisError('MERGE has no source');
  addFromItem(stmt.sourceRelation, scope, ctx);
  if (stmt.joinCondition) walkExpression(stmt.joinCondition, 'filter', scope, ctx, recordTo(ctx));
  for (const node of stmt.mergeWhenClauses ?? []) {
    const when = as(node, 'MergeWhenClause');
    if (!when) throw new AnalysisError(`unexpected ${kindOf(node)} in MERGE`);
    if (when.condition) walkExpression(when.condition, 'filter', scope, ctx, recordTo(ctx));
    if (when.commandType === 'CMD_INSERT') {
      for (const res of (when.targetList ?? []) as Node[]) setColumn(target, (as(res, 'ResTarget') as ResTarget).name, ctx);
      if (!when.targetList?.length) ctx.recorder.use([{ table: target.table ?? '', column: '*', computed: false }], 'set');
      for (const value of when.values ?? []) walkExpression(value, 'expression', scope, ctx, recordTo(ctx));
    } else if (when.commandType === 'CMD_UPDATE') {
      setTargets(when.targetList as Node[] | undefined, target, scope, ctx);
    } else if (when.commandType !== 'CMD_DELETE' && when.commandType !== 'CMD_NOTHING') {
      throw new AnalysisError(`MERGE action ${when.commandType} is not supported`);
    }
  }
  const outputs = returning(stmt.returningClause, target, scope, ctx);
  return { command: 'MERGE', hasWhere: false, outputs };
}
