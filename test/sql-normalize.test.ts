// Statement shapes (constants replaced by $n): what the normalizer rewrites, what it declines, and a differential
// check against libpg-query on a corpus and random mutations of it: whenever ours rewrites, only constants changed
// (libpg-query's fingerprint, which ignores constants and placeholders alike, is unchanged; putting the values
// back gives the original text) and the analysis of the shape is exactly that of the original.
import { fingerprintSync, loadModule } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnalysisCache } from '../shims/postgres/analyze/analysis-cache.js';
import { analyze, analyzeBatch } from '../shims/postgres/analyze/index.js';
import { MemoryCatalog, table, view } from '../shims/postgres/analyze/memory-catalog.js';
import { normalizeConstants, type NormalizedQuery } from '../shims/postgres/analyze/normalize.js';

const STANDARD = { standardConformingStrings: true };

const catalog = new MemoryCatalog([
  table('public', 'users', ['id', 'email', 'ssn', 'name']),
  table('public', 'orders', ['id', 'user_id', 'total', 'status', 'created']),
  table('public', 'pgbench_accounts', ['aid', 'bid', 'abalance', 'filler']),
  view('public', 'contacts', ['uid', 'mail'], "SELECT u.id, u.email FROM public.users u WHERE u.name <> 'bot'"),
]);

beforeAll(async () => {
  await loadModule();
});

function normalize(sql: string, options = STANDARD): NormalizedQuery | undefined {
  return normalizeConstants(sql, options);
}

describe('normalizeConstants', () => {
  it('replaces numbers and plain strings by placeholders, in order, keeping everything else', () => {
    expect(normalize('SELECT abalance FROM pgbench_accounts WHERE aid = 78345;')).toEqual({
      text: 'SELECT abalance FROM pgbench_accounts WHERE aid = $1;',
      parameters: ['78345'],
    });
    expect(normalize("SELECT id FROM users WHERE email = 'o''brien@example.com' AND id > -2.5e3 LIMIT 10")).toEqual({
      text: 'SELECT id FROM users WHERE email = $1 AND id > $2 LIMIT $3',
      parameters: ["o'brien@example.com", '-2.5e3', '10'],
    });
    expect(normalize("INSERT INTO orders (id, status) VALUES (1, 'new'), (2, 'paid')")).toEqual({
      text: 'INSERT INTO orders (id, status) VALUES ($1, $2), ($3, $4)',
      parameters: ['1', 'new', '2', 'paid'],
    });
    expect(normalize("UPDATE orders SET total = total * 1.1 WHERE status IN ('new', 'paid'); SELECT 1")).toEqual({
      text: 'UPDATE orders SET total = total * $1 WHERE status IN ($2, $3); SELECT $4',
      parameters: ['1.1', 'new', 'paid', '1'],
    });
  });

  it('leaves statements without constants as they are, whatever they are', () => {
    expect(normalize('BEGIN')).toEqual({ text: 'BEGIN', parameters: [] });
    expect(normalize('SELECT "Weird ""name""" FROM users')).toEqual({ text: 'SELECT "Weird ""name""" FROM users', parameters: [] });
  });

  it.each([
    ['a line comment', "SELECT 1 -- ' and more"],
    ['a block comment', 'SELECT /* 1 */ 2'],
    ['a comment glued to an operator', 'SELECT 1 +-- x\n 2'],
    ['a dollar-quoted string', 'SELECT $$a$$'],
    ['a tagged dollar quote', "SELECT $q$ ' $q$"],
    ['an existing placeholder', 'SELECT id FROM users WHERE id = $1 AND name = 1'],
    ['$ inside an identifier', 'SELECT a$b FROM t WHERE x = 1'],
    ['an E string', "SELECT E'\\x41'"],
    ['a bit string', "SELECT B'101'"],
    ['a hex string', "SELECT X'1F'"],
    ['a national string', "SELECT N'abc'"],
    ['a unicode string', "SELECT U&'d\\0061t'"],
    ['a unicode identifier', 'SELECT U&"d\\0061t" FROM t WHERE 1 = 1'],
    ['a typed literal', "SELECT date '2026-11-29'"],
    ['an interval literal', "SELECT now() - interval '1 day'"],
    ['adjacent strings (one constant in SQL)', "SELECT 'a'\n'b'"],
    ['a string glued to a word', "SELECT 'a'b"],
    ['a hex integer', 'SELECT 0x1F'],
    ['digits glued to a word', 'SELECT 1abc'],
    ['a number with two dots', 'SELECT 1.2.3'],
    ['an exponent without digits', 'SELECT 1e'],
    ['ORDER BY an ordinal', 'SELECT id, email FROM users ORDER BY 2'],
    ['GROUP BY ordinals', 'SELECT status, count(*) FROM orders GROUP BY 1'],
    ['an ordinal after a comma', 'SELECT id, email FROM users ORDER BY id, 2'],
    ['a negative ordinal', 'SELECT id FROM users ORDER BY -1'],
    ['DISTINCT ON an ordinal', 'SELECT DISTINCT ON (1) id FROM users'],
    ['a type modifier', 'SELECT total::numeric(10, 2) FROM orders'],
    ['a type modifier in CAST', 'SELECT CAST(total AS character varying(10)) FROM orders'],
    ['a SET statement', "SET search_path = 'shadow'"],
    ['a utility statement with a constant', "COPY orders TO STDOUT WITH (FORMAT 'csv')"],
    ['a PREPARE', 'PREPARE p AS SELECT id FROM users WHERE id = 1'],
    ['an EXECUTE', 'EXECUTE p(1)'],
    ['a parenthesised query', '(SELECT 1)'],
    ['a backslash outside strings', 'SELECT 1 \\g'],
    ['non-ASCII outside strings', 'SELECT naïve FROM t WHERE x = 1'],
    ['an unterminated string', "SELECT 'abc"],
    ['a NUL character', 'SELECT 1\u0000; DROP TABLE users'],
  ])('declines %s', (_what, sql) => {
    expect(normalize(sql)).toBeUndefined();
  });

  it('declines backslashes in strings only when standard_conforming_strings is off', () => {
    const sql = "SELECT id FROM users WHERE name = 'a\\' OR 1=1 --'";
    expect(normalize(sql, { standardConformingStrings: false })).toBeUndefined();
    // With standard strings the backslash is an ordinary character and the -- is inside the string.
    expect(normalize("SELECT id FROM users WHERE name = 'a\\'")).toEqual({ text: 'SELECT id FROM users WHERE name = $1', parameters: ['a\\'] });
  });

  it('keeps CTEs, function arguments, array subscripts and casts of constants', () => {
    expect(normalize("WITH recent AS MATERIALIZED (SELECT id FROM orders WHERE total > 5) SELECT coalesce(u.name, 'x'), u.id FROM users u, recent r WHERE u.id = r.id AND (ARRAY[1, 2])[1] = 1 AND '2026-01-01'::date < now()")?.parameters).toEqual(['5', 'x', '1', '2', '1', '1', '2026-01-01']);
  });
});

// ---- differential ----

const CORPUS = [
  'SELECT abalance FROM pgbench_accounts WHERE aid = 1',
  "SELECT id, email FROM users WHERE id = 42 AND name = 'bob'",
  "SELECT u.email, o.total FROM users u JOIN orders o ON o.user_id = u.id WHERE o.total > 100 AND o.status = 'paid' ORDER BY o.total DESC LIMIT 10 OFFSET 20",
  'SELECT count(*) FROM orders WHERE total BETWEEN 1 AND 2.5',
  "SELECT CASE WHEN total > 10 THEN 'big' ELSE 'small' END FROM orders",
  "SELECT * FROM users WHERE email LIKE '%@example.com' OR name ILIKE 'a%'",
  'SELECT id FROM users WHERE id IN (1, 2, 3) AND id <> -1',
  "SELECT id FROM users WHERE id = ANY ('{1,2}'::int[])",
  "SELECT mail FROM contacts WHERE uid = 7 AND mail <> ''",
  'SELECT id, email FROM users ORDER BY 2, 1',
  'SELECT status, sum(total) FROM orders GROUP BY 1 HAVING sum(total) > 1000',
  'SELECT DISTINCT ON (1) status FROM orders',
  "SELECT total::numeric(10,2), created + interval '1 day' FROM orders",
  "WITH big AS (SELECT id, user_id FROM orders WHERE total > 1000) SELECT u.email FROM users u JOIN big b ON b.user_id = u.id WHERE u.name = 'x'",
  "INSERT INTO orders (id, user_id, total, status) VALUES (1, 2, 3.50, 'new') RETURNING id",
  "UPDATE orders SET status = 'shipped', total = total + 1 WHERE id = 9",
  'DELETE FROM orders WHERE id = 3 AND total < 0.5',
  "UPDATE users SET email = 'x' || email WHERE id IN (SELECT user_id FROM orders WHERE total > 9)",
  'SELECT (ARRAY[1, 2, 3])[2:3]',
  "SELECT 'a' AS x, 1 AS y",
  "SELECT id FROM users WHERE name = 'it''s' AND email = E'\\n'",
  'SELECT $1::int, 5',
  "SELECT id FROM users WHERE created > date '2026-01-01'",
  "SET search_path = 'public'",
  "SELECT set_config('search_path', 'shadow', false)",
  "SELECT id FROM users WHERE id = 1; SELECT status FROM orders WHERE status = 'x'",
  "SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 5) ORDER BY id LIMIT 5",
  "SELECT row_to_json(u) FROM users u WHERE u.id = 3",
  'SELECT id FROM orders ORDER BY total * 2, 1',
  "SELECT lower('X'), upper(name) FROM users WHERE length(name) > 3",
  "SELECT id FROM users WHERE id = 1 FOR UPDATE",
  "VALUES (1, 'a'), (2, 'b')",
];

/** Tokens a mutation inserts: constants of every kind, and everything the normalizer must decline. */
const MUTATIONS = [
  '1', '-1', '1.5', '.5', '1e5', "'x'", "'it''s'", "''", "'--'", "'/*'", "'$1'", '-- c\n', '/* c */', "E'x'", "B'1'", "U&'x'",
  '$1', '$$x$$', "date 'x'", '0x1F', '1abc', "'a' 'b'", '"q""x"', 'ORDER BY 1', 'GROUP BY 1', '::numeric(10,2)', ';', '\\',
  'é', '(', ')', ',', 'AND 1 = 1', "OR 'a' = 'a'", 'LIMIT 1', 'DISTINCT', 'AS', '::text', '[1]',
];

/** A deterministic generator, so a failure names its seed and replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function mutate(sql: string, next: () => number): string {
  let text = sql;
  const count = 1 + Math.floor(next() * 3);
  for (let i = 0; i < count; i++) {
    const spaces = [...text.matchAll(/ /g)].map((m) => m.index!);
    const at = spaces.length === 0 ? text.length : spaces[Math.floor(next() * spaces.length)]!;
    const token = MUTATIONS[Math.floor(next() * MUTATIONS.length)]!;
    text = `${text.slice(0, at)} ${token}${text.slice(at)}`;
  }
  return text;
}

/** Whether the values, put back in place of $1..$n (numbered in order), give exactly the original text. */
function restoresOriginal(shape: NormalizedQuery, original: string): boolean {
  let at = 0;
  let expected = 1;
  for (const part of shape.text.split(/(\$\d+)/)) {
    if (!/^\$\d+$/.test(part)) {
      if (!original.startsWith(part, at)) return false;
      at += part.length;
      continue;
    }
    if (Number(part.slice(1)) !== expected++) return false;
    const value = shape.parameters[Number(part.slice(1)) - 1]!;
    const source = [`'${value.replaceAll("'", "''")}'`, value].find((candidate) => original.startsWith(candidate, at));
    if (source === undefined) return false;
    at += source.length;
  }
  return at === original.length && expected - 1 === shape.parameters.length;
}

type Outcome = { ok: true; action: string; statements: unknown } | { ok: false };

async function outcome(sql: string): Promise<Outcome> {
  try {
    const operation = await analyze(sql, catalog);
    return { ok: true, action: operation.action, statements: operation.statements };
  } catch {
    return { ok: false };
  }
}

function fingerprint(sql: string): string | undefined {
  try {
    return fingerprintSync(sql);
  } catch {
    return undefined;
  }
}

async function checkShape(sql: string): Promise<boolean> {
  const shape = normalize(sql);
  if (shape === undefined) return false;
  expect(restoresOriginal(shape, sql), sql).toBe(true);
  expect(fingerprint(shape.text), sql).toBe(fingerprint(sql));
  expect(await outcome(shape.text), sql).toEqual(await outcome(sql));
  return true;
}

describe('differential against libpg-query and the analysis', () => {
  it('rewrites the corpus without changing any analysis', async () => {
    let rewritten = 0;
    for (const sql of CORPUS) if (await checkShape(sql)) rewritten++;
    // Most of the corpus is ordinary DML and must be rewritten, or the cache would rarely help.
    expect(rewritten).toBeGreaterThanOrEqual(20);
  });

  it('never changes an analysis under random mutations of the corpus', async () => {
    const next = random(Number(process.env.MUTATION_SEED ?? 20261129));
    let rewritten = 0;
    for (let i = 0; i < Number(process.env.MUTATIONS ?? 3000); i++) {
      const sql = mutate(CORPUS[i % CORPUS.length]!, next);
      if (await checkShape(sql)) rewritten++;
    }
    expect(rewritten).toBeGreaterThan(300);
  }, 60_000);
});

describe('AnalysisCache', () => {
  const scope = { standardConformingStrings: true };

  it('answers a shape again from the cache, for the same search_path only', async () => {
    const cache = new AnalysisCache();
    const text = 'SELECT email FROM users WHERE id = $1';
    const first = await cache.analyze(text, catalog, { searchPath: ['public'] }, scope);
    expect((await cache.analyze(text, catalog, { searchPath: ['public'] }, scope)).operation).toBe(first.operation);
    // Another search_path may resolve users to another table: analysed anew.
    const elsewhere = await cache.analyze(text, new MemoryCatalog([table('other', 'users', ['id', 'email'])]), { searchPath: ['other'] }, scope);
    expect(elsewhere.operation.statements[0]!.reads).toEqual(['other.users']);
  });

  it("never serves one session's prepared statements to another (PREPARE, EXECUTE)", async () => {
    const cache = new AnalysisCache();
    const prepare = await cache.analyze('PREPARE p AS SELECT ssn FROM users', catalog, { searchPath: ['public'] }, scope);
    expect(prepare.prepared.has('p')).toBe(true);
    expect((await cache.analyze('PREPARE p AS SELECT ssn FROM users', catalog, { searchPath: ['public'] }, scope)).prepared.has('p')).toBe(true);
    const readsSsn = (await analyzeBatch('PREPARE p AS SELECT ssn FROM users', catalog, { searchPath: ['public'] })).prepared;
    const readsTotal = (await analyzeBatch('PREPARE p AS SELECT total FROM orders', catalog, { searchPath: ['public'] })).prepared;
    const a = await cache.analyze('EXECUTE p', catalog, { searchPath: ['public'], prepared: readsSsn }, scope);
    const b = await cache.analyze('EXECUTE p', catalog, { searchPath: ['public'], prepared: readsTotal }, scope);
    expect(a.operation.statements[0]!.reads).toEqual(['public.users']);
    expect(b.operation.statements[0]!.reads).toEqual(['public.orders']);
  });
});
