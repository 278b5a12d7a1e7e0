// The SQL analysis against an in-memory catalog: every statement shape the policy contract describes, and the
// ways a query could try to hide a column or its use.
import { describe, expect, it } from 'vitest';
import { analyze, analyzeBatch, AnalysisError } from '../shims/postgres/analyze/index.js';
import type { ColumnReference, StatementDescription } from '../shims/postgres/analyze/operation.js';
import { MemoryCatalog, table, view } from '../shims/postgres/analyze/memory-catalog.js';

const catalog = new MemoryCatalog([
  table('public', 'users', ['id', 'email', 'ssn', 'name']),
  table('public', 'orders', ['id', 'user_id', 'total', 'status']),
  table('sales', 'orders', ['id', 'region']),
  table('public', 'Mixed Case', ['Id']),
  table('public', 'ünïcode', ['naïve']),
  table('pg_catalog', 'pg_class', ['oid', 'relname', 'relnamespace', 'relkind']),
  table('information_schema', 'tables', ['table_schema', 'table_name']),
  view('public', 'contacts', ['uid', 'mail'], "SELECT u.id, u.email FROM public.users u WHERE u.name <> 'bot'"),
  view('public', 'shouty', ['loud'], 'SELECT upper(u.name) FROM public.users u'),
], ['pg_catalog.count', 'pg_catalog.max', 'pg_catalog.now', 'pg_catalog.pg_read_file', 'pg_catalog.generate_series', 'pg_catalog.upper']);

async function one(sql: string): Promise<StatementDescription> {
  const op = await analyze(sql, catalog);
  expect(op.statements).toHaveLength(1);
  return op.statements[0];
}

function col(table: string, column: string, use: ColumnReference['use']): ColumnReference {
  return { table, column, use };
}

function uses(statement: StatementDescription, table: string, column: string): string[] {
  return statement.columns.filter((c) => c.table === table && c.column === column).map((c) => c.use).sort();
}

async function refused(sql: string, pattern: RegExp): Promise<AnalysisError> {
  const error = await analyze(sql, catalog).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AnalysisError);
  expect((error as Error).message).toMatch(pattern);
  return error as AnalysisError;
}

describe('SELECT', () => {
  it('describes the contract example exactly', async () => {
    const op = await analyze('SELECT id, email FROM public.users WHERE id = $1', catalog);
    expect(op.action).toBe('read');
    expect(op.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(op.statements).toEqual([
      {
        command: 'SELECT', reads: ['public.users'], writes: [], functions: [], settings: [], has_where: true,
        columns: [col('public.users', 'id', 'select'), col('public.users', 'email', 'select'), col('public.users', 'id', 'filter')],
      },
    ]);
  });

  it('follows aliases, joins and output names', async () => {
    const s = await one('SELECT u.email AS e, o.total FROM users AS u JOIN orders o ON o.user_id = u.id ORDER BY e');
    expect(s.reads).toEqual(['public.users', 'public.orders']);
    expect(uses(s, 'public.users', 'email')).toEqual(['order', 'select']);
    expect(uses(s, 'public.orders', 'user_id')).toEqual(['filter']);
    expect(uses(s, 'public.users', 'id')).toEqual(['filter']);
  });

  it('reports * and t.* as *, and whole-row references as expressions', async () => {
    expect((await one('SELECT * FROM users')).columns).toEqual([col('public.users', '*', 'select')]);
    expect((await one('SELECT t.* FROM users t')).columns).toEqual([col('public.users', '*', 'select')]);
    expect((await one('SELECT row_to_json(t) FROM users t')).columns).toEqual([col('public.users', '*', 'expression')]);
    expect((await one('SELECT t FROM users t')).columns).toEqual([col('public.users', '*', 'expression')]);
    expect(uses(await one('SELECT (t).ssn FROM users t'), 'public.users', '*')).toEqual(['expression']);
  });

  it('traces subqueries, CTEs, LATERAL and views to their tables', async () => {
    expect(uses(await one('SELECT x FROM (SELECT ssn AS x FROM users) s'), 'public.users', 'ssn')).toEqual(['select']);
    expect(uses(await one('WITH c AS (SELECT ssn FROM users) SELECT * FROM c'), 'public.users', 'ssn')).toEqual(['select']);
    const lateral = await one('SELECT o.total, l.e FROM orders o, LATERAL (SELECT email e FROM users u WHERE u.id = o.user_id) l');
    expect(uses(lateral, 'public.users', 'email')).toEqual(['select']);
    expect(uses(lateral, 'public.orders', 'user_id')).toEqual(['filter']);
    const viaView = await one('SELECT mail FROM contacts');
    expect(viaView.reads).toEqual(['public.contacts', 'public.users']);
    expect(uses(viaView, 'public.users', 'email')).toEqual(['select']);
    expect(uses(viaView, 'public.users', 'name')).toEqual(['filter']);
    expect(uses(await one('SELECT loud FROM shouty'), 'public.users', 'name')).toEqual(['expression']);
  });

  it('never lets a computed value pass as a selected cell', async () => {
    expect(uses(await one('SELECT lower(ssn) FROM users'), 'public.users', 'ssn')).toEqual(['expression']);
    expect(uses(await one('SELECT ssn::text FROM users'), 'public.users', 'ssn')).toEqual(['expression']);
    expect(uses(await one('SELECT x FROM (SELECT ssn || \'\' AS x FROM users) s'), 'public.users', 'ssn')).toEqual(['expression']);
    expect(uses(await one('SELECT (SELECT ssn FROM users LIMIT 1)'), 'public.users', 'ssn')).toEqual(['expression']);
    expect(uses(await one('SELECT ssn FROM users UNION ALL SELECT name FROM users'), 'public.users', 'ssn')).toEqual(['expression']);
    expect(uses(await one('SELECT count(DISTINCT ssn) FROM users'), 'public.users', 'ssn')).toEqual(['expression']);
  });

  it('classifies WHERE, HAVING, GROUP BY, DISTINCT ON, window and ORDER BY uses', async () => {
    const s = await one(
      'SELECT DISTINCT ON (name) name, count(*) OVER (PARTITION BY email ORDER BY id) FROM users ' +
        'WHERE ssn LIKE $1 GROUP BY name, email, id HAVING max(id) > 1 ORDER BY name, 2',
    );
    expect(uses(s, 'public.users', 'ssn')).toEqual(['filter']);
    expect(uses(s, 'public.users', 'name')).toEqual(['group', 'order', 'select']);
    expect(uses(s, 'public.users', 'email')).toEqual(['expression', 'group', 'order']);
    expect(s.functions).toEqual(['pg_catalog.count', 'pg_catalog.max']);
  });

  it('resolves correlated subqueries, recursive CTEs and IN lists', async () => {
    const s = await one('SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id) AND email IN (SELECT name FROM users)');
    expect(uses(s, 'public.orders', 'user_id')).toEqual(['filter']);
    expect(uses(s, 'public.users', 'name')).toEqual(['filter']);
    const r = await one('WITH RECURSIVE r(n) AS (SELECT id FROM users UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r');
    expect(uses(r, 'public.users', 'id')).toEqual(['expression', 'filter']);
    const big = Array.from({ length: 20000 }, (_, i) => i).join(',');
    expect(uses(await one(`SELECT id FROM users WHERE ssn IN (${big})`), 'public.users', 'ssn')).toEqual(['filter']);
  });

  it('resolves search_path, quoted identifiers, unicode and system catalogs', async () => {
    expect((await one('SELECT "Id" FROM "Mixed Case"')).columns).toEqual([col('public.Mixed Case', 'Id', 'select')]);
    expect((await one('SELECT naïve FROM ünïcode')).reads).toEqual(['public.ünïcode']);
    expect((await analyze('SELECT region FROM orders', catalog, { searchPath: ['sales', 'public'] })).statements[0].reads).toEqual(['sales.orders']);
    const op = await analyze('SET search_path = sales; SELECT id FROM orders', catalog);
    expect(op.statements.map((s) => s.reads)).toEqual([[], ['sales.orders']]);
    expect((await one('SELECT relname FROM pg_class')).reads).toEqual(['pg_catalog.pg_class']);
    expect((await one('SELECT table_name FROM information_schema.tables')).reads).toEqual(['information_schema.tables']);
  });

  it('is not fooled by statements hidden in comments and strings', async () => {
    const op = await analyze("/* DROP TABLE users; */ SELECT 'DELETE FROM orders; --' AS x -- ; TRUNCATE users", catalog);
    expect(op.statements.map((s) => s.command)).toEqual(['SELECT']);
    expect(op.action).toBe('read');
  });
});

describe('writes', () => {
  it('INSERT: set columns, copied sources, RETURNING, ON CONFLICT', async () => {
    const s = await one(
      'INSERT INTO orders (id, total) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET total = excluded.total WHERE orders.status = $3 RETURNING id',
    );
    expect(s.command).toBe('INSERT');
    expect(s.writes).toEqual(['public.orders']);
    expect(s.reads).toEqual(['public.orders']);
    expect(uses(s, 'public.orders', 'total')).toEqual(['set']);
    expect(uses(s, 'public.orders', 'id')).toEqual(['filter', 'select', 'set']);
    expect(uses(s, 'public.orders', 'status')).toEqual(['filter']);
    const copy = await one('INSERT INTO orders (user_id) SELECT ssn FROM users');
    expect(uses(copy, 'public.users', 'ssn')).toEqual(['expression']);
  });

  it('UPDATE with FROM and DELETE with USING', async () => {
    const u = await one('UPDATE orders o SET total = u.id FROM users u WHERE u.id = o.user_id RETURNING o.total');
    expect(u).toMatchObject({ command: 'UPDATE', writes: ['public.orders'], has_where: true });
    expect(u.reads).toEqual(['public.users', 'public.orders']);
    const d = await one('DELETE FROM orders USING users WHERE users.id = orders.user_id AND users.ssn = $1');
    expect(d).toMatchObject({ command: 'DELETE', writes: ['public.orders'], reads: ['public.users'], has_where: true });
    expect(uses(d, 'public.users', 'ssn')).toEqual(['filter']);
    expect((await one('DELETE FROM orders')).has_where).toBe(false);
  });

  it('MERGE', async () => {
    const m = await one(
      'MERGE INTO orders o USING users u ON o.user_id = u.id WHEN MATCHED AND u.name = $1 THEN UPDATE SET total = 0 ' +
        'WHEN NOT MATCHED THEN INSERT (user_id) VALUES (u.id) WHEN MATCHED THEN DELETE',
    );
    expect(m).toMatchObject({ command: 'MERGE', writes: ['public.orders'], reads: ['public.users'] });
    expect(uses(m, 'public.users', 'name')).toEqual(['filter']);
    expect(uses(m, 'public.orders', 'user_id')).toEqual(['filter', 'set']);
  });

  it('refuses an unfiltered DELETE hidden in WITH, and writes through views', async () => {
    await refused('WITH d AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM d', /without WHERE inside WITH/);
    const ok = await one('WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING id) SELECT id FROM d');
    expect(ok).toMatchObject({ command: 'SELECT', writes: ['public.orders'] });
    expect((await analyze('WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING id) SELECT id FROM d', catalog)).action).toBe('write');
    await refused('UPDATE contacts SET mail = $1 WHERE uid = 1', /through view public.contacts/);
  });

  it('COPY in both directions', async () => {
    expect(await one('COPY users (id, email) TO STDOUT')).toMatchObject({
      command: 'COPY', reads: ['public.users'], writes: [],
      columns: [col('public.users', 'id', 'select'), col('public.users', 'email', 'select')],
    });
    expect(await one('COPY orders FROM STDIN')).toMatchObject({ reads: [], writes: ['public.orders'], columns: [col('public.orders', '*', 'set')] });
    expect(uses(await one('COPY (SELECT ssn FROM users) TO STDOUT'), 'public.users', 'ssn')).toEqual(['select']);
    await refused("COPY users TO '/tmp/x'", /server file or program/);
    await refused("COPY users FROM PROGRAM 'id'", /server file or program/);
  });
});

describe('other statements', () => {
  it('DDL and privileges are admin, naming the tables they change', async () => {
    const op = await analyze('CREATE TABLE t (a int); ALTER TABLE users ADD c int; DROP TABLE sales.orders; TRUNCATE orders; GRANT SELECT ON users TO bob; REVOKE ALL ON ALL TABLES IN SCHEMA sales FROM bob', catalog);
    expect(op.action).toBe('admin');
    expect(op.statements.map((s) => [s.command, s.writes])).toEqual([
      ['CREATE', ['public.t']], ['ALTER', ['public.users']], ['DROP', ['sales.orders']], ['TRUNCATE', ['public.orders']],
      ['GRANT', ['public.users']], ['REVOKE', ['sales.*']],
    ]);
    const ctas = await one('CREATE TABLE copy AS SELECT ssn FROM users');
    expect(ctas.writes).toEqual(['public.copy']);
    expect(uses(ctas, 'public.users', 'ssn')).toEqual(['expression']);
  });

  it('transactions, SET, SHOW, SET ROLE', async () => {
    const op = await analyze("BEGIN; SET statement_timeout = '1s'; SHOW work_mem; SAVEPOINT a; ROLLBACK TO a; COMMIT; SET ROLE admin; SET SESSION AUTHORIZATION bob; RESET ROLE", catalog);
    expect(op.statements.map((s) => s.command)).toEqual(['BEGIN', 'SET', 'SHOW', 'SAVEPOINT', 'ROLLBACK', 'COMMIT', 'SET ROLE', 'SET ROLE', 'RESET']);
    expect(op.action).toBe('admin');
  });

  it('SET and RESET name the settings they change, in lower case as Postgres matches them', async () => {
    const settingsOf = async (sql: string): Promise<string[][]> => (await analyze(sql, catalog)).statements.map((s) => s.settings);
    expect(await settingsOf("SET session_replication_role = replica; SET LOCAL Log_Statement = 'none'; SET SESSION \"Application_Name\" TO 'x'")).toEqual([
      ['session_replication_role'], ['log_statement'], ['application_name'],
    ]);
    expect(await settingsOf("SET TIME ZONE 'UTC'; SET timezone TO DEFAULT; RESET work_mem; RESET ALL; SET work_mem FROM CURRENT; SET app.tenant_id = '7'")).toEqual([
      ['timezone'], ['timezone'], ['work_mem'], ['all'], ['work_mem'], ['app.tenant_id'],
    ]);
    expect(await settingsOf("SET SCHEMA 'sales'; SET NAMES 'UTF8'; SET XML OPTION DOCUMENT")).toEqual([['search_path'], ['client_encoding'], ['xmloption']]);
    expect(await settingsOf('SET ROLE admin; RESET ROLE; SET SESSION AUTHORIZATION DEFAULT')).toEqual([['role'], ['role'], ['session_authorization']]);
    // Postgres folds ASCII letters only: a Kelvin sign is no k, so this is a setting of its own, not work_mem.
    expect(await settingsOf('SET "WOR\u212A_MEM" = 1')).toEqual([['wor\u212A_mem']]);
  });

  it('SET TRANSACTION names the transaction settings it sets, SET SESSION CHARACTERISTICS their defaults', async () => {
    const op = await analyze(
      "BEGIN; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE; SET TRANSACTION SNAPSHOT '00000003-0000001B-1'; COMMIT; " +
        'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ WRITE',
      catalog,
    );
    expect(op.statements.map((s) => [s.command, s.settings])).toEqual([
      ['BEGIN', []],
      ['SET', ['transaction_isolation', 'transaction_read_only', 'transaction_deferrable']],
      ['SET', ['transaction_snapshot']],
      ['COMMIT', []],
      ['SET', ['default_transaction_isolation', 'default_transaction_read_only']],
    ]);
  });

  it('every other statement changes no setting, but DISCARD ALL resets them all', async () => {
    const op = await analyze('SELECT id FROM orders; SET CONSTRAINTS ALL DEFERRED; SHOW log_statement; DISCARD PLANS; DISCARD ALL', catalog);
    expect(op.statements.map((s) => [s.command, s.settings])).toEqual([['SELECT', []], ['SET', []], ['SHOW', []], ['DISCARD', []], ['DISCARD', ['all']]]);
    expect((await one("SELECT set_config('log_statement', 'none', false)")).settings).toEqual([]);
  });

  it('a quoted, mixed-case ROLE, SESSION AUTHORIZATION or search_path is what its lower-case name is', async () => {
    // Postgres matches setting names regardless of case: `SET "ROLE" = x` changes the role.
    const op = await analyze('SET "ROLE" = admin; SET "Session_Authorization" = bob; RESET "Role"', catalog);
    expect(op.statements.map((s) => [s.command, s.settings])).toEqual([['SET ROLE', ['role']], ['SET ROLE', ['session_authorization']], ['RESET', ['role']]]);
    expect(op.action).toBe('admin');
    const path = await analyze('SET "Search_Path" = sales; SELECT id FROM orders', catalog);
    expect(path.statements[1].reads).toEqual(['sales.orders']);
    // RESET ALL resets the search_path, but not the role, which `$user` follows.
    const options = { searchPath: ['$user', 'public'], sessionUser: 'app' };
    const resetAll = await analyze('SET ROLE sales; SET search_path = public; RESET ALL; SELECT id FROM orders', catalog, options);
    expect(resetAll.statements[3].reads).toEqual(['sales.orders']);
  });

  it('EXPLAIN plans; EXPLAIN ANALYZE is described as what it runs', async () => {
    expect(await one('EXPLAIN DELETE FROM orders WHERE id = 1')).toMatchObject({ command: 'EXPLAIN', reads: ['public.orders'], writes: [] });
    expect(await one('EXPLAIN ANALYZE DELETE FROM orders')).toMatchObject({ command: 'DELETE', writes: ['public.orders'], has_where: false });
    expect(await one('EXPLAIN (ANALYZE off) DELETE FROM orders')).toMatchObject({ command: 'EXPLAIN', writes: [] });
    expect(await one('EXPLAIN ANALYZE CREATE TABLE t2 AS SELECT 1')).toMatchObject({ command: 'CREATE', writes: ['public.t2'] });
  });

  it('PREPARE/EXECUTE within the batch; unknown EXECUTE is refused', async () => {
    const op = await analyze('PREPARE q(int) AS SELECT email FROM users WHERE id = $1; EXECUTE q(1); DEALLOCATE q', catalog);
    expect(op.statements.map((s) => s.command)).toEqual(['SELECT', 'SELECT', 'DEALLOCATE']);
    expect(op.statements[1].columns).toContainEqual(col('public.users', 'email', 'select'));
    await refused('EXECUTE nowhere(1)', /EXECUTE nowhere/);
    // Across batches: the shim keeps what analyzeBatch reports once the batch has run.
    const first = await analyzeBatch('PREPARE p AS DELETE FROM orders WHERE id = $1', catalog);
    expect(first.prepared.get('p')).toMatchObject({ command: 'DELETE', writes: ['public.orders'] });
    const later = await analyze('EXECUTE p(7)', catalog, { prepared: first.prepared });
    expect(later.statements[0]).toMatchObject({ command: 'DELETE', has_where: true });
    expect(later.action).toBe('write');
  });

  it('DO and CALL are admin; functions are named by schema', async () => {
    expect((await analyze('DO $$ BEGIN PERFORM 1; END $$', catalog)).action).toBe('admin');
    const call = await one('CALL maint.vacuum_all(1)');
    expect(call).toMatchObject({ command: 'CALL', functions: ['maint.vacuum_all'] });
    expect((await one("SELECT pg_catalog.PG_READ_FILE('x'), now()")).functions).toEqual(['pg_catalog.pg_read_file', 'pg_catalog.now']);
  });
});

describe('functions are reported by the schema that may supply them', () => {
  const functions = new MemoryCatalog(
    [
      table('public', 'users', ['id', 'name']),
      view('public', 'lowered', ['l'], 'SELECT lower(u.name) FROM public.users u'),
    ],
    ['pg_catalog.count', 'pg_catalog.lower', 'pg_catalog.upper', 'public.lower', 'sales.lower', 'public.evil', 'public.Evil'],
  );
  const called = async (sql: string, searchPath: string[] = ['public']): Promise<string[]> =>
    (await analyze(sql, functions, { searchPath })).statements.flatMap((s) => s.functions);

  it('a built-in only pg_catalog holds is pg_catalog.name; a user function is schema.name', async () => {
    expect(await called('SELECT count(*), upper(name) FROM users')).toEqual(['pg_catalog.count', 'pg_catalog.upper']);
    expect(await called('SELECT evil()')).toEqual(['public.evil']);
    expect(await called('CALL evil()')).toEqual(['public.evil']);
  });

  it('a name another schema on the path also holds is reported there, wherever pg_catalog stands', async () => {
    expect(await called('SELECT lower(id) FROM users')).toEqual(['public.lower']);
    expect(await called('SELECT lower(id) FROM users', ['public', 'pg_catalog'])).toEqual(['public.lower']);
    expect(await called('SELECT lower(id) FROM users', ['sales', 'public'])).toEqual(['sales.lower', 'public.lower']);
    // Off the path, public.lower cannot be picked.
    expect(await called('SELECT lower(id) FROM public.users', ['sales_archive'])).toEqual(['pg_catalog.lower']);
  });

  it('a qualified call names its schema; a database prefix is dropped; an unknown name stays as written', async () => {
    expect(await called('SELECT pg_catalog.lower(name) FROM users')).toEqual(['pg_catalog.lower']);
    expect(await called('SELECT postgres.public.evil()')).toEqual(['public.evil']);
    expect(await called('SELECT nosuch(1)')).toEqual(['nosuch']);
    expect(await called('SELECT other.evil()')).toEqual(['other.evil']);
  });

  it('a user function is reported wherever the statement calls it', async () => {
    for (const sql of [
      'SELECT * FROM evil()',
      "SELECT * FROM ROWS FROM (evil(), upper('x')) AS r(a, b)",
      'SELECT id FROM users ORDER BY evil()',
      'SELECT id FROM users WHERE id = ANY (SELECT evil())',
      'INSERT INTO users (id) VALUES (evil())',
      'UPDATE users SET name = evil()::text WHERE id = 1',
      'DELETE FROM users WHERE id = 1 RETURNING evil()',
      'COPY (SELECT evil()) TO STDOUT',
      'EXPLAIN ANALYZE SELECT evil()',
      // DDL runs these: a volatile default for every existing row, an index expression, a conversion.
      'ALTER TABLE users ADD COLUMN x bigint DEFAULT evil()',
      'CREATE INDEX ON users ((evil()))',
      'ALTER TABLE users ALTER COLUMN id TYPE bigint USING evil()',
    ]) {
      expect(await called(sql), sql).toContain('public.evil');
    }
  });

  it('a quoted name keeps its case, so "Evil" is not evil; a name with a dot is refused', async () => {
    expect(await called('SELECT "Evil"(), EVIL()')).toEqual(['public.Evil', 'public.evil']);
    // Reported as written, "pg_catalog.evil" would read as a built-in.
    await expect(called('SELECT "pg_catalog.evil"()')).rejects.toThrow(/contains a dot/);
  });

  it("a view's definition resolves its calls as stored, with only pg_catalog searched", async () => {
    expect(await called('SELECT l FROM lowered')).toEqual(['pg_catalog.lower']);
  });

  it('statements after a call outside pg_catalog are refused in the same batch: it may change the search_path', async () => {
    await expect(analyze('SELECT evil(); SELECT id FROM users', functions)).rejects.toThrow(/statement 2: .*search_path/);
    expect((await analyze('SELECT count(*) FROM users; SELECT id FROM users', functions)).statements).toHaveLength(2);
  });
});

describe('refusals', () => {
  it('a syntax error carries libpg-query message and position', async () => {
    const error = await refused('SELECT id FROM users;\nSELECT * FRM users', /syntax error at or near "FRM"/);
    expect(error.position).toMatchObject({ line: 2, column: 10 });
  });

  it('unknown tables and columns, and too deep nesting', async () => {
    await refused('SELECT 1 FROM nowhere', /relation "nowhere" does not exist/);
    await refused('SELECT nope FROM users', /column "nope" does not exist/);
    await refused('SELECT 1; SELECT u.nope FROM users u', /statement 2: column u.nope does not exist/);
    // The parser drops redundant parentheses; deep operator chains are refused, not allowed to blow the stack.
    const parens = `SELECT ${'('.repeat(1500)}ssn${')'.repeat(1500)} FROM users`;
    expect((await one(parens)).columns).toEqual([col('public.users', 'ssn', 'select')]);
    await refused(`SELECT ${Array.from({ length: 3000 }, () => 'id').join(' + ')} FROM users`, /nest|stack|depth/i);
  });

  it('a statement kind the analysis does not know is refused, not guessed', async () => {
    await refused('ALTER FUNCTION f() DEPENDS ON EXTENSION e', /AlterObjectDependsStmt is not supported/);
  });

  it('text after a NUL character cannot hide', async () => {
    const error = await refused('SELECT 1\u0000; DROP TABLE users', /NUL character/);
    expect(error.position).toMatchObject({ line: 1, column: 9 });
  });

  it('an empty batch is refused', async () => {
    await refused('  -- nothing\n', /no statement/);
  });
});

describe('FROM items and scopes', () => {
  it('JOIN USING and NATURAL JOIN compare the common columns; a join alias hides its sides', async () => {
    const using = await one('SELECT id FROM users JOIN orders USING (id)');
    expect(uses(using, 'public.users', 'id')).toEqual(['filter', 'select']);
    expect(uses(using, 'public.orders', 'id')).toEqual(['filter', 'select']);
    const natural = await one('SELECT total FROM users NATURAL JOIN orders');
    expect(uses(natural, 'public.orders', 'id')).toEqual(['filter']);
    await refused('SELECT users.id FROM (users JOIN orders ON true) AS j', /missing FROM-clause entry for users/);
    expect(uses(await one('SELECT j.email FROM (users JOIN orders ON true) AS j'), 'public.users', 'email')).toEqual(['select']);
  });

  it('table alias column lists rename columns without hiding their origin', async () => {
    const s = await one('SELECT x, y FROM users AS u(x, y)');
    expect(s.columns).toEqual([col('public.users', 'id', 'select'), col('public.users', 'email', 'select')]);
  });

  it('set-returning functions, TABLESAMPLE, XMLTABLE', async () => {
    const g = await one('SELECT g, u.email FROM generate_series(1, 3) g, users u WHERE u.id = g');
    expect(g.functions).toEqual(['pg_catalog.generate_series']);
    expect(uses(g, 'public.users', 'email')).toEqual(['select']);
    // A name the function might define does not hide an outer column of that name.
    const inner = await one('SELECT (SELECT ssn FROM generate_series(1, 1) AS f(x)) FROM users');
    expect(uses(inner, 'public.users', 'ssn')).toEqual(['expression']);
    expect((await one('SELECT id FROM users TABLESAMPLE SYSTEM (10)')).reads).toEqual(['public.users']);
    const xml = await one("SELECT x.a FROM users u, XMLTABLE('/r' PASSING (u.name::xml) COLUMNS a int PATH 'a') x");
    expect(uses(xml, 'public.users', 'name')).toEqual(['expression']);
  });

  it('GROUPING SETS, named windows, DISTINCT and set operations', async () => {
    const g = await one('SELECT name FROM users GROUP BY GROUPING SETS ((name), (email))');
    expect(uses(g, 'public.users', 'email')).toEqual(['group']);
    const w = await one('SELECT rank() OVER w FROM users WINDOW w AS (PARTITION BY ssn ORDER BY email)');
    expect(uses(w, 'public.users', 'ssn')).toEqual(['group']);
    expect(uses(w, 'public.users', 'email')).toEqual(['order']);
    expect(uses(await one('SELECT DISTINCT email FROM users'), 'public.users', 'email')).toEqual(['group', 'select']);
    const except = await one('SELECT count(*) FROM (SELECT ssn FROM users EXCEPT SELECT name FROM users) s');
    expect(uses(except, 'public.users', 'ssn')).toEqual(['group']);
  });

  it('system columns resolve to their table', async () => {
    expect((await one('SELECT ctid, xmin FROM users')).columns).toEqual([
      col('public.users', 'ctid', 'select'), col('public.users', 'xmin', 'select'),
    ]);
  });

  it('follows SET ROLE, RESET and set_config for the statements after them', async () => {
    const options = { searchPath: ['$user', 'public'], sessionUser: 'app' };
    const op = await analyze('SELECT id FROM orders; SET ROLE sales; SELECT id FROM orders; RESET ROLE; SELECT id FROM orders', catalog, options);
    expect(op.statements.filter((s) => s.command === 'SELECT').map((s) => s.reads)).toEqual([['public.orders'], ['sales.orders'], ['public.orders']]);
    const reset = await analyze('SET search_path = sales; RESET search_path; SELECT id FROM orders', catalog, { searchPath: ['sales'], resetSearchPath: ['public'] });
    expect(reset.statements[2].reads).toEqual(['public.orders']);
    await refused("SELECT set_config('search_path', 'sales', false); SELECT id FROM orders", /statement 2: .*set_config/);
    expect((await one('CREATE TEMP TABLE scratch (a int)')).writes).toEqual(['pg_temp.scratch']);
  });

  it('$user in the search_path needs the session user', async () => {
    await refused('SET search_path = "$user", public; SELECT 1', /\$user/);
    const op = await analyze('SELECT id FROM orders', catalog, { searchPath: ['$user', 'public'], sessionUser: 'sales' });
    expect(op.statements[0].reads).toEqual(['sales.orders']);
  });
});

describe('masking cannot be talked around', () => {
  // Each query reveals users.ssn in a way a cell mask cannot cover: it must never be described as a bare select.
  const escapes = [
    'SELECT s FROM (SELECT ssn FROM users) s',
    'SELECT ARRAY(SELECT ssn FROM users)',
    'SELECT to_json(u.*) FROM users u',
    'SELECT jsonb_agg(u) FROM users u',
    "SELECT CASE WHEN ssn LIKE '1%' THEN 1 END FROM users",
    'SELECT id FROM users ORDER BY ssn',
    'SELECT id FROM users GROUP BY id, ssn',
    "SELECT id FROM users LIMIT (SELECT count(*) FROM users WHERE ssn > '5')",
    "SELECT id FROM users u WHERE u::text LIKE '%123%'",
    'UPDATE orders SET status = (SELECT ssn FROM users LIMIT 1) WHERE id = 1',
    'SELECT max(x) FROM (SELECT ssn AS x FROM users) s',
    'WITH c AS (SELECT ssn FROM users) SELECT 1 FROM c WHERE c.ssn = $1',
    'SELECT ssn FROM users UNION SELECT ssn FROM users',
    'SELECT string_agg(ssn, \',\') FROM users',
  ];
  for (const sql of escapes) {
    it(sql, async () => {
      const op = await analyze(sql, catalog);
      const found = op.statements.flatMap((s) => s.columns).filter((c) => c.table === 'public.users' && ['ssn', '*'].includes(c.column));
      expect(found.length).toBeGreaterThan(0);
      expect(found.some((c) => c.use !== 'select' && c.use !== 'set')).toBe(true);
    });
  }

  it('RETURNING and selected cells stay maskable selects', async () => {
    expect(uses(await one('DELETE FROM users WHERE id = 1 RETURNING ssn'), 'public.users', 'ssn')).toEqual(['select']);
    expect(uses(await one('SELECT x.s FROM users, LATERAL (SELECT users.ssn AS s) x'), 'public.users', 'ssn')).toEqual(['select']);
  });
});
