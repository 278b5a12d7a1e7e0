// The SQL analysis's speed: µs per analyze() for a few statement shapes, against libpg-query's bare parse of the
// same text in the same run (the floor: the ratio is what describing the statement costs on top of parsing it).
import { parseSync } from 'libpg-query';
import { analyze } from '../shims/postgres/analyze/index.js';
import { MemoryCatalog, table, view } from '../shims/postgres/analyze/memory-catalog.js';
import { loadParser } from '../shims/postgres/analyze/parse.js';
import { median, report } from './stats.js';

const SHAPES: Array<[string, string]> = [
  ['point select', 'SELECT id, email FROM users WHERE id = $1'],
  ['join + order', 'SELECT u.id, o.total FROM users u JOIN orders o ON o.user_id = u.id WHERE o.total > $1 ORDER BY o.total DESC LIMIT 10'],
  ['CTE + subquery', 'WITH recent AS (SELECT user_id, sum(total) AS s FROM orders GROUP BY user_id) SELECT u.email, r.s FROM users u JOIN recent r ON r.user_id = u.id WHERE u.id IN (SELECT user_id FROM orders WHERE total > 10)'],
  ['view', 'SELECT mail FROM contacts WHERE uid = $1'],
  ['insert returning', 'INSERT INTO orders (id, user_id, total) VALUES ($1, $2, $3) RETURNING id'],
  ['pgbench update', 'UPDATE orders SET total = total + $1 WHERE id = $2'],
];

const catalog = new MemoryCatalog([
  table('public', 'users', ['id', 'email', 'ssn', 'name']),
  table('public', 'orders', ['id', 'user_id', 'total']),
  view('public', 'contacts', ['uid', 'mail'], 'SELECT u.id, u.email FROM public.users u'),
]);

/** Per-call µs of an async function, sorted; sequential calls, as the shim analyses one statement at a time. */
async function timeAsync(fn: () => Promise<unknown>, iterations: number): Promise<number[]> {
  for (let i = 0; i < 1000; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return samples.sort((a, b) => a - b);
}

export async function main(): Promise<void> {
  await loadParser();
  console.log('sql analysis (median µs per statement; baseline: libpg-query parseSync of the same text)');
  for (const [name, sql] of SHAPES) {
    const parse = median(await timeAsync(async () => parseSync(sql), 5000));
    const ours = median(await timeAsync(() => analyze(sql, catalog), 5000));
    report(`analyze: ${name}`, ours, 'µs', { name: 'parse', value: Number(parse.toFixed(2)) });
  }
}

