// The SQL analysis against a real PostgreSQL 15: PostgresCatalog's queries, views as pg_get_viewdef prints them,
// and the statements psql itself sends (\d).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../shims/postgres/analyze/index.js';
import { PostgresCatalog, type QueryFunction } from '../shims/postgres/analyze/postgres-catalog.js';
import { startPostgres, type PostgresServer } from './fixtures/postgres.js';

let pg: PostgresServer;
let catalog: PostgresCatalog;

/** Runs a parameterised query through psql: `$n` become psql literal variables, rows come back as JSON on one line. */
function psqlQuery(server: PostgresServer): QueryFunction {
  return async (sql, params) => {
    const variables = Object.fromEntries(params.map((p, i) => [`p${i + 1}`, String(p)]));
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => `:'p${n}'`);
    const out = await server.psql(`SET search_path = ''; SELECT coalesce(json_agg(q)::jsonb, '[]') FROM (${text}) q;`, variables);
    return JSON.parse(out.trim().split('\n').pop() ?? '[]') as Array<Record<string, unknown>>;
  };
}

beforeAll(async () => {
  pg = await startPostgres();
  await pg.psql(`
    CREATE TABLE public.users (id int PRIMARY KEY, email text, ssn text, name text);
    CREATE TABLE public.orders (id int PRIMARY KEY, user_id int REFERENCES public.users, total numeric);
    CREATE SCHEMA sales;
    CREATE TABLE sales."Leads" ("Id" int, note text);
    CREATE VIEW public.contacts AS SELECT u.id AS uid, u.email AS mail FROM users u WHERE u.name <> 'bot';
    CREATE VIEW public.big_orders AS SELECT c.mail, o.total FROM contacts c JOIN orders o ON o.user_id = c.uid WHERE o.total > 100;
  `);
  catalog = new PostgresCatalog(psqlQuery(pg));
});

afterAll(async () => {
  await pg?.stop();
});

describe('against PostgreSQL 15', () => {
  it('resolves tables and their columns from the catalog', async () => {
    const op = await analyze('SELECT * FROM users u JOIN orders o ON o.user_id = u.id WHERE u.ssn = $1', catalog);
    const [s] = op.statements;
    expect(s.reads).toEqual(['public.users', 'public.orders']);
    expect(s.columns).toContainEqual({ table: 'public.users', column: 'ssn', use: 'filter' });
    expect(s.columns).toContainEqual({ table: 'public.users', column: '*', use: 'select' });
  });

  it('expands views, nested ones too, through pg_get_viewdef', async () => {
    const [s] = (await analyze('SELECT mail FROM big_orders', catalog)).statements;
    expect(s.reads).toEqual(expect.arrayContaining(['public.big_orders', 'public.contacts', 'public.users', 'public.orders']));
    expect(s.columns).toContainEqual({ table: 'public.users', column: 'email', use: 'select' });
    expect(s.columns).toContainEqual({ table: 'public.orders', column: 'total', use: 'filter' });
    expect(s.columns).toContainEqual({ table: 'public.users', column: 'name', use: 'filter' });
  });

  it('handles quoted identifiers and search_path', async () => {
    const [s] = (await analyze('SELECT "Id" FROM "Leads"', catalog, { searchPath: ['sales'] })).statements;
    expect(s.columns).toEqual([{ table: 'sales.Leads', column: 'Id', use: 'select' }]);
  });

  it('describes the catalog query psql sends for \\d users', async () => {
    const sql = `SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c
      LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname OPERATOR(pg_catalog.~) '^(users)$' COLLATE pg_catalog.default
        AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3;`;
    const op = await analyze(sql, catalog);
    expect(op.action).toBe('read');
    expect(op.statements[0].reads).toEqual(['pg_catalog.pg_class', 'pg_catalog.pg_namespace']);
    expect(op.statements[0].functions).toEqual(['pg_catalog.pg_table_is_visible']);
  });

  it('describes every query psql sends for its \\d family of commands, as reads', async () => {
    const echoed = await pg.psql('\\set ECHO_HIDDEN on\n\\d users\n\\d+ contacts\n\\dt\n\\dv\n\\dn\n\\df\n\\du\n\\l\n');
    const queries = echoed
      .split('********* QUERY **********')
      .slice(1)
      .map((chunk) => chunk.split('**************************')[0].trim());
    expect(queries.length).toBeGreaterThan(10);
    for (const query of queries) {
      const op = await analyze(query, catalog);
      expect(op.action, query).toBe('read');
      for (const table of op.statements.flatMap((s) => s.reads)) expect(table).toMatch(/^(pg_catalog|information_schema)\./);
      // What psql calls is a built-in, so the shipped policy asks no `exec` grant of a psql user.
      for (const name of op.statements.flatMap((s) => s.functions)) expect(name, query).toMatch(/^pg_catalog\./);
    }
  });

  // The shim masks a result column by the origin Postgres gives it in RowDescription. So every column the analysis
  // calls a `select` must arrive with that origin, or a mask would miss it; this checks the analysis's idea of
  // "computed" against Postgres itself.
  it('every column described as selected is one Postgres returns with its table origin', async () => {
    const queries = [
      'SELECT id, email AS e FROM users',
      'SELECT * FROM users u JOIN orders o ON o.user_id = u.id',
      'SELECT s.x FROM (SELECT ssn AS x FROM users) s',
      'WITH c AS (SELECT ssn, name FROM users) SELECT * FROM c',
      'SELECT x.s FROM users, LATERAL (SELECT users.ssn AS s) x',
      'SELECT ssn FROM users UNION ALL SELECT name FROM users',
      'SELECT (SELECT ssn FROM users LIMIT 1), lower(email), ssn::text FROM users',
      'SELECT t FROM users t',
      'SELECT DISTINCT ON (name) name, ssn FROM users ORDER BY name',
      'WITH RECURSIVE r(n) AS (SELECT id FROM users UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r',
      'SELECT * FROM (VALUES (1)) v(a), users',
      'UPDATE users SET name = name WHERE false RETURNING ssn, email',
      'DELETE FROM users u WHERE false RETURNING u.*',
      'INSERT INTO orders (id) SELECT 1 WHERE false RETURNING id, total',
    ];
    const ids = JSON.parse(
      (await pg.psql(`SELECT json_object_agg(c.relname || '.' || a.attname, array[c.oid::int, a.attnum::int])
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relname IN ('users', 'orders') AND a.attnum > 0`)).trim(),
    ) as Record<string, [number, number]>;
    let checked = 0;
    for (const sql of queries) {
      const returned = new Set((await pg.resultColumns(sql)).map((c) => `${c.tableID}:${c.columnID}`));
      const [s] = (await analyze(sql, catalog)).statements;
      for (const column of s.columns.filter((c) => c.use === 'select')) {
        const table = column.table.replace(/^public\./, '');
        const names = column.column === '*' ? Object.keys(ids).filter((k) => k.startsWith(`${table}.`)) : [`${table}.${column.column}`];
        for (const name of names) expect(returned.has(ids[name].join(':')), `${sql}: ${name}`).toBe(true);
        checked += names.length;
      }
    }
    expect(checked).toBeGreaterThan(15);
    // And the other side of the assumption: a set operation's result has no origin, so it is never a select.
    expect(await pg.resultColumns('SELECT ssn FROM users UNION ALL SELECT ssn FROM users')).toEqual([{ name: 'ssn', tableID: 0, columnID: 0 }]);
  });

  it("describes pgbench's built-in TPC-B script", async () => {
    await pg.psql(`
      CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84));
      CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84));
      CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler char(88));
      CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));`);
    const script = [
      'BEGIN;',
      'UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;',
      'SELECT abalance FROM pgbench_accounts WHERE aid = $1;',
      'UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;',
      'UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;',
      'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);',
      'END;',
    ].join('\n');
    const op = await analyze(script, catalog);
    expect(op.action).toBe('write');
    expect(op.statements.map((s) => [s.command, s.writes, s.has_where])).toEqual([
      ['BEGIN', [], false],
      ['UPDATE', ['public.pgbench_accounts'], true],
      ['SELECT', [], true],
      ['UPDATE', ['public.pgbench_tellers'], true],
      ['UPDATE', ['public.pgbench_branches'], true],
      ['INSERT', ['public.pgbench_history'], false],
      ['END', [], false],
    ]);
  });

  it('reports a function by the schema Postgres may pick it from, and sees new functions after clear()', async () => {
    const called = async (sql: string): Promise<string[]> => (await analyze(sql, catalog)).statements.flatMap((s) => s.functions);
    expect(await called('SELECT count(*), lower(email) FROM users')).toEqual(['pg_catalog.count', 'pg_catalog.lower']);
    expect(await called('SELECT refresh_stats()')).toEqual(['refresh_stats']);
    await pg.psql(`
      CREATE FUNCTION public.lower(integer) RETURNS integer LANGUAGE sql AS $$ SELECT $1 $$;
      CREATE FUNCTION public.refresh_stats() RETURNS void LANGUAGE sql AS $$ SELECT $$;`);
    try {
      // The shim clears the catalog after every DDL statement it lets through, CREATE FUNCTION included.
      catalog.clear();
      // public.lower(integer) cannot take text, but the analysis does not resolve overloads: it may be picked.
      expect(await called('SELECT lower(email) FROM users')).toEqual(['public.lower']);
      expect(await called('SELECT pg_catalog.lower(email) FROM users')).toEqual(['pg_catalog.lower']);
      expect(await called('SELECT refresh_stats()')).toEqual(['public.refresh_stats']);
      expect(await called('SELECT sum(id) OVER (), string_agg(name, \',\') FROM users GROUP BY id')).toEqual(['pg_catalog.sum', 'pg_catalog.string_agg']);
    } finally {
      await pg.psql('DROP FUNCTION public.lower(integer); DROP FUNCTION public.refresh_stats();');
      catalog.clear();
    }
  });

  it('every statement it describes is one Postgres accepts (the analysis does not invent tables)', async () => {
    const sql = 'INSERT INTO orders (id, user_id, total) SELECT 1, id, 5 FROM users WHERE false RETURNING id';
    const [s] = (await analyze(sql, catalog)).statements;
    expect(s).toMatchObject({ command: 'INSERT', writes: ['public.orders'] });
    await expect(pg.psql(sql)).resolves.toBe('');
  });
});
