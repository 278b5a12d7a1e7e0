// Statement shapes and decision leases in the Postgres shim, against a real PostgreSQL, a real decider and
// node-postgres: simple queries that differ only in constants are decided once per lease (the decider sees the
// shape, the values travel as parameters), and a revoked task is refused within one lease, prepared statements too.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPostgresShim } from '../shims/postgres/server.js';
import { cli, taskIdOf } from './fixtures/decider/harness.js';
import { rejection } from './fixtures/rejection.js';
import { startShimStack, type ShimStack } from './fixtures/shim-stack.js';

const RESOURCE = 'orders-db';
/** Long enough that the statements of one test all fall in one lease, however slow the machine. */
const LONG_LEASE_MS = 600_000;
const SHORT_LEASE_MS = 200;
let stack: ShimStack;
let longLease: RunningPostgresShim;
let shortLease: RunningPostgresShim;

beforeAll(async () => {
  stack = await startShimStack({
    resource: RESOURCE,
    labels: { env: 'test' },
    shimId: 'pg-lease-test',
    shim: { decisionLeaseMs: LONG_LEASE_MS },
    schema: `
    CREATE TABLE public.orders (id int PRIMARY KEY, total numeric NOT NULL, note text);
    INSERT INTO public.orders SELECT g, g * 10, 'n' || g FROM generate_series(1, 50) g;
  `,
  });
  longLease = stack.shim;
  shortLease = await stack.startShim({ decisionLeaseMs: SHORT_LEASE_MS }, () => undefined);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function connect(shim: RunningPostgresShim, token: string): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port: shim.port, user: 'ci-bot', database: 'postgres', password: token });
  await client.connect();
  return client;
}

/** The postgres operations the decider audited whose text is `text`. */
async function auditedWithText(text: string): Promise<number> {
  const records = await stack.decider.store.list({});
  return records.filter((r) => (r.operation as { postgres?: { text?: string } } | null)?.postgres?.text === text).length;
}


describe('statement shapes', () => {
  it('decides queries that differ only in constants once per lease, and runs each with its own values', async () => {
    const client = await connect(longLease, await stack.token('shapes', [`${RESOURCE}:read:public.orders`]));
    try {
      const totals: string[] = [];
      for (const id of [3, 7, 11, 13]) {
        const { rows } = await client.query(`SELECT total, note FROM public.orders WHERE id = ${id} AND note <> 'it''s'`);
        totals.push(String(rows[0].total));
      }
      expect(totals).toEqual(['30', '70', '110', '130']);
      // The decider saw the shape, once: the constants went as parameters, the lease served the rest.
      expect(await auditedWithText('SELECT total, note FROM public.orders WHERE id = $1 AND note <> $2')).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('still refuses by shape what the policy refuses, and analyses what it cannot normalize as sent', async () => {
    const client = await connect(longLease, await stack.token('refused', [`${RESOURCE}:read:public.orders`]));
    try {
      const denied = await rejection(client.query('DELETE FROM public.orders WHERE id = 1'));
      expect(denied.message).toContain('taskgate:');
      // A comment makes the normalizer decline: the text is decided as sent, and still runs.
      const { rows } = await client.query('SELECT total FROM public.orders WHERE id = 5 -- five');
      expect(rows).toEqual([{ total: '50' }]);
      expect(await auditedWithText('SELECT total FROM public.orders WHERE id = 5 -- five')).toBe(1);
      expect(await stack.postgres.psql('SELECT count(*) FROM public.orders')).toBe('50\n');
    } finally {
      await client.end();
    }
  });
});

describe('decision lease', () => {
  it('refuses a revoked task once the lease has passed, for simple queries and prepared statements alike', async () => {
    const token = await stack.token('revoked-later', [`${RESOURCE}:read:public.orders`]);
    const client = await connect(shortLease, token);
    try {
      const prepared = { name: 'by_id', text: 'SELECT total FROM public.orders WHERE id = $1' };
      expect((await client.query({ ...prepared, values: [2] })).rows).toEqual([{ total: '20' }]);
      expect((await client.query('SELECT total FROM public.orders WHERE id = 4')).rows).toEqual([{ total: '40' }]);
      expect((await cli(['task', 'revoke', taskIdOf(token), '--reason', 'lease test', '--data-dir', stack.dataDir])).code).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, SHORT_LEASE_MS * 3));
      const simple = await rejection(client.query('SELECT total FROM public.orders WHERE id = 6'));
      expect(simple.message).toContain('revoked');
      const again = await rejection(client.query({ ...prepared, values: [8] }));
      expect(again.message).toContain('revoked');
    } finally {
      await client.end();
    }
  });
});
