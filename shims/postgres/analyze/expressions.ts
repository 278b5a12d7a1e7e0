// Column references inside expressions, each with the use of the clause it sits in, and the functions called.
import type { FuncCall, Node, SubLink, WindowDef } from 'libpg-query';
import { resolveColumnRef } from './columns.js';
import { AnalysisError } from './errors.js';
import { as, kindOf, names, type NodeKind } from './nodes.js';
import { refuseOpaqueReader } from './opaque-functions.js';
import type { ColumnUse } from './operation.js';
import type { StatementRecorder } from './recorder.js';
import type { RelationDirectory } from './relations.js';
import { computed, type Origin, type OriginSink, Scope } from './scope.js';
import { analyzeSelect } from './select.js';

/** Deeper nesting than this is refused rather than risking the stack; no real query comes near it. */
const MAX_DEPTH = 1000;

export interface WalkContext {
  readonly recorder: StatementRecorder;
  readonly directory: RelationDirectory;
  depth: number;
}

// Nodes that hold no column reference and call no function worth naming.
const LEAVES: ReadonlySet<NodeKind> = new Set<NodeKind>([
  'A_Const', 'ParamRef', 'SQLValueFunction', 'SetToDefault', 'CurrentOfExpr', 'String', 'Integer', 'Float',
  'Boolean', 'BitString', 'A_Star', 'MergeSupportFunc',
]);

// Nodes whose children are all expressions evaluated in the same clause: walked generically.
const CONTAINERS: ReadonlySet<NodeKind> = new Set<NodeKind>([
  'A_Expr', 'BoolExpr', 'TypeCast', 'CollateClause', 'A_ArrayExpr', 'RowExpr', 'NullTest', 'BooleanTest',
  'CaseExpr', 'CaseWhen', 'CoalesceExpr', 'MinMaxExpr', 'List', 'GroupingFunc', 'A_Indices', 'A_Indirection',
  'NamedArgExpr', 'MultiAssignRef', 'TypeName', 'ResTarget', 'XmlExpr', 'XmlSerialize', 'JsonObjectConstructor',
  'JsonArrayConstructor', 'JsonArrayQueryConstructor', 'JsonValueExpr', 'JsonParseExpr', 'JsonScalarExpr',
  'JsonSerializeExpr', 'JsonFuncExpr', 'JsonIsPredicate', 'JsonObjectAgg', 'JsonArrayAgg', 'JsonKeyValue',
  'JsonOutput', 'JsonReturning', 'JsonFormat', 'JsonArgument', 'JsonBehavior', 'JsonTablePathSpec',
  'JsonAggConstructor',
]);

/** Sends every column `node` references to `sink` with `use`, and records the functions it calls. */
export function walkExpression(node: Node, use: ColumnUse, scope: Scope, ctx: WalkContext, sink: OriginSink): void {
  if (++ctx.depth > MAX_DEPTH) throw new AnalysisError(`the statement nests expressions more than ${MAX_DEPTH} deep`);
  try {
    walkNode(node, use, scope, ctx, sink);
  } finally {
    ctx.depth--;
  }
}

function walkNode(node: Node, use: ColumnUse, scope: Scope, ctx: WalkContext, sink: OriginSink): void {
  const kind = kindOf(node);
  if (LEAVES.has(kind)) return;
  const ref = as(node, 'ColumnRef');
  if (ref) {
    const resolved = resolveColumnRef(ref, scope);
    // A whole row inside an expression (count(t.*), row_to_json(t.*)) is computed from every column.
    sink(resolved.kind === 'star' ? computed(resolved.report) : resolved.origins, use);
    return;
  }
  const call = as(node, 'FuncCall');
  if (call) return walkFunctionCall(call, use, scope, ctx, sink);
  const sublink = as(node, 'SubLink');
  if (sublink) return walkSubLink(sublink, use, scope, ctx, sink);
  const sort = as(node, 'SortBy');
  if (sort) return sort.node && walkExpression(sort.node, use, scope, ctx, sink);
  if (CONTAINERS.has(kind)) return walkChildren((node as Record<string, unknown>)[kind], use, scope, ctx, sink);
  throw new AnalysisError(`expression of kind ${kind} is not supported`);
}

/** Walks every node below a container's body, including nodes inside its unwrapped structs. */
function walkChildren(value: unknown, use: ColumnUse, scope: Scope, ctx: WalkContext, sink: OriginSink): void {
  if (Array.isArray(value)) {
    for (const element of value) walkChildren(element, use, scope, ctx, sink);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const keys = Object.keys(value);
  if (keys.length === 1 && /^[A-Z]/.test(keys[0])) {
    walkExpression(value as Node, use, scope, ctx, sink);
    return;
  }
  for (const key of keys) walkChildren((value as Record<string, unknown>)[key], use, scope, ctx, sink);
}

function walkFunctionCall(call: FuncCall, use: ColumnUse, scope: Scope, ctx: WalkContext, sink: OriginSink): void {
  recordCall(call, ctx);
  for (const arg of call.args ?? []) walkExpression(arg, use, scope, ctx, sink);
  for (const sort of call.agg_order ?? []) walkExpression(sort, use, scope, ctx, sink);
  if (call.agg_filter) walkExpression(call.agg_filter, 'filter', scope, ctx, sink);
  if (call.over) walkWindow(call.over, scope, ctx, sink);
}

/** Records the functions a call may run, by schema; refuses one whose reads the analysis cannot see. */
export function recordCall(call: FuncCall, ctx: WalkContext): void {
  const parts = names(call.funcname);
  refuseOpaqueReader(parts.join('.'));
  for (const name of ctx.directory.functions(parts)) ctx.recorder.function(name);
}

/** PARTITION BY groups rows and ORDER BY sorts them, wherever the window is written. */
export function walkWindow(window: WindowDef, scope: Scope, ctx: WalkContext, sink: OriginSink): void {
  for (const node of window.partitionClause ?? []) walkExpression(node, 'group', scope, ctx, sink);
  for (const node of window.orderClause ?? []) walkExpression(node, 'order', scope, ctx, sink);
  if (window.startOffset) walkExpression(window.startOffset, 'expression', scope, ctx, sink);
  if (window.endOffset) walkExpression(window.endOffset, 'expression', scope, ctx, sink);
}

function walkSubLink(sublink: SubLink, use: ColumnUse, scope: Scope, ctx: WalkContext, sink: OriginSink): void {
  if (sublink.testexpr) walkExpression(sublink.testexpr, use, scope, ctx, sink);
  const query = as(sublink.subselect, 'SelectStmt');
  if (!query) throw new AnalysisError('a subquery must be a SELECT');
  const outputs = analyzeSelect(query, new Scope(scope), ctx, undefined);
  // EXISTS looks only at whether a row exists; every other sublink passes its values to the enclosing clause.
  if (sublink.subLinkType === 'EXISTS_SUBLINK') return;
  sink(
    computed(outputs.flatMap((column) => column.origins)),
    use,
  );
}

/** The origins an expression is computed from, without recording them (the caller decides their use). */
export function originsOf(node: Node, scope: Scope, ctx: WalkContext): Origin[] {
  const found: Origin[] = [];
  walkExpression(node, 'expression', scope, ctx, (origins) => found.push(...origins));
  return computed(found);
}
