// The Postgres shim reaching Postgres over its Unix-domain socket (`postgres://USER@/DB?host=DIR&port=PORT`), as a
// shim beside its target does: against a real PostgreSQL 15 whose only socket is the test cluster's directory, with
// real clients (node-postgres, psql). Statements, masking (whose origins come over the catalog connection) and
// cancel all take the socket: the shim is given a port nothing listens on over TCP, whose socket file is a link to
// the cluster's, so any TCP attempt fails; and Postgres itself confirms its backends came over the socket.
import { execFile } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUpstreamUrl } from '../shims/postgres/config.js';
import { removeTempDirs, tempDir } from './fixtures/decider/harness.js';
import { freePort } from './fixtures/free-port.js';
import type { PostgresServer } from './fixtures/postgres.js';
import { rejection } from './fixtures/rejection.js';
import { startShimStack, type ShimStack } from './fixtures/shim-stack.js';

const RESOURCE = 'orders-db';
const GRANTS = [`${RESOURCE}:read:public.orders`, `${RESOURCE}:read:public.users`];
let stack: ShimStack;

function socketUrl(postgres: PostgresServer, socketDir: string, port: number): string {
  return `postgres://${postgres.user}@/postgres?host=${encodeURIComponent(socketDir)}&port=${port}`;
}

beforeAll(async () => {
  stack = await startShimStack({
    resource: RESOURCE,
    shimId: 'pg-socket-test',
    grants: GRANTS,
    schema: `
    CREATE TABLE public.orders (id int PRIMARY KEY, total numeric NOT NULL);
    INSERT INTO public.orders SELECT g, g * 10 FROM generate_series(1, 20) g;
    CREATE TABLE public.users (id int PRIMARY KEY, email text, ssn text);
    INSERT INTO public.users VALUES (1, 'alice@example.com', '123-45-6789');
  `,
    // Only the socket reaches Postgres at this port: TCP to it is refused.
    shim: async (postgres) => {
      const socketOnlyPort = await freePort();
      const socketDir = tempDir('taskgate-shim-socket-dir-');
      symlinkSync(join(postgres.socketDir, `.s.PGSQL.${postgres.port}`), join(socketDir, `.s.PGSQL.${socketOnlyPort}`));
      return { upstream: parseUpstreamUrl(socketUrl(postgres, socketDir, socketOnlyPort)) };
    },
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  removeTempDirs();
});

async function connected(applicationName: string): Promise<pg.Client> {
  const password = await stack.token('socket');
  const c = new pg.Client({ host: '127.0.0.1', port: stack.shim.port, user: 'ci-bot', database: 'postgres', password, application_name: applicationName });
  await c.connect();
  return c;
}

/** How the backends with this application_name are connected, asked of Postgres directly: 'socket' or 'tcp'. */
async function transports(applicationName: string): Promise<string[]> {
  const out = await stack.postgres.psql(
    `SELECT CASE WHEN client_port = -1 THEN 'socket' ELSE 'tcp' END FROM pg_stat_activity WHERE application_name = :'app' AND pid <> pg_backend_pid()`,
    { app: applicationName },
  );
  return out.split('\n').filter(Boolean);
}

describe('the upstream URL', () => {
  it('takes the socket directory and port as libpq does, as query parameters or a percent-encoded host', () => {
    expect(parseUpstreamUrl('postgres://app@/orders?host=/var/run/postgresql')).toEqual({ host: '/var/run/postgresql', port: 5432, user: 'app', password: undefined, database: 'orders' });
    expect(parseUpstreamUrl('postgresql://app:p%40ss@/orders?host=%2Frun%2Fpg&port=5433')).toMatchObject({ host: '/run/pg', port: 5433, password: 'p@ss' });
    expect(parseUpstreamUrl('postgres://app@%2Frun%2Fpg:5433/orders')).toMatchObject({ host: '/run/pg', port: 5433 });
    expect(parseUpstreamUrl('postgres://app@[::1]:6000/orders')).toMatchObject({ host: '::1', port: 6000 });
    expect(parseUpstreamUrl('postgres://app@db/orders?port=6000')).toMatchObject({ host: 'db', port: 6000 });
  });

  it('refuses what it cannot read, saying what', () => {
    expect(() => parseUpstreamUrl('postgres://app@/orders')).toThrow(/names no host/);
    expect(() => parseUpstreamUrl('postgres://app@db/orders?host=/run/pg')).toThrow(/names the host twice/);
    expect(() => parseUpstreamUrl('postgres://app@/orders?host=/run/pg&sslmode=disable')).toThrow(/only the host and port query parameters, not "sslmode"/);
    expect(() => parseUpstreamUrl('postgres://app@/orders?host=run/pg')).toThrow(/a socket directory is an absolute path/);
    expect(() => parseUpstreamUrl('postgres://app@/orders?host=/run/pg&port=http')).toThrow(/port "http"; a port is a number/);
    expect(() => parseUpstreamUrl('postgres://app:hunter2@/orders?host=/run/pg&port=0')).toThrow(/port "0"/);
    expect(() => parseUpstreamUrl('mysql://app:hunter2@/orders')).toThrow(/must start with postgres:\/\//);
  });
});

describe('a shim whose upstream is the Unix-domain socket', () => {
  it('runs allowed statements, simple and prepared, with its session and catalog connections on the socket', async () => {
    const c = await connected('socket-queries');
    try {
      expect((await c.query('SELECT sum(total)::int AS total FROM public.orders')).rows).toEqual([{ total: 2100 }]);
      expect((await c.query({ name: 'one-order', text: 'SELECT total FROM public.orders WHERE id = $1', values: [3] })).rows).toEqual([{ total: '30' }]);
      const denied = await rejection(c.query('DELETE FROM public.orders'));
      expect(denied.code).toBe('42501');
      expect((await c.query('SELECT count(*)::int AS n FROM public.orders')).rows).toEqual([{ n: 20 }]);
      expect(await transports('socket-queries')).toEqual(['socket']);
      expect(await transports('taskgate-catalog')).toEqual(['socket']);
    } finally {
      await c.end();
    }
  });

  it('masks by column origin, resolved over the socket: aliases and SELECT * too', async () => {
    const c = await connected('socket-masking');
    try {
      expect((await c.query('SELECT ssn AS x, email FROM public.users')).rows).toEqual([{ x: '***', email: 'a***@example.com' }]);
      expect((await c.query('SELECT * FROM public.users WHERE id = $1', [1])).rows).toEqual([{ id: 1, email: 'a***@example.com', ssn: '***' }]);
    } finally {
      await c.end();
    }
  });

  it('psql runs a script through it', async () => {
    const password = await stack.token('socket-psql');
    const out = await psqlThroughShim(password, 'SELECT count(*) FROM public.orders; SELECT ssn FROM public.users');
    expect(out).toBe('20\n***\n');
  });

  it('forwards a CancelRequest to the backend over the socket', async () => {
    const c = await connected('socket-cancel');
    try {
      const running = rejection(c.query('SELECT pg_sleep(20) FROM public.orders LIMIT 1'));
      await new Promise((r) => setTimeout(r, 300));
      const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
      await sendCancel(processID, secretKey);
      expect((await running).code).toBe('57014');
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  }, 15_000);

  it('refuses the login with the socket file it tried and what to check when the socket is not there', async () => {
    const missing = join(tempDir('taskgate-shim-nosocket-'), 'run');
    const { postgres } = stack;
    const orphan = await stack.startShim({ shimId: 'pg-socket-missing', upstream: parseUpstreamUrl(socketUrl(postgres, missing, postgres.port)) }, () => undefined);
    try {
      const password = await stack.token('socket-missing');
      const c = new pg.Client({ host: '127.0.0.1', port: orphan.port, user: 'ci-bot', database: 'postgres', password });
      const e = await rejection(c.connect());
      expect(e.code).toBe('08006');
      expect(e.message).toContain(`cannot connect to the database behind resource ${RESOURCE}`);
      expect(e.message).toContain(`cannot reach Postgres at ${missing}/.s.PGSQL.${postgres.port}: `);
      expect(e.message).toContain('is Postgres running and is unix_socket_directories set?');
    } finally {
      await orphan.close();
    }
  });
});

function psqlThroughShim(password: string, sql: string): Promise<string> {
  const args = ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(stack.shim.port), '-U', 'ci-bot', '-d', 'postgres', '-c', sql];
  return new Promise((resolve, reject) => {
    execFile('psql', args, { env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' }, timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`psql failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** A CancelRequest to the shim, as psql's Ctrl-C sends it; resolves once the shim closed the connection. */
function sendCancel(processId: number, secretKey: number): Promise<void> {
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE((1234 << 16) | 5678, 4);
  packet.writeInt32BE(processId, 8);
  packet.writeInt32BE(secretKey, 12);
  return new Promise((resolve, reject) => {
    const socket = connect(stack.shim.port, '127.0.0.1', () => socket.write(packet));
    socket.on('data', () => undefined);
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}
