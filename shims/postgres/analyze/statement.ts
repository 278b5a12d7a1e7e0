// One statement of a batch, by kind, into its description. A kind not handled here is refused, never guessed.
import type { CopyStmt, DeclareCursorStmt, DefElem, ExplainStmt, Node, SelectStmt, VariableSetStmt } from 'libpg-query';
import { creationSchema } from './catalog.js';
import type { SessionState } from './session.js';
import { firstKeyword } from './command.js';
import { AnalysisError } from './errors.js';
import { recordCall, walkExpression, type WalkContext } from './expressions.js';
import { qualifiedName, resolveRelation } from './from.js';
import { describeModification } from './modify.js';
import { as, descendants, expectFields, kindOf, names, stringOf } from './nodes.js';
import type { StatementDescription } from './operation.js';
import { Scope, tableColumns } from './scope.js';
import { analyzeSelect, recordTo } from './select.js';

// Statements that change definitions, roles, settings of the server or run code taskgate cannot see: their
// command is their first keyword, and every table they name is written. The policy's catalog makes them admin.
const ADMIN_STATEMENTS: ReadonlySet<string> = new Set([
  'CreateStmt', 'AlterTableStmt', 'DropStmt', 'TruncateStmt', 'GrantStmt', 'GrantRoleStmt', 'RenameStmt',
  'IndexStmt', 'CreateSchemaStmt', 'CreateSeqStmt', 'AlterSeqStmt', 'CreateFunctionStmt', 'AlterFunctionStmt',
  'CreateRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'DropRoleStmt', 'DropOwnedStmt', 'ReassignOwnedStmt',
  'CommentStmt', 'SecLabelStmt', 'CreateExtensionStmt', 'AlterExtensionStmt', 'AlterExtensionContentsStmt',
  'CreateTrigStmt', 'CreatePolicyStmt', 'AlterPolicyStmt', 'RuleStmt', 'CreateDomainStmt', 'AlterDomainStmt',
  'DefineStmt', 'CompositeTypeStmt', 'CreateEnumStmt', 'AlterEnumStmt', 'CreateRangeStmt', 'AlterOwnerStmt',
  'AlterObjectSchemaStmt', 'AlterDefaultPrivilegesStmt', 'CreatedbStmt', 'AlterDatabaseStmt',
  'AlterDatabaseSetStmt', 'AlterDatabaseRefreshCollStmt', 'DropdbStmt', 'CreateTableSpaceStmt',
  'DropTableSpaceStmt', 'AlterTableSpaceOptionsStmt', 'AlterTableMoveAllStmt', 'AlterSystemStmt', 'VacuumStmt',
  'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'LockStmt', 'CheckPointStmt', 'LoadStmt',
  'CreateEventTrigStmt', 'AlterEventTrigStmt', 'CreatePublicationStmt', 'AlterPublicationStmt',
  'CreateSubscriptionStmt', 'AlterSubscriptionStmt', 'DropSubscriptionStmt', 'CreateForeignServerStmt',
  'AlterForeignServerStmt', 'CreateFdwStmt', 'AlterFdwStmt', 'CreateUserMappingStmt', 'AlterUserMappingStmt',
  'DropUserMappingStmt', 'ImportForeignSchemaStmt', 'CreateForeignTableStmt', 'CreateCastStmt',
  'CreateOpClassStmt', 'CreateOpFamilyStmt', 'AlterOpFamilyStmt', 'CreateConversionStmt', 'CreateTransformStmt',
  'CreateAmStmt', 'CreateStatsStmt', 'AlterStatsStmt', 'AlterTSConfigurationStmt', 'AlterTSDictionaryStmt',
  'CreatePLangStmt', 'AlterOperatorStmt', 'AlterTypeStmt', 'AlterCollationStmt', 'DoStmt', 'ListenStmt',
  'UnlistenStmt', 'NotifyStmt', 'ViewStmt', 'CreateTableAsStmt',
]);

const TABLE_OBJECTS: ReadonlySet<string> = new Set([
  'OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE', 'OBJECT_SEQUENCE', 'OBJECT_INDEX',
]);

export function describeStatement(node: Node, text: string, ctx: WalkContext, session: SessionState): StatementDescription {
  const kind = kindOf(node);
  const select = as(node, 'SelectStmt');
  if (select) return describeSelect(select, ctx);
  if (kind === 'InsertStmt' || kind === 'UpdateStmt' || kind === 'DeleteStmt' || kind === 'MergeStmt') {
    const modification = describeModification(node, new Scope(), ctx, false);
    return ctx.recorder.describe(modification.command, modification.hasWhere);
  }
  const copy = as(node, 'CopyStmt');
  if (copy) return describeCopy(copy, ctx);
  const explain = as(node, 'ExplainStmt');
  if (explain) return describeExplain(explain, text, ctx, session);
  const prepare = as(node, 'PrepareStmt');
  if (prepare) {
    // PREPARE is described as the statement it prepares: EXECUTE runs exactly that.
    if (!prepare.name || !prepare.query) throw new AnalysisError('PREPARE needs a name and a statement');
    // Postgres keeps the statement it has under that name; the new description must never stand for it.
    if (session.prepared.has(prepare.name)) {
      throw new AnalysisError(`prepared statement "${prepare.name}" already exists; DEALLOCATE it first`);
    }
    const description = describeStatement(prepare.query, text, ctx, session);
    session.prepared.set(prepare.name, description);
    return description;
  }
  const execute = as(node, 'ExecuteStmt');
  if (execute) return describeExecute(execute.name ?? '', execute.params ?? [], ctx, session);
  const deallocate = as(node, 'DeallocateStmt');
  if (deallocate) {
    if (deallocate.isall) session.prepared.clear();
    else session.prepared.delete(deallocate.name ?? '');
    return ctx.recorder.describe('DEALLOCATE', false);
  }
  const declare = as(node, 'DeclareCursorStmt');
  if (declare?.query) return describeDeclare(declare, ctx, session);
  const fetch = as(node, 'FetchStmt');
  if (fetch) return describeFetch(fetch.portalname ?? '', fetch.ismove === true, session);
  const close = as(node, 'ClosePortalStmt');
  if (close) {
    if (close.portalname === undefined) session.cursors.clear();
    else session.cursors.delete(close.portalname);
    return ctx.recorder.describe('CLOSE', false);
  }
  const discard = as(node, 'DiscardStmt');
  if (discard) {
    // DISCARD ALL drops every prepared statement and cursor of the session, as DEALLOCATE ALL and CLOSE ALL do,
    // and resets every setting, as RESET ALL does.
    if (discard.target === 'DISCARD_ALL') {
      ctx.recorder.setting('all');
      session.prepared.clear();
      session.cursors.clear();
    }
    return ctx.recorder.describe('DISCARD', false);
  }
  const transaction = as(node, 'TransactionStmt');
  if (transaction) return ctx.recorder.describe(transactionCommand(transaction.kind ?? '', text), false);
  const set = as(node, 'VariableSetStmt');
  if (set) return describeSet(set, ctx, session);
  if (as(node, 'VariableShowStmt')) return ctx.recorder.describe('SHOW', false);
  if (as(node, 'ConstraintsSetStmt')) return ctx.recorder.describe('SET', false);
  const call = as(node, 'CallStmt');
  if (call?.funccall) {
    walkExpression({ FuncCall: call.funccall }, 'expression', new Scope(), ctx, recordTo(ctx));
    return ctx.recorder.describe('CALL', false);
  }
  if (ADMIN_STATEMENTS.has(kind)) return describeAdmin(node, text, ctx);
  throw new AnalysisError(`statement of kind ${kind} is not supported by taskgate`);
}

function describeSelect(select: SelectStmt, ctx: WalkContext): StatementDescription {
  const { intoClause, ...query } = select;
  if (!intoClause) {
    analyzeSelect(query, new Scope(), ctx, 'select');
    return ctx.recorder.describe(query.valuesLists ? 'VALUES' : 'SELECT', query.whereClause !== undefined);
  }
  // SELECT ... INTO creates a table from the result: the rows are copied, and the command is not a plain read.
  if (intoClause.rel) ctx.recorder.write(newRelationName(intoClause.rel, ctx));
  analyzeSelect(query, new Scope(), ctx, 'expression');
  return ctx.recorder.describe('SELECT INTO', query.whereClause !== undefined);
}

function describeCopy(copy: CopyStmt, ctx: WalkContext): StatementDescription {
  expectFields('COPY', copy, new Set(['relation', 'query', 'attlist', 'is_from', 'is_program', 'filename', 'options', 'whereClause']));
  if (copy.is_program || copy.filename) {
    throw new AnalysisError('COPY to or from a server file or program is not allowed through taskgate; use STDIN/STDOUT (\\copy)');
  }
  const query = as(copy.query, 'SelectStmt');
  if (query) {
    analyzeSelect(query, new Scope(), ctx, 'select');
    return ctx.recorder.describe('COPY', false);
  }
  if (copy.query) {
    // COPY (INSERT/UPDATE/DELETE ... RETURNING) TO: the modification runs, and its RETURNING rows are copied out.
    describeModification(copy.query, new Scope(), ctx, true);
    return ctx.recorder.describe('COPY', false);
  }
  if (!copy.relation) throw new AnalysisError('COPY names no table');
  const relation = resolveRelation(copy.relation, ctx);
  const table = qualifiedName(relation);
  if (relation.kind === 'view') throw new AnalysisError(`COPY needs a table, and ${table} is a view; use COPY (SELECT ...)`);
  const attributes = names(copy.attlist);
  for (const name of attributes) {
    if (!relation.columns.includes(name)) throw new AnalysisError(`column "${name}" of relation ${table} does not exist`);
  }
  const columns = (attributes.length === 0 ? ['*'] : attributes).map((column) => ({ table, column, computed: false }));
  if (!copy.is_from) {
    ctx.recorder.read(table);
    ctx.recorder.use(columns, 'select');
    return ctx.recorder.describe('COPY', false);
  }
  ctx.recorder.write(table);
  ctx.recorder.use(columns, 'set');
  if (copy.whereClause) {
    // COPY FROM ... WHERE filters the incoming rows by their own values.
    const scope = new Scope();
    scope.items.push({ name: relation.name, table, columns: tableColumns(table, relation.columns), open: false });
    walkExpression(copy.whereClause, 'filter', scope, ctx, recordTo(ctx));
  }
  return ctx.recorder.describe('COPY', copy.whereClause !== undefined);
}

/** EXPLAIN ANALYZE runs its statement and is described as it; plain EXPLAIN only plans, changing nothing. */
function describeExplain(explain: ExplainStmt, text: string, ctx: WalkContext, session: SessionState): StatementDescription {
  if (!explain.query) throw new AnalysisError('EXPLAIN has no statement');
  const inner = describeStatement(explain.query, text, ctx, session);
  if (explainAnalyzes(explain)) return inner;
  return {
    ...inner,
    command: 'EXPLAIN',
    reads: [...new Set([...inner.reads, ...inner.writes])],
    writes: [],
    columns: inner.columns.filter((c) => c.use !== 'set'),
  };
}

const OFF_VALUES: ReadonlySet<unknown> = new Set(['false', 'off', 'no', '0', 0, false]);

/**
 * Only an explicit "off" keeps EXPLAIN from running its statement; anything else is described as running. Postgres
 * takes the last of repeated options (`ANALYZE false, ANALYZE true` runs), so any one not off counts.
 */
function explainAnalyzes(explain: ExplainStmt): boolean {
  const options = (explain.options ?? []).map((node) => as(node, 'DefElem')).filter((o): o is DefElem => o?.defname === 'analyze');
  return options.some((option) => {
    if (option.arg === undefined) return true;
    const value = stringOf(option.arg)?.toLowerCase() ?? as(option.arg, 'Integer')?.ival ?? as(option.arg, 'Boolean')?.boolval;
    return !OFF_VALUES.has(value);
  });
}

/** Postgres's CURSOR_OPT_HOLD bit of DeclareCursorStmt.options: WITH HOLD. */
const CURSOR_OPT_HOLD = 0x0020;

/** DECLARE reads nothing yet; its cursor is kept so that FETCH is described as what the cursor reads. */
function describeDeclare(declare: DeclareCursorStmt, ctx: WalkContext, session: SessionState): StatementDescription {
  const query = as(declare.query, 'SelectStmt');
  if (!query) throw new AnalysisError('DECLARE needs a SELECT');
  const name = declare.portalname ?? '';
  // Postgres keeps the cursor it has under that name; the new description must never stand for it.
  if (session.cursors.has(name)) throw new AnalysisError(`cursor "${name}" already exists; CLOSE it first`);
  analyzeSelect(query, new Scope(), ctx, 'select');
  const description = ctx.recorder.describe('DECLARE', query.whereClause !== undefined);
  session.cursors.set(name, { description, holdable: ((declare.options ?? 0) & CURSOR_OPT_HOLD) !== 0 });
  return description;
}

/**
 * FETCH returns the rows of the cursor's query, so it is described as that query (its reads, and its columns as
 * selected, which the masks follow); MOVE reads them without returning them. An unknown cursor is refused.
 */
function describeFetch(name: string, move: boolean, session: SessionState): StatementDescription {
  const cursor = session.cursors.get(name);
  if (!cursor) throw new AnalysisError(`cursor "${name}" is unknown here, so what ${move ? 'MOVE' : 'FETCH'} reads cannot be decided`);
  session.namesUsed = true;
  return { ...cursor.description, command: move ? 'MOVE' : 'FETCH' };
}

function describeExecute(name: string, params: readonly Node[], ctx: WalkContext, session: SessionState): StatementDescription {
  const prepared = session.prepared.get(name);
  if (!prepared) {
    throw new AnalysisError(`EXECUTE ${name}: the prepared statement is unknown here, so what it runs cannot be decided`);
  }
  session.namesUsed = true;
  for (const param of params) walkExpression(param, 'expression', new Scope(), ctx, recordTo(ctx));
  const extra = ctx.recorder.describe(prepared.command, prepared.has_where);
  return {
    ...prepared,
    columns: [...prepared.columns, ...extra.columns],
    functions: [...new Set([...prepared.functions, ...extra.functions])],
  };
}

function transactionCommand(kind: string, text: string): string {
  switch (kind) {
    case 'TRANS_STMT_PREPARE':
      return 'PREPARE TRANSACTION';
    case 'TRANS_STMT_COMMIT_PREPARED':
      return 'COMMIT PREPARED';
    case 'TRANS_STMT_ROLLBACK_PREPARED':
      return 'ROLLBACK PREPARED';
    default:
      return firstKeyword(text);
  }
}

/** SET ROLE and SET SESSION AUTHORIZATION change who the session is: reported apart from SET (see the contract). */
function describeSet(set: VariableSetStmt, ctx: WalkContext, session: SessionState): StatementDescription {
  const reset = set.kind === 'VAR_RESET' || set.kind === 'VAR_RESET_ALL';
  const toDefault = reset || set.kind === 'VAR_SET_DEFAULT';
  const settings = changedSettings(set);
  for (const setting of settings) ctx.recorder.setting(setting);
  // Postgres matches setting names regardless of case: `SET "Role" = x` changes the role as SET ROLE does. RESET
  // ALL leaves the role and the session authorization as they are.
  const changesUser = settings.includes('role') || settings.includes('session_authorization');
  if (changesUser) {
    const named = toDefault ? undefined : constantValues(set)?.[0];
    session.currentUser = toDefault || named === 'none' ? session.sessionUser : named;
  }
  if (settings.includes('search_path') || settings.includes('all')) {
    session.searchPath = toDefault ? [...session.resetSearchPath] : constantValues(set);
    if (!session.searchPath) throw new AnalysisError('search_path must be set to a list of schema names');
  }
  if (changesUser && !reset) return ctx.recorder.describe('SET ROLE', false);
  return ctx.recorder.describe(reset ? 'RESET' : 'SET', false);
}

/** The transaction modes SET TRANSACTION sets, each a setting of the same name (`READ ONLY`: transaction_read_only). */
const TRANSACTION_MODES: ReadonlySet<string> = new Set(['transaction_isolation', 'transaction_read_only', 'transaction_deferrable']);

/** The settings a SET or RESET changes, lower case; `all` for RESET ALL. */
function changedSettings(set: VariableSetStmt): string[] {
  if (set.kind === 'VAR_RESET_ALL') return ['all'];
  if (set.kind !== 'VAR_SET_MULTI') {
    if (!set.name) throw new AnalysisError('SET names no setting');
    return [settingName(set.name)];
  }
  // SET TRANSACTION SNAPSHOT adopts another transaction's snapshot; no setting holds it, so it is named apart.
  if (set.name === 'TRANSACTION SNAPSHOT') return ['transaction_snapshot'];
  const modes = (set.args ?? []).map((arg) => as(arg, 'DefElem')?.defname ?? '');
  const unknown = modes.find((mode) => !TRANSACTION_MODES.has(mode));
  if (modes.length === 0 || unknown !== undefined) {
    throw new AnalysisError(`SET ${set.name ?? ''} with transaction mode "${unknown ?? ''}" is not supported by taskgate`);
  }
  if (set.name === 'TRANSACTION') return modes;
  // SET SESSION CHARACTERISTICS AS TRANSACTION sets the defaults of the session's later transactions.
  if (set.name === 'SESSION CHARACTERISTICS') return modes.map((mode) => `default_${mode}`);
  throw new AnalysisError(`SET ${set.name ?? ''} is not supported by taskgate`);
}

/** Postgres folds only ASCII letters when it matches setting names: `"ROLE"` is `role`, a Kelvin sign is no `k`. */
function settingName(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** The constant string arguments of SET, or undefined when any is not a constant. */
function constantValues(set: VariableSetStmt): string[] | undefined {
  const values = (set.args ?? []).map((arg) => as(arg, 'A_Const')?.sval?.sval);
  return values.every((v): v is string => v !== undefined) ? values : undefined;
}

/** DDL and server administration: every table the statement names is written (its definition changes). */
function describeAdmin(node: Node, text: string, ctx: WalkContext): StatementDescription {
  const ctas = as(node, 'CreateTableAsStmt');
  const viewStmt = as(node, 'ViewStmt');
  const query = as(ctas?.query ?? viewStmt?.query, 'SelectStmt');
  // CREATE TABLE AS copies rows (an expression use); a view only stores its query, resolved when it is used.
  if (query) analyzeSelect(query, new Scope(), ctx, ctas ? 'expression' : undefined);
  const named = ctas?.into?.rel ?? viewStmt?.view;
  if (named) ctx.recorder.write(newRelationName(named, ctx));
  if (!query) {
    for (const rangeVar of descendants(node)) {
      const relation = as(rangeVar, 'RangeVar');
      if (relation) ctx.recorder.write(newRelationName(relation, ctx));
    }
    for (const relation of bareRelations(node)) ctx.recorder.write(newRelationName(relation, ctx));
    // DDL may run the calls it holds (a volatile DEFAULT for every existing row, an index expression, ALTER ...
    // USING), so they are reported as if the statement made them.
    for (const descendant of descendants(node)) {
      const call = as(descendant, 'FuncCall');
      if (call) recordCall(call, ctx);
    }
  }
  const drop = as(node, 'DropStmt');
  if (drop && TABLE_OBJECTS.has(drop.removeType ?? '')) {
    for (const object of drop.objects ?? []) {
      const parts = names(as(object, 'List')?.items);
      const relname = parts.pop() ?? '';
      ctx.recorder.write(newRelationName({ schemaname: parts.pop(), relname }, ctx));
    }
  }
  const grant = as(node, 'GrantStmt');
  if (grant?.targtype === 'ACL_TARGET_ALL_IN_SCHEMA') {
    for (const schema of names(grant.objects)) ctx.recorder.write(`${schema}.*`);
  }
  // EXPLAIN ANALYZE CREATE TABLE AS runs the CREATE, so its command cannot come from the text's first word.
  return ctx.recorder.describe(query ? 'CREATE' : firstKeyword(text), false);
}

/** Typed relation fields (`relation`, `rel`, `view`, `table`) are stored without the RangeVar wrapper. */
function* bareRelations(value: unknown): Generator<{ schemaname?: string; relname: string; relpersistence?: string }> {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) for (const element of item) stack.push(element);
    else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key === 'RangeVar') continue;
        const record = child as Record<string, unknown> | null;
        if (record && typeof record === 'object' && typeof record.relname === 'string') {
          yield record as { schemaname?: string; relname: string };
        } else stack.push(child);
      }
    }
  }
}

/** An existing relation's qualified name, or where CREATE would put a new one. */
function newRelationName(relation: { schemaname?: string; relname?: string; relpersistence?: string }, ctx: WalkContext): string {
  const name = relation.relname ?? '';
  // CREATE TEMP puts the table in the session's own temporary schema, whatever the search_path says.
  if (relation.relpersistence === 't' && !relation.schemaname) return qualifiedName({ schema: 'pg_temp', name });
  const existing = ctx.directory.find(relation.schemaname, name);
  if (existing) return qualifiedName(existing);
  const schema = relation.schemaname ?? creationSchema(ctx.directory.searchPath);
  if (!schema) throw new AnalysisError(`no schema to create ${name} in: the search_path is empty`);
  return qualifiedName({ schema, name });
}
