// The Postgres shim when things go wrong, against a real PostgreSQL 15 and a real decider: the database down at
// login, a client gone mid-result (no upstream backend left behind), malformed messages after login, and the
// decider gone mid-session (nothing runs without an allow). The shim answers with an error, never crashes, and
// keeps serving everyone else.
import { createServer } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import type { DatabaseError } from 'pg-protocol/dist/messages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names, RawClient } from './fixtures/raw-postgres-client.js';
import { startShimStack, type ShimStack } from './fixtures/shim-stack.js';

const RESOURCE = 'orders-db';
const GRANT = `${RESOURCE}:read,write:public.orders`;
let stack: ShimStack;

beforeAll(async () => {
  stack = await startShimStack({
    resource: RESOURCE,
    shimId: 'pg-failures-test',
    grants: [GRANT],
    schema: `
    CREATE TABLE public.orders (id int PRIMARY KEY, total numeric NOT NULL);
    INSERT INTO public.orders SELECT g, g * 10 FROM generate_series(1, 50) g;
  `,
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function token(): Promise<string> {
  return stack.token('failures');
}

async function connected(options: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: stack.shim.port, user: 'ci-bot', database: 'postgres', password: await token(), ...options });
  await c.connect();
  return c;
}

/** The shim still serves a new client normally. */
async function stillServing(): Promise<void> {
  const c = await connected();
  try {
    expect((await c.query('SELECT count(*)::int AS n FROM public.orders')).rows).toEqual([{ n: 50 }]);
  } finally {
    await c.end();
  }
}

async function backendsNamed(applicationName: string): Promise<number> {
  return Number((await stack.postgres.psql(`SELECT count(*) FROM pg_stat_activity WHERE application_name = '${applicationName}'`)).trim());
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the database is down', () => {
  it('refuses the login with a clear error naming the resource, and keeps running', async () => {
    const closed = await unusedPort();
    const orphan = await stack.startShim({ upstream: { host: '127.0.0.1', port: closed, user: 'postgres', database: 'postgres' } }, () => undefined);
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const c = new pg.Client({ host: '127.0.0.1', port: orphan.port, user: 'ci-bot', database: 'postgres', password: await token() });
        const e = (await c.connect().then(
          () => undefined,
          (error: unknown) => error,
        )) as (Error & { code?: string }) | undefined;
        expect(e?.code).toBe('08006');
        expect(e?.message).toContain(`cannot connect to the database behind resource ${RESOURCE}`);
        expect(e?.message).toContain('ECONNREFUSED');
      }
    } finally {
      await orphan.close();
    }
    await stillServing();
  });
});

describe('the database goes away mid-session', () => {
  it('ends that session with a clear error and keeps serving the others', async () => {
    const applicationName = 'taskgate-terminated';
    const c = await connected({ application_name: applicationName });
    // The shim tells the client at once, without waiting for its next statement: node-postgres emits it as 'error'.
    const lost = new Promise<Error & { code?: string }>((resolve) => c.on('error', resolve));
    try {
      await stack.postgres.psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${applicationName}'`);
      const e = await lost;
      expect(e.message).toMatch(/terminating connection due to administrator command|the connection to the database was lost/);
    } finally {
      await c.end().catch(() => undefined);
    }
    await stillServing();
  });
});

describe('a client that goes away mid-result', () => {
  it('leaves no upstream backend behind', async () => {
    const applicationName = 'taskgate-leak-check';
    const c = await connected({ application_name: applicationName });
    const stream = (c as unknown as { connection: { stream: import('node:net').Socket } }).connection.stream;
    c.on('error', () => undefined);
    // Far more rows than the socket buffers hold, so Postgres is still sending when the client vanishes.
    const running = c.query('SELECT g, repeat(\'x\', 200) FROM generate_series(1, 2000000) g').catch(() => undefined);
    await eventually(async () => (await backendsNamed(applicationName)) === 1 && stream.bytesRead > 1_000_000, 'rows flow');
    stream.destroy();
    await running;
    await eventually(async () => (await backendsNamed(applicationName)) === 0, 'the upstream backend is gone');
    await stillServing();
  });
});

describe('malformed messages after login', () => {
  const badMessages: Array<[string, Buffer, RegExp]> = [
    ['an unknown message type', Buffer.from([0x7a, 0, 0, 0, 4]), /unknown frontend message type/],
    ['a length below the minimum', Buffer.from([0x51, 0, 0, 0, 3]), /length 3 is below the minimum/],
    ['a length that ends inside the message', lyingParse(), /Parse: query text is not terminated/],
  ];
  for (const [what, bytes, expected] of badMessages) {
    it(`answers ${what} with a protocol error and closes, and serves others`, async () => {
      const raw = await RawClient.login(stack.shim.port, await token());
      raw.send(bytes);
      const answer = await raw.untilClosed();
      const error = answer.find((m) => m.name === 'error') as DatabaseError | undefined;
      expect(error?.code).toBe('08P01');
      expect(error?.message).toMatch(expected);
      await stillServing();
    });
  }

  it('passes on what Postgres says of a Bind with the wrong number of parameters; the session stays usable', async () => {
    const raw = await RawClient.login(stack.shim.port, await token());
    try {
      raw.send(serialize.parse({ name: 'one', text: 'SELECT total FROM public.orders WHERE id = $1' }), serialize.bind({ statement: 'one', values: ['1', '2'] }), serialize.execute({}), serialize.sync());
      const answer = await raw.untilReady();
      expect(names(answer)).toEqual(['parseComplete', 'error', 'readyForQuery']);
      expect((answer[1] as DatabaseError).message).toMatch(/supplies 2 parameters, but prepared statement "one" requires 1/);
      raw.send(serialize.bind({ statement: 'one', values: ['3'] }), serialize.execute({}), serialize.sync());
      expect(names(await raw.untilReady())).toEqual(['bindComplete', 'dataRow', 'commandComplete', 'readyForQuery']);
    } finally {
      raw.close();
    }
    await stillServing();
  });
});

// Last: it stops the decider this file shares.
describe('the decider goes away mid-session', () => {
  it('runs no statement, simple or extended, until a decider allows it', async () => {
    const c = await connected();
    try {
      expect((await c.query('SELECT count(*)::int AS n FROM public.orders')).rows).toEqual([{ n: 50 }]);
      await stack.decider.close();
      for (const attempt of [
        () => c.query('INSERT INTO public.orders VALUES (1001, 1)'),
        () => c.query('INSERT INTO public.orders VALUES ($1, $2)', [1002, 2]),
        () => c.query('DELETE FROM public.orders WHERE id = $1', [1]),
      ]) {
        const e = (await attempt().then(
          () => undefined,
          (error: unknown) => error,
        )) as (Error & { code?: string }) | undefined;
        expect(e?.code).toBe('42501');
        expect(e?.message).toMatch(/decider is unavailable/);
      }
    } finally {
      await c.end().catch(() => undefined);
    }
    expect(await stack.postgres.psql('SELECT count(*), max(id) FROM public.orders')).toBe('50|50\n');
  });
});

/** A Parse whose length ends after the statement name: its query text and parameter count are cut off. */
function lyingParse(): Buffer {
  const name = Buffer.from('s\0');
  const header = Buffer.alloc(5);
  header.write('P', 0, 'latin1');
  header.writeInt32BE(4 + name.length, 1);
  return Buffer.concat([header, name, Buffer.from('SELECT 1\0\0\0')]);
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as import('node:net').AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
