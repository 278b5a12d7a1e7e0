// Attacks on the Postgres shim by a client holding a valid token with a narrow grant, through the real stack
// (PostgreSQL 15, the decider with the shipped policies, the shim): statements whose analysis would under-report
// what they read or write, protocol sequences that would put the shim's answer bookkeeping out of step with
// Postgres, and names (prepared statements, portals, cursors) that would make one decision stand for another
// statement. Each test asserts what a user relies on: refused with 42501, no masked value in clear, rows untouched.
import { execFile } from 'node:child_process';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import type { BackendMessage, DatabaseError } from 'pg-protocol/dist/messages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs } from './fixtures/decider/harness.js';
import { names, RawClient, rows } from './fixtures/raw-postgres-client.js';
import { rejection } from './fixtures/rejection.js';
import { startShimStack, type ShimStack } from './fixtures/shim-stack.js';

const RESOURCE = 'orders-db';
/** Read on orders only. */
const NARROW = [`${RESOURCE}:read:public.orders`];
/** Read on orders and users, whose email (method email) and ssn (redact) the shipped catalog masks. */
const MASKED = [`${RESOURCE}:read:public.orders,public.users`];
const CLEAR_EMAILS = ['alice@example.com', 'bob@example.com'];
const MASKED_EMAILS = ['a***@example.com', 'b***@example.com'];
let stack: ShimStack;

beforeAll(async () => {
  stack = await startShimStack({
    resource: RESOURCE,
    shimId: 'pg-attacks-test',
    schema: `
    CREATE TABLE public.orders (id int PRIMARY KEY, total numeric NOT NULL);
    INSERT INTO public.orders VALUES (1, 10), (2, 20), (3, 30);
    CREATE TABLE public.secrets (id int PRIMARY KEY, secret text);
    INSERT INTO public.secrets VALUES (1, 'top secret');
    CREATE TABLE public.users (id int PRIMARY KEY, email text, ssn text);
    INSERT INTO public.users VALUES (1, 'alice@example.com', '123-45-6789'), (2, 'bob@example.com', '987-65-4321');
    CREATE TABLE public.victims (id int PRIMARY KEY);
    INSERT INTO public.victims VALUES (1), (2);
    CREATE FUNCTION public.evil() RETURNS bigint LANGUAGE sql AS $$
      WITH gone AS (DELETE FROM public.victims RETURNING 1) SELECT count(*) FROM gone $$;
    CREATE FUNCTION public.lower(integer) RETURNS integer LANGUAGE sql AS $$ SELECT $1 $$;
    CREATE SEQUENCE public.order_ids;
    CREATE ROLE bystander;
    CREATE SCHEMA shadow;
    CREATE TABLE shadow.orders (id int, total numeric);
    INSERT INTO shadow.orders VALUES (99, 990);
    CREATE FUNCTION public.use_shadow() RETURNS text LANGUAGE sql
      AS $$ SELECT pg_catalog.set_config('search_path', 'shadow, public', false) $$;
  `,
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  removeTempDirs();
});

async function connected(grants: readonly string[]): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: stack.shim.port, user: 'ci-bot', database: 'postgres', password: await stack.token('attacker', grants) });
  await c.connect();
  return c;
}

async function raw(grants: readonly string[]): Promise<RawClient> {
  return RawClient.login(stack.shim.port, await stack.token('attacker', grants));
}

function errors(messages: readonly BackendMessage[]): DatabaseError[] {
  return messages.filter((m): m is DatabaseError => m.name === 'error');
}

/** Every cell the client received, as text. */
function cells(messages: readonly BackendMessage[]): string {
  return JSON.stringify(rows(messages));
}

async function tablesUntouched(): Promise<void> {
  expect(await stack.postgres.psql('SELECT count(*) FROM public.orders; SELECT count(*) FROM public.secrets')).toBe('3\n1\n');
}

describe('statements whose analysis would under-report', () => {
  it('refuses built-ins that read tables named in their arguments (query_to_xml and its family)', async () => {
    const c = await connected(NARROW);
    try {
      for (const sql of [
        "SELECT query_to_xml('SELECT * FROM public.secrets', true, false, '')",
        "SELECT * FROM pg_catalog.query_to_xml('SELECT * FROM public.secrets', true, false, '')",
        "SELECT table_to_xml('public.secrets', true, false, '')",
        "SELECT id, schema_to_xml('public', true, false, '') FROM public.orders",
        "SELECT cursor_to_xml('c', 10, false, false, '')",
      ]) {
        const e = await rejection(c.query(sql));
        expect(e.code, sql).toBe('42501');
        expect(e.message, sql).toMatch(/reads rows of tables named in its arguments/);
        expect(e.message, sql).not.toContain('top secret');
      }
    } finally {
      await c.end();
    }
  });

  it('decides EXPLAIN with ANALYZE repeated as running its statement, since Postgres takes the last one', async () => {
    const c = await connected(NARROW);
    try {
      const e = await rejection(c.query('EXPLAIN (ANALYZE false, ANALYZE true) DELETE FROM public.orders WHERE id = 3'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain(`--grant ${RESOURCE}:write:public.orders`);
      // A plain EXPLAIN (ANALYZE off) only plans, and a read grant covers it.
      expect((await c.query('EXPLAIN (ANALYZE off, COSTS off) DELETE FROM public.orders WHERE id = 3')).rows.length).toBeGreaterThan(0);
    } finally {
      await c.end();
    }
    await tablesUntouched();
  });

  it('finds the write or the table behind CTEs, unicode-escaped names, nested comments and dollar quotes', async () => {
    const c = await connected(NARROW);
    try {
      for (const sql of [
        'WITH gone AS (DELETE FROM public.secrets WHERE id = 1 RETURNING id) SELECT * FROM public.orders',
        'WITH moved AS (UPDATE public.orders SET total = 0 WHERE id = 1 RETURNING id) SELECT 1',
        'SELECT * FROM public.U&"secr\\0065ts"',
        'SELECT * FROM public.U&"!0073ecrets" UESCAPE \'!\'',
        'SELECT 1 /* nested /* */ still a comment */ ; DELETE FROM public.secrets WHERE id = 1',
        'SELECT $q$ $$ ; $q$ ; DELETE FROM public.secrets WHERE id = 1',
      ]) {
        expect((await rejection(c.query(sql))).code, sql).toBe('42501');
      }
      // What only looks like a statement inside a nested comment is no statement, for the analysis as for Postgres.
      expect((await c.query('SELECT 1 AS one /* /* */ ; DELETE FROM public.secrets; */')).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
    await tablesUntouched();
  });
});

describe('functions the task was not granted', () => {
  const victims = async (): Promise<string> => stack.postgres.psql('SELECT count(*) FROM public.victims');

  it('a user function needs exec on its qualified name; without it the call is refused and its table untouched', async () => {
    const narrow = await connected(NARROW);
    try {
      for (const sql of ['SELECT public.evil()', 'SELECT evil()', 'SELECT id, evil() FROM public.orders']) {
        const e = await rejection(narrow.query(sql));
        expect(e.code, sql).toBe('42501');
        expect(e.message, sql).toContain(`has no grant for exec on ${RESOURCE} (public.evil); ask for a task with --grant ${RESOURCE}:exec:public.evil`);
      }
    } finally {
      await narrow.end();
    }
    expect(await victims()).toBe('2\n');
    const granted = await connected([...NARROW, `${RESOURCE}:exec:public.evil`]);
    try {
      expect((await granted.query('SELECT evil() AS deleted')).rows).toEqual([{ deleted: '2' }]);
    } finally {
      await granted.end();
    }
    expect(await victims()).toBe('0\n');
  });

  it('a user function that shadows a built-in name is reported in its own schema and needs exec', async () => {
    const c = await connected(NARROW);
    try {
      // public.lower(integer) wins over pg_catalog.lower(text) for an integer; the analysis reports it either way.
      for (const sql of ['SELECT lower(id) FROM public.orders', "SELECT lower('ABC')"]) {
        const e = await rejection(c.query(sql));
        expect(e.code, sql).toBe('42501');
        expect(e.message, sql).toContain(`--grant ${RESOURCE}:exec:public.lower`);
      }
      // Qualified, only the built-in can run, and reading needs nothing more.
      expect((await c.query("SELECT pg_catalog.lower('ABC') AS l")).rows).toEqual([{ l: 'abc' }]);
    } finally {
      await c.end();
    }
  });

  it('nextval, advisory locks and large objects change state: refused under read, nextval allowed with write', async () => {
    const reader = await connected(NARROW);
    try {
      for (const sql of ["SELECT nextval('public.order_ids')", 'SELECT pg_advisory_lock(1)', "SELECT lo_from_bytea(0, '\\x00')"]) {
        const e = await rejection(reader.query(sql));
        expect(e.code, sql).toBe('42501');
        expect(e.message, sql).toContain(`has no grant for write on ${RESOURCE}`);
      }
      const admin = await rejection(reader.query('SELECT * FROM pg_ls_waldir()'));
      expect(admin.message).toContain(`has no grant for admin on ${RESOURCE}`);
    } finally {
      await reader.end();
    }
    expect(await stack.postgres.psql("SELECT last_value, is_called FROM public.order_ids; SELECT count(*) FROM pg_largeobject_metadata")).toBe('1|f\n0\n');
    const writer = await connected([`${RESOURCE}:read,write:public.orders`]);
    try {
      expect((await writer.query("SELECT nextval('public.order_ids') AS id")).rows).toEqual([{ id: '1' }]);
    } finally {
      await writer.end();
    }
  });

  it('a granted user function that changes the search_path: later names resolve on the new path', async () => {
    const c = await connected([...NARROW, `${RESOURCE}:exec:public.use_shadow`]);
    try {
      // In one batch, what follows the call cannot be described: the path it runs under is unknown.
      const batch = await rejection(c.query('SELECT use_shadow(); SELECT id FROM orders'));
      expect(batch.code).toBe('42501');
      expect(batch.message).toContain('may have changed the search_path');
      expect((await c.query('SELECT use_shadow() AS path')).rows).toEqual([{ path: 'shadow, public' }]);
      // `orders` now means shadow.orders, which this task may not read.
      const e = await rejection(c.query('SELECT id FROM orders'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain(`--grant ${RESOURCE}:read:shadow.orders`);
      expect((await c.query('SELECT id FROM public.orders ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    } finally {
      await c.end();
    }
  });

  it('a function created through the shim is known to the next statement (CREATE FUNCTION clears the catalog)', async () => {
    const c = await connected([`${RESOURCE}:admin`, `${RESOURCE}:read`, `${RESOURCE}:exec:public.fresh`]);
    try {
      // Unknown yet: reported as written, which no grant of this task names.
      expect((await rejection(c.query('SELECT fresh()'))).message).toContain(`--grant ${RESOURCE}:exec:fresh`);
      await c.query('CREATE FUNCTION public.fresh() RETURNS int LANGUAGE sql AS $$ SELECT 7 $$');
      expect((await c.query('SELECT fresh() AS f')).rows).toEqual([{ f: 7 }]);
    } finally {
      await c.end();
    }
  });
});

describe('masked values in error details', () => {
  it('withholds the row an integrity violation repeats, which would show masked columns in clear', async () => {
    const c = await connected([`${RESOURCE}:read,write:public.users`]);
    try {
      // The UPDATE reads no masked column, so the policy allows it without masks; Postgres's DETAIL would be
      // "Failing row contains (null, alice@example.com, 123-45-6789)".
      const e = await rejection<Error & { code?: string; detail?: string }>(c.query('UPDATE public.users SET id = NULL WHERE id = 1'));
      expect(e.code).toBe('23502');
      expect(e.message).toContain('violates not-null constraint');
      expect(e.detail).toContain('taskgate withholds the detail');
      for (const secret of ['alice@example.com', '123-45-6789']) expect(JSON.stringify(e)).not.toContain(secret);
      // Errors of other classes pass as Postgres sent them.
      expect((await rejection<Error & { detail?: string }>(c.query('DEALLOCATE nothing_prepared'))).message).toContain('does not exist');
    } finally {
      await c.end();
    }
    expect(await stack.postgres.psql('SELECT id FROM public.users ORDER BY id')).toBe('1\n2\n');
  });
});

describe('standard_conforming_strings', () => {
  it('a SET pipelined right before a query takes effect before that query is analysed', async () => {
    const client = await raw(NARROW);
    try {
      // With the setting on this is one SELECT of one string; with it off, Postgres ends the string at \'' and runs
      // the DELETE. The client sends both without waiting, so the SET's ParameterStatus arrives after the query.
      client.send(
        serialize.query('SET standard_conforming_strings = off'),
        serialize.query("SELECT 'a\\'' ; DELETE FROM public.orders WHERE id = 2; --'"),
      );
      await client.untilReady();
      const answer = await client.untilReady();
      expect(errors(answer).map((e) => e.code)).toEqual(['42501']);
      expect(errors(answer)[0]!.message).toContain('standard_conforming_strings is off');
    } finally {
      client.close();
    }
    await tablesUntouched();
  });
});

describe('client_encoding', () => {
  it('with an encoding other than UTF8, refuses text beyond ASCII, in which a backslash could join a character', async () => {
    // Admin may change client_encoding; writing orders still needs write, which this task lacks.
    const c = await connected([...NARROW, `${RESOURCE}:admin`]);
    try {
      await c.query("SET client_encoding = 'SJIS'");
      // Read as UTF-8 this is one string; read as SJIS the last byte of the kana and the backslash are one
      // character, the quote after them ends the string, and a DELETE follows.
      const smuggled = "SELECT E'\u3041\\' ; DELETE FROM public.orders WHERE id = 1 --'";
      const e = await rejection(c.query(smuggled));
      expect(e.code).toBe('42501');
      expect(e.message).toContain("client_encoding is SJIS in this session, and the shim reads statements as UTF-8");
      expect(e.message).toContain("run SET client_encoding = 'UTF8' first");
      // ASCII reads alike in every encoding Postgres takes from clients.
      expect((await c.query('SELECT id FROM public.orders WHERE id = 1')).rows).toEqual([{ id: 1 }]);
      await c.query("SET client_encoding = 'UTF8'");
      expect((await c.query("SELECT E'\u3041\\\\' AS text")).rows).toEqual([{ text: '\u3041\\' }]);
    } finally {
      await c.end();
    }
    await tablesUntouched();
  });
});

describe('server settings a read task must not change', () => {
  const reason = (setting: string): string =>
    `may not change the server setting ${setting} on ${RESOURCE}: read covers only the session settings of catalog.postgres.session_settings; ask for a task with --grant ${RESOURCE}:admin`;

  it('refuses SET of session_replication_role and log_statement, in any case or quoting, and the settings stay', async () => {
    const c = await connected(NARROW);
    try {
      const logStatement = (await c.query('SHOW log_statement')).rows;
      const attempts: Array<[string, string]> = [
        ['SET session_replication_role = replica', 'session_replication_role'],
        ['SET LOCAL "Session_Replication_Role" TO replica', 'session_replication_role'],
        ["SET log_statement = 'none'", 'log_statement'],
        ["SET application_name = 'x'; SET SESSION log_statement TO 'none'", 'log_statement'],
      ];
      for (const [sql, setting] of attempts) {
        const e = await rejection(c.query(sql));
        expect(e.code, sql).toBe('42501');
        expect(e.message, sql).toContain(reason(setting));
      }
      expect((await c.query('SHOW session_replication_role')).rows).toEqual([{ session_replication_role: 'origin' }]);
      expect((await c.query('SHOW log_statement')).rows).toEqual(logStatement);
    } finally {
      await c.end();
    }
  });

  it('refuses a quoted, mixed-case ROLE as the SET ROLE it is, so the session keeps its user', async () => {
    const c = await connected(NARROW);
    try {
      const user = (await c.query('SELECT current_user AS u')).rows;
      const e = await rejection(c.query('SET "ROLE" = bystander'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain(`has no grant for admin on ${RESOURCE}`);
      expect((await c.query('SELECT current_user AS u')).rows).toEqual(user);
    } finally {
      await c.end();
    }
  });

  it('allows the session settings clients send, such as application_name and statement_timeout', async () => {
    const c = await connected(NARROW);
    try {
      await c.query("SET application_name = 'x'");
      await c.query("SET statement_timeout = '5s'");
      await c.query('RESET ALL');
      await c.query("SET application_name = 'x'; SET statement_timeout = '5s'");
      expect((await c.query('SHOW application_name')).rows).toEqual([{ application_name: 'x' }]);
      expect((await c.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '5s' }]);
    } finally {
      await c.end();
    }
  });
});

describe('protocol sequences that would put the shim out of step with Postgres', () => {
  it('refuses a simple Query inside an unfinished extended-protocol block rather than relay it unmasked', async () => {
    const client = await raw(MASKED);
    try {
      client.send(serialize.parse({ text: 'SELECT 1' }), serialize.query('SELECT email FROM public.users ORDER BY id'), serialize.sync());
      const answer = await client.untilReady();
      expect(names(answer)).toEqual(['parseComplete', 'error', 'readyForQuery']);
      expect(errors(answer)[0]!.code).toBe('42501');
      expect(errors(answer)[0]!.message).toContain('send Sync first');
      client.send(serialize.query('SELECT email FROM public.users ORDER BY id'));
      expect(rows(await client.untilReady())).toEqual(MASKED_EMAILS.map((e) => [e]));
    } finally {
      client.close();
    }
  });

  it('drops a Query sent while Postgres skips to Sync, as Postgres does, so the next result is still masked', async () => {
    const client = await raw(MASKED);
    try {
      client.send(serialize.parse({ text: 'SELECT * FROM public.secrets' }), serialize.query('SELECT 1'), serialize.sync());
      const refused = await client.untilReady();
      expect(names(refused)).toEqual(['error', 'readyForQuery']);
      client.send(serialize.query('SELECT email FROM public.users ORDER BY id'));
      const answer = await client.untilReady();
      expect(rows(answer)).toEqual(MASKED_EMAILS.map((e) => [e]));
    } finally {
      client.close();
    }
  });

  it('knows Postgres ignores Sync during COPY FROM STDIN (libpq\'s extended COPY), so later results stay masked', async () => {
    const client = await raw([`${RESOURCE}:read,write:public.orders`, `${RESOURCE}:read:public.users`]);
    try {
      // As libpq sends it: Sync right after Execute (Postgres, reading the rows by then, ignores it), another after
      // CopyDone. Counting both as owed answers would shift every later result onto the masks of an earlier one.
      client.send(serialize.parse({ text: 'COPY public.orders FROM STDIN' }), serialize.bind({}), serialize.execute({}), serialize.sync());
      expect(await client.next()).toMatchObject({ name: 'parseComplete' });
      expect(await client.next()).toMatchObject({ name: 'bindComplete' });
      expect(await client.next()).toMatchObject({ name: 'copyInResponse' });
      client.send(serialize.copyData(Buffer.from('4\t40\n')), serialize.copyDone(), serialize.sync());
      expect(names(await client.untilReady())).toEqual(['commandComplete', 'readyForQuery']);
      client.send(serialize.query('SELECT 1'));
      expect(rows(await client.untilReady())).toEqual([['1']]);
      client.send(serialize.query('SELECT email FROM public.users ORDER BY id'));
      expect(rows(await client.untilReady())).toEqual(MASKED_EMAILS.map((e) => [e]));
      const c = await connected(MASKED);
      try {
        // And a plain COPY through node-postgres's simple protocol still works afterwards.
        expect((await c.query('SELECT email FROM public.users ORDER BY id')).rows.map((r) => r.email)).toEqual(MASKED_EMAILS);
      } finally {
        await c.end();
      }
    } finally {
      client.close();
      await stack.postgres.psql('DELETE FROM public.orders WHERE id = 4');
    }
  });

  it('does not wait for a COPY that an earlier error in its block keeps from starting', async () => {
    const client = await raw([`${RESOURCE}:read,write:public.orders`]);
    try {
      // The Bind fails (a parameter the statement does not take), so Postgres skips the Execute to Sync. The slow
      // query first makes the shim wait for its answer before sending the Execute, so the error is in by then.
      client.send(
        serialize.query('SELECT pg_sleep(0.3)'),
        serialize.parse({ text: 'COPY public.orders FROM STDIN' }),
        serialize.bind({ values: ['1'] }),
        serialize.execute({}),
        serialize.sync(),
      );
      await client.untilReady();
      const answer = await client.untilReady();
      expect(names(answer)).toEqual(['parseComplete', 'error', 'readyForQuery']);
      client.send(serialize.query('SELECT count(*) FROM public.orders'));
      expect(rows(await client.untilReady())).toEqual([['3']]);
    } finally {
      client.close();
    }
  });

  it('refuses a query holding two COPY ... FROM STDIN', async () => {
    const c = await connected([`${RESOURCE}:read,write:public.orders`]);
    try {
      const e = await rejection(c.query('COPY public.orders FROM STDIN; COPY public.orders FROM STDIN'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain('one COPY ... FROM STDIN');
    } finally {
      await c.end();
    }
  });
});

describe('names that would make one decision stand for another statement', () => {
  it('a named portal bound again after its transaction ended gets the new statement\'s masks', async () => {
    const client = await raw(MASKED);
    try {
      client.send(
        serialize.parse({ name: 'ids', text: 'SELECT id FROM public.orders' }),
        serialize.parse({ name: 'emails', text: 'SELECT email FROM public.users ORDER BY id' }),
        serialize.bind({ portal: 'x', statement: 'ids' }),
        serialize.sync(),
      );
      expect(errors(await client.untilReady())).toEqual([]);
      // The Sync ended the implicit transaction and with it portal x: binding the name again is Postgres's normal.
      client.send(serialize.bind({ portal: 'x', statement: 'emails' }), serialize.execute({ portal: 'x' }), serialize.sync());
      const answer = await client.untilReady();
      expect(rows(answer)).toEqual(MASKED_EMAILS.map((e) => [e]));
    } finally {
      client.close();
    }
  });

  it('refuses to bind a portal name that is still open, whose rows would otherwise carry the new decision', async () => {
    const client = await raw(MASKED);
    try {
      client.send(serialize.query('BEGIN'));
      await client.untilReady();
      client.send(
        serialize.parse({ name: 'emails', text: 'SELECT email FROM public.users ORDER BY id' }),
        serialize.parse({ name: 'ids', text: 'SELECT id FROM public.orders' }),
        serialize.bind({ portal: 'y', statement: 'emails' }),
        serialize.sync(),
      );
      await client.untilReady();
      client.send(serialize.bind({ portal: 'y', statement: 'ids' }), serialize.sync());
      const refused = await client.untilReady();
      expect(errors(refused).map((e) => e.code)).toEqual(['42501']);
      expect(errors(refused)[0]!.message).toContain('portal "y" is already open');
      client.send(serialize.query('ROLLBACK'));
      await client.untilReady();
    } finally {
      client.close();
    }
  });

  it('refuses to prepare a name again after a Parse the shim allowed but Postgres failed', async () => {
    const client = await raw(MASKED);
    try {
      client.send(serialize.parse({ name: 's', text: 'SELECT abs(id, id) FROM public.orders' }), serialize.sync());
      expect(errors(await client.untilReady()).map((e) => e.code)).toEqual(['42883']);
      client.send(
        serialize.parse({ name: 's', text: 'SELECT email FROM public.users ORDER BY id' }),
        serialize.bind({ statement: 's' }),
        serialize.execute({}),
        serialize.sync(),
      );
      const refused = await client.untilReady();
      expect(errors(refused).map((e) => e.code)).toEqual(['42501']);
      expect(errors(refused)[0]!.message).toContain('prepared statement "s" already exists');
      expect(cells(refused)).not.toContain('@');
      // Closing the name frees it once Postgres has answered the Close: the statement is then decided as itself.
      client.send(serialize.close({ type: 'S', name: 's' }), serialize.sync());
      expect(errors(await client.untilReady())).toEqual([]);
      client.send(
        serialize.parse({ name: 's', text: 'SELECT email FROM public.users ORDER BY id' }),
        serialize.bind({ statement: 's' }),
        serialize.execute({}),
        serialize.sync(),
      );
      expect(rows(await client.untilReady())).toEqual(MASKED_EMAILS.map((e) => [e]));
    } finally {
      client.close();
    }
  });

  it('refuses SQL PREPARE of a name already prepared, so EXECUTE runs what was decided, masked', async () => {
    const c = await connected(MASKED);
    try {
      await c.query('PREPARE p AS SELECT email FROM public.users ORDER BY id');
      const e = await rejection(c.query('PREPARE p AS SELECT id FROM public.orders'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain('prepared statement "p" already exists');
      expect((await c.query('EXECUTE p')).rows.map((r) => r.email)).toEqual(MASKED_EMAILS);
      // DISCARD ALL drops it in Postgres and in the shim alike.
      await c.query('DISCARD ALL');
      expect((await rejection(c.query('EXECUTE p'))).code).toBe('42501');
      await c.query('PREPARE p AS SELECT id FROM public.orders ORDER BY id');
      expect((await c.query('EXECUTE p')).rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    } finally {
      await c.end();
    }
  });

  it('forgets a name only once Postgres has run its Close: a DEALLOCATE or Close skipped after an error keeps it', async () => {
    const c = await connected(MASKED);
    try {
      await c.query('PREPARE p AS SELECT email FROM public.users ORDER BY id');
      // The error stops the batch before its DEALLOCATE: Postgres still has p.
      expect((await rejection(c.query('SELECT 1/0; DEALLOCATE p'))).code).toBe('22012');
      const e = await rejection(c.query('PREPARE p AS SELECT id FROM public.orders'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain('prepared statement "p" already exists');
      expect((await c.query('EXECUTE p')).rows.map((r) => r.email)).toEqual(MASKED_EMAILS);
      await c.query('DEALLOCATE p');
      await c.query('PREPARE p AS SELECT id FROM public.orders ORDER BY id');
      expect((await c.query('EXECUTE p')).rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    } finally {
      await c.end();
    }
    const client = await raw(MASKED);
    try {
      client.send(serialize.parse({ name: 'q', text: 'SELECT email FROM public.users ORDER BY id' }), serialize.sync());
      await client.untilReady();
      // The failed Parse makes Postgres skip the Close that follows it in the block.
      client.send(serialize.parse({ text: 'SELECT abs(1, 2)' }), serialize.close({ type: 'S', name: 'q' }), serialize.sync());
      expect(errors(await client.untilReady()).map((e) => e.code)).toEqual(['42883']);
      client.send(serialize.parse({ name: 'q', text: 'SELECT id FROM public.orders' }), serialize.sync());
      expect(errors(await client.untilReady()).map((e) => e.code)).toEqual(['42501']);
      client.send(serialize.bind({ statement: 'q' }), serialize.execute({}), serialize.sync());
      expect(rows(await client.untilReady())).toEqual(MASKED_EMAILS.map((e) => [e]));
    } finally {
      client.close();
    }
  });

  it('refuses PREPARE, DECLARE and CLOSE as a Parse, whose effect on the names would be known only at Execute', async () => {
    const client = await raw(MASKED);
    try {
      for (const text of ['PREPARE r AS SELECT email FROM public.users', 'DECLARE d CURSOR WITH HOLD FOR SELECT email FROM public.users']) {
        client.send(serialize.parse({ text }), serialize.bind({}), serialize.execute({}), serialize.sync());
        const refused = await client.untilReady();
        expect(errors(refused).map((e) => e.code), text).toEqual(['42501']);
        expect(errors(refused)[0]!.message, text).toContain('send them as a simple query');
      }
    } finally {
      client.close();
    }
  });

  it('binds a prepared EXECUTE or FETCH only in the block that parsed it, while its name still holds what was decided', async () => {
    const client = await raw(MASKED);
    try {
      client.send(serialize.query('PREPARE p AS SELECT id FROM public.orders ORDER BY id'));
      await client.untilReady();
      client.send(serialize.parse({ name: 'run_p', text: 'EXECUTE p' }), serialize.bind({ statement: 'run_p' }), serialize.execute({}), serialize.sync());
      expect(rows(await client.untilReady())).toEqual([['1'], ['2'], ['3']]);
      // p now holds a read of a masked column; run_p was decided as the read of orders.
      client.send(serialize.query('DEALLOCATE p'));
      await client.untilReady();
      client.send(serialize.query('PREPARE p AS SELECT email FROM public.users ORDER BY id'));
      await client.untilReady();
      client.send(serialize.bind({ statement: 'run_p' }), serialize.execute({}), serialize.sync());
      const refused = await client.untilReady();
      expect(errors(refused).map((e) => e.code)).toEqual(['42501']);
      expect(errors(refused)[0]!.message).toContain('parse and run it in one block');
      expect(cells(refused)).not.toContain('@');
      // Parsed and run in one block, FETCH is decided as the cursor's query: masked.
      client.send(serialize.query('BEGIN; DECLARE c CURSOR FOR SELECT email FROM public.users ORDER BY id'));
      await client.untilReady();
      client.send(serialize.parse({ text: 'FETCH ALL FROM c' }), serialize.bind({}), serialize.execute({}), serialize.sync());
      expect(rows(await client.untilReady())).toEqual(MASKED_EMAILS.map((e) => [e]));
      client.send(serialize.query('ROLLBACK'));
      await client.untilReady();
    } finally {
      client.close();
    }
  });

  it('decides FETCH as the query of its cursor, so the rows are masked; an unknown cursor is refused', async () => {
    const c = await connected(MASKED);
    try {
      await c.query('BEGIN');
      await c.query('DECLARE c CURSOR FOR SELECT id, email FROM public.users ORDER BY id');
      expect((await c.query('FETCH 1 FROM c')).rows).toEqual([{ id: 1, email: MASKED_EMAILS[0] }]);
      await c.query('MOVE BACKWARD ALL IN c');
      expect((await c.query('FETCH ALL FROM c')).rows.map((r) => r.email)).toEqual(MASKED_EMAILS);
      await c.query('CLOSE c');
      const e = await rejection(c.query('FETCH ALL FROM c'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain('cursor "c" is unknown');
      await c.query('ROLLBACK');
      // A cursor closes with its transaction: the name can be declared again in the next one.
      await c.query('BEGIN');
      await c.query('DECLARE c CURSOR FOR SELECT id FROM public.orders ORDER BY id');
      expect((await c.query('FETCH ALL FROM c')).rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
      await c.query('COMMIT');
    } finally {
      await c.end();
    }
  });

  it('psql with FETCH_COUNT (DECLARE, FETCH, CLOSE per query) gets masked rows, query after query', async () => {
    const token = await stack.token('attacker', MASKED);
    const query = 'SELECT email FROM public.users ORDER BY id';
    const args = ['-X', '-At', '-v', 'FETCH_COUNT=1', '-h', '127.0.0.1', '-p', String(stack.shim.port), '-U', 'ci-bot', '-d', 'postgres', '-c', query, '-c', query];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile('psql', args, { env: { ...process.env, PGPASSWORD: token }, timeout: 30_000 }, (error, out, stderr) =>
        error ? reject(new Error(`psql failed: ${stderr || error.message}`)) : resolve(out),
      );
    });
    expect(stdout).toBe([...MASKED_EMAILS, ...MASKED_EMAILS].join('\n') + '\n');
  });

  it('treats a SQL cursor as the portal it is: Bind cannot take its name, and its Execute is masked', async () => {
    const client = await raw(MASKED);
    try {
      client.send(serialize.query('DECLARE held CURSOR WITH HOLD FOR SELECT email FROM public.users ORDER BY id'));
      expect(errors(await client.untilReady())).toEqual([]);
      client.send(serialize.parse({ name: 'one', text: 'SELECT 1' }), serialize.bind({ portal: 'held', statement: 'one' }), serialize.sync());
      const refused = await client.untilReady();
      expect(errors(refused).map((e) => e.code)).toEqual(['42501']);
      client.send(serialize.query('FETCH 1 FROM held'));
      expect(rows(await client.untilReady())).toEqual([[MASKED_EMAILS[0]]]);
      client.send(serialize.execute({ portal: 'held' }), serialize.sync());
      const rest = await client.untilReady();
      expect(rows(rest)).toEqual([[MASKED_EMAILS[1]]]);
      for (const email of CLEAR_EMAILS) expect(cells(rest)).not.toContain(email);
      client.send(serialize.query('CLOSE held'));
      await client.untilReady();
    } finally {
      client.close();
    }
  });
});
