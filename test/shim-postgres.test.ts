// The Postgres shim against a real PostgreSQL 15, a real decider with the shipped policy, and real clients
// (node-postgres, psql, pgbench): logins with task tokens, statements allowed and denied, the session surviving.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskValue } from '../shims/postgres/masking.js';
import { parseUpstreamUrl } from '../shims/postgres/config.js';
import { cli, removeTempDirs, tempDir } from './fixtures/decider/harness.js';
import { join } from 'node:path';
import { RawClient, rows as dataRows } from './fixtures/raw-postgres-client.js';
import { rejection } from './fixtures/rejection.js';
import { startShimStack, type ShimStack } from './fixtures/shim-stack.js';

const RESOURCE = 'orders-db';
let stack: ShimStack;

beforeAll(async () => {
  stack = await startShimStack({
    resource: RESOURCE,
    labels: { env: 'test' },
    shimId: 'pg-test',
    schema: `
    CREATE TABLE public.orders (id int PRIMARY KEY, total numeric NOT NULL);
    INSERT INTO public.orders SELECT g, g * 10 FROM generate_series(1, 50) g;
    CREATE TABLE public.users (id int PRIMARY KEY, email text, ssn text);
    INSERT INTO public.users VALUES (1, 'alice@example.com', '123-45-6789');
    CREATE VIEW public.users_v AS SELECT id, email FROM public.users;
    CREATE SCHEMA shadow;
    CREATE TABLE shadow.orders (id int, secret text);
    INSERT INTO shadow.orders VALUES (1, 'shadow secret');
  `,
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  removeTempDirs();
});

function client(password: string): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port: stack.shim.port, user: 'ci-bot', database: 'postgres', password });
}

async function connected(grants: string[], ttl?: string): Promise<pg.Client> {
  const c = client(await stack.token('nightly-orders-backup', grants, ttl));
  await c.connect();
  return c;
}


describe('taskgate shim postgres (command line)', () => {
  it('refuses incomplete or malformed options with a usage error', async () => {
    const missing = await cli(['shim', 'postgres', '--listen', '127.0.0.1:0', '--resource', RESOURCE]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--upstream is required');
    const badUrl = await cli(['shim', 'postgres', '--listen', '127.0.0.1:0', '--resource', RESOURCE, '--upstream', 'mysql://u:secret@h:1/db']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('postgres://');
    expect(badUrl.stderr).not.toContain('secret');
    const halfTls = await cli(['shim', 'postgres', '--listen', '127.0.0.1:0', '--resource', RESOURCE, '--upstream', 'postgres://u@h:1/db', '--tls-cert', 'c.pem']);
    expect(halfTls.stderr).toContain('--tls-cert and --tls-key together');
    expect((await cli(['shim', 'mysql'])).code).toBe(2);
  });

  it('parses the upstream URL with its percent-encoded password', () => {
    expect(parseUpstreamUrl('postgres://app:p%40ss@db.internal:5433/orders')).toEqual({ host: 'db.internal', port: 5433, user: 'app', password: 'p@ss', database: 'orders' });
    expect(parseUpstreamUrl('postgresql://app@127.0.0.1/orders')).toMatchObject({ port: 5432, password: undefined });
    expect(() => parseUpstreamUrl('postgres://127.0.0.1:5432/orders')).toThrow(/names no user/);
  });
});

describe('login', () => {
  it('accepts a task token as the password and runs an allowed query', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      const { rows } = await c.query('SELECT id, total FROM public.orders WHERE id = 3');
      expect(rows).toEqual([{ id: 3, total: '30' }]);
    } finally {
      await c.end();
    }
  });

  it('refuses a password that is not a valid token with 28P01', async () => {
    const e = await rejection(client('not-a-token').connect());
    expect(e.code).toBe('28P01');
    expect(e.message).toContain('taskgate: login refused');
  });

  it('refuses a token without a grant on this resource with 28000', async () => {
    const e = await rejection(client(await stack.token('other', ['billing-api:read'])).connect());
    expect(e.code).toBe('28000');
  });

  it('refuses an expired token', async () => {
    const token = await stack.token('short', [`${RESOURCE}:read:public.orders`], '10s');
    await new Promise((r) => setTimeout(r, 11_000));
    const e = await rejection(client(token).connect());
    expect(e.code).toBe('28P01');
    expect(e.message).toMatch(/expired/);
  }, 20_000);

  it('gives clients the shim\'s own cancel key, not the backend\'s', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      const { rows } = await c.query('SELECT pg_backend_pid() AS pid');
      expect((c as unknown as { processID: number }).processID).not.toBe(rows[0].pid);
    } finally {
      await c.end();
    }
  });

  it('warns when a token travels without TLS to a non-loopback address', async () => {
    const external = (await import('node:os')).networkInterfaces();
    const address = Object.values(external).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (address === undefined) return;
    const wide = await stack.startShim({ listenHost: address, shimId: 'pg-wide' });
    try {
      const c = new pg.Client({ host: address, port: wide.port, user: 'ci-bot', database: 'postgres', password: await stack.token('wide', [`${RESOURCE}:read:public.orders`]) });
      await c.connect();
      await c.end();
      expect(stack.shimLogs.join('\n')).toContain(`the token of a client at ${address} travelled without TLS`);
    } finally {
      await wide.close();
    }
  });

  it('answers a malformed startup packet with a protocol error and closes', async () => {
    const answer = await rawExchange(Buffer.from([0, 0, 0, 3, 0, 0, 0, 0]));
    expect(answer.toString('latin1')).toContain('08P01');
  });
});

describe('simple query', () => {
  it('denies a statement the task has no grant for with 42501, and the session stays usable', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      const e = await rejection(c.query('DELETE FROM public.orders WHERE id = 1'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain(`--grant ${RESOURCE}:write:public.orders`);
      const { rows } = await c.query('SELECT count(*)::int AS n FROM public.orders');
      expect(rows[0].n).toBe(50);
    } finally {
      await c.end();
    }
    expect(await stack.postgres.psql('SELECT count(*) FROM public.orders')).toBe('50\n');
  });

  it('denies a whole batch when one statement is denied (worst verdict wins), running none of it', async () => {
    const c = await connected([`${RESOURCE}:read,write:public.orders`]);
    try {
      const e = await rejection(c.query('UPDATE public.orders SET total = 0 WHERE id = 2; SELECT * FROM public.users'));
      expect(e.code).toBe('42501');
      expect(await stack.postgres.psql('SELECT total FROM public.orders WHERE id = 2')).toBe('20\n');
    } finally {
      await c.end();
    }
  });

  it('denies text that cannot be parsed, without forwarding it', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      const e = await rejection(c.query('SELEC 1 FROM'));
      expect(e.code).toBe('42501');
      expect(e.message).toMatch(/cannot be described/);
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  });

  it('resolves names through the session search_path, so SET search_path cannot redirect a grant', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      await c.query('SET search_path = shadow, public');
      const e = await rejection(c.query('SELECT * FROM orders'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain('shadow.orders');
    } finally {
      await c.end();
    }
  });

  it('with standard_conforming_strings off, refuses text with backslashes, which would hide a statement from the analysis', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      await c.query('SET standard_conforming_strings = off');
      // With the setting on (how the analysis reads it) this is one harmless SELECT of two strings; with it off,
      // Postgres reads the first string up to the second quote and then runs the DELETE.
      const e = await rejection(c.query("SELECT 'x\\' || ' ; DELETE FROM public.orders; --'"));
      expect(e.code).toBe('42501');
      expect(e.message).toContain('standard_conforming_strings is off');
      await c.query('SET standard_conforming_strings = on');
      expect((await c.query("SELECT 'a\\b' AS s")).rows).toEqual([{ s: 'a\\b' }]);
    } finally {
      await c.end();
    }
    expect(await stack.postgres.psql('SELECT count(*) FROM public.orders')).toBe('50\n');
  });

  it('a denied statement inside a transaction fails the transaction, as a Postgres error would', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      await c.query('BEGIN');
      await rejection(c.query('SELECT * FROM public.users'));
      const e = await rejection(c.query('SELECT 1'));
      expect(e.code).toBe('25P02');
      await c.query('ROLLBACK');
      expect((await c.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await c.end();
    }
  });
});

describe('extended protocol (node-postgres)', () => {
  it('runs allowed statements with parameters and named prepared statements', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      expect((await c.query('SELECT total FROM public.orders WHERE id = $1', [4])).rows).toEqual([{ total: '40' }]);
      for (const id of [5, 6, 7]) {
        const { rows } = await c.query({ name: 'by-id', text: 'SELECT total FROM public.orders WHERE id = $1', values: [id] });
        expect(rows).toEqual([{ total: String(id * 10) }]);
      }
    } finally {
      await c.end();
    }
  });

  it('denies a Parse, skips to Sync, and keeps the session usable', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      const e = await rejection(c.query('UPDATE public.orders SET total = $1 WHERE id = $2', [0, 9]));
      expect(e.code).toBe('42501');
      const e2 = await rejection(c.query({ name: 'users', text: 'SELECT ssn FROM public.users WHERE id = $1', values: [1] }));
      expect(e2.code).toBe('42501');
      expect((await c.query('SELECT total FROM public.orders WHERE id = $1', [9])).rows).toEqual([{ total: '90' }]);
    } finally {
      await c.end();
    }
  });

  it('answers many pipelined queries in order, allowed and denied mixed', async () => {
    // Twenty extended-protocol rounds in one write, as a pipelining driver sends them; every fifth is denied.
    const raw = await RawClient.login(stack.shim.port, await stack.token('nightly-orders-backup', [`${RESOURCE}:read:public.orders`]));
    try {
      const round = (i: number) =>
        i % 5 === 4
          ? [serialize.parse({ text: 'SELECT email FROM public.users WHERE id = $1' }), serialize.bind({ values: ['1'] })]
          : [serialize.parse({ text: 'SELECT total FROM public.orders WHERE id = $1' }), serialize.bind({ values: [String(i + 1)] })];
      raw.send(...Array.from({ length: 20 }, (_, i) => [...round(i), serialize.execute({}), serialize.sync()]).flat());
      for (let i = 0; i < 20; i++) {
        const answer = await raw.untilReady();
        if (i % 5 === 4) {
          expect(answer.find((m) => m.name === 'error')).toMatchObject({ code: '42501' });
          expect(dataRows(answer)).toEqual([]);
        } else {
          expect(dataRows(answer)).toEqual([[String((i + 1) * 10)]]);
        }
      }
    } finally {
      raw.close();
    }
  });
});

describe('real clients', () => {
  it('psql runs a multi-statement script and \\d through the shim', async () => {
    const token = await stack.token('psql', [`${RESOURCE}:read:public.orders`, `${RESOURCE}:read:pg_catalog.*`]);
    const out = await runTool('psql', ['-X', '-At', '-h', '127.0.0.1', '-p', String(stack.shim.port), '-U', 'ci-bot', '-d', 'postgres', '-c', 'SELECT count(*) FROM public.orders; SELECT max(id) FROM public.orders', '-c', '\\d public.orders'], token);
    expect(out.stdout).toContain('50\n50\n');
    expect(out.stdout).toContain('total');
  });

  it('psql \\copy out and in, decided like any COPY', async () => {
    const token = await stack.token('copy', [`${RESOURCE}:read,write:public.orders`]);
    const args = ['-X', '-At', '-h', '127.0.0.1', '-p', String(stack.shim.port), '-U', 'ci-bot', '-d', 'postgres'];
    const out = await runTool('psql', [...args, '-c', '\\copy (SELECT id, total FROM public.orders WHERE id <= 2 ORDER BY id) TO STDOUT'], token);
    expect(out.stdout).toBe('1\t10\n2\t20\n');
    const copyIn = await runToolWithInput('psql', [...args, '-c', '\\copy public.orders FROM STDIN'], token, '1001\t5\n1002\t6\n');
    expect(copyIn.stdout).toContain('COPY 2');
    expect(await stack.postgres.psql('SELECT count(*) FROM public.orders WHERE id > 1000')).toBe('2\n');
    await stack.postgres.psql('DELETE FROM public.orders WHERE id > 1000');
    const denied = await runTool('psql', [...args, '-c', '\\copy public.users TO STDOUT'], token).catch((e: Error) => e);
    expect(String(denied)).toContain('no grant for read');
  });

  it('pgbench -S runs through the shim', async () => {
    await runTool('pgbench', ['-i', '-s', '1', '-h', stack.postgres.socketDir, '-p', String(stack.postgres.port), '-U', stack.postgres.user, 'postgres'], '');
    const token = await stack.token('bench', [`${RESOURCE}:read:public.pgbench_*`]);
    const out = await runTool('pgbench', ['-S', '-n', '-T', '3', '-c', '2', '-h', '127.0.0.1', '-p', String(stack.shim.port), '-U', 'ci-bot', 'postgres'], token);
    const tps = Number(/tps = ([0-9.]+)/.exec(out.stdout)?.[1]);
    expect(tps).toBeGreaterThan(50);
    expect(out.stdout).toContain('number of failed transactions: 0');
  }, 30_000);
});

describe('masking', () => {
  const grants = [`${RESOURCE}:read:public.users,public.users_v`];

  it('masks by column origin, so aliases, SELECT * and CTEs are masked too', async () => {
    const c = await connected(grants);
    try {
      expect((await c.query('SELECT id, email AS contact, ssn FROM public.users')).rows).toEqual([{ id: 1, contact: 'a***@example.com', ssn: '***' }]);
      expect((await c.query('SELECT * FROM public.users')).rows).toEqual([{ id: 1, email: 'a***@example.com', ssn: '***' }]);
      expect((await c.query('WITH u AS (SELECT email AS e FROM public.users) SELECT e FROM u')).rows).toEqual([{ e: 'a***@example.com' }]);
    } finally {
      await c.end();
    }
  });

  it('masks results of parameterised statements (extended protocol)', async () => {
    const c = await connected(grants);
    try {
      expect((await c.query('SELECT ssn, email FROM public.users WHERE id = $1', [1])).rows).toEqual([{ ssn: '***', email: 'a***@example.com' }]);
    } finally {
      await c.end();
    }
  });

  it('denies a masked column used in an expression or filter; masks it through a view', async () => {
    const c = await connected(grants);
    try {
      expect((await rejection(c.query('SELECT lower(email) FROM public.users'))).code).toBe('42501');
      expect((await rejection(c.query("SELECT id FROM public.users WHERE ssn LIKE '1%'"))).code).toBe('42501');
      expect((await c.query('SELECT email FROM public.users_v')).rows).toEqual([{ email: 'a***@example.com' }]);
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  });
});

describe('mask methods', () => {
  const key = Buffer.alloc(32, 7);
  it('apply the contract\'s methods to text values', () => {
    expect(maskValue('4111111111111234', 'partial', key)).toBe('************1234');
    expect(maskValue('123', 'partial', key)).toBe('***');
    expect(maskValue('alice@example.com', 'email', key)).toBe('a***@example.com');
    expect(maskValue('no-at-sign', 'email', key)).toBe('***');
    expect(maskValue('x', 'null', key)).toBeNull();
    expect(maskValue('secret', 'redact', key)).toBe('***');
    const hashed = maskValue('DE89370400440532013000', 'hash', key);
    expect(hashed).toMatch(/^[0-9a-f]{64}$/);
    expect(maskValue('DE89370400440532013000', 'hash', key)).toBe(hashed);
    expect(maskValue('DE89370400440532013000', 'hash', Buffer.alloc(32, 8))).not.toBe(hashed);
  });

  it('denies a masked column asked for in binary format', async () => {
    const token = await stack.token('binary', [`${RESOURCE}:read:public.users`]);
    // node-postgres honours `binary` on the client (lib/client.js), but @types/pg leaves it out of ClientConfig.
    const config: pg.ClientConfig & { binary: boolean } = { host: '127.0.0.1', port: stack.shim.port, user: 'ci-bot', database: 'postgres', password: token, binary: true };
    const c = new pg.Client(config);
    await c.connect();
    try {
      const e = await rejection(c.query('SELECT ssn FROM public.users WHERE id = $1', [1]));
      expect(e.code).toBe('42501');
      expect(e.message).toMatch(/binary format/);
      expect((await c.query('SELECT id FROM public.users WHERE id = $1', [1])).rows).toEqual([{ id: 1 }]);
    } finally {
      await c.end();
    }
  });
});

describe('cancel', () => {
  it('maps the shim\'s cancel key to the upstream backend and cancels the running statement', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      const running = rejection(c.query('SELECT pg_sleep(20) FROM public.orders LIMIT 1'));
      await new Promise((r) => setTimeout(r, 300));
      const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
      await rawExchange(cancelRequest(processID, secretKey));
      const e = await running;
      expect(e.code).toBe('57014');
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  }, 15_000);

  it('a cancel with a wrong key cancels nothing', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      const running = c.query('SELECT pg_sleep(1) FROM public.orders LIMIT 1');
      const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
      await rawExchange(cancelRequest(processID, secretKey ^ 1));
      await expect(running).resolves.toBeDefined();
    } finally {
      await c.end();
    }
  });
});

describe('malformed and oversized messages', () => {
  it('answers an oversized message with a protocol error and closes, and keeps serving others', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    const raw = (c as unknown as { connection: { stream: import('node:net').Socket } }).connection.stream;
    const ended = new Promise<void>((resolve) => c.on('end', () => resolve()));
    c.on('error', () => undefined);
    const huge = Buffer.alloc(5);
    huge.write('Q', 0, 'latin1');
    huge.writeInt32BE(0x7fffffff, 1);
    raw.write(huge);
    await ended;
    const other = await connected([`${RESOURCE}:read:public.orders`]);
    expect((await other.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await other.end();
  });
});

describe('TLS and upstream authentication', () => {
  it('speaks TLS to clients that ask when configured (psql sslmode=require)', async () => {
    const dir = tempDir('taskgate-shim-tls-');
    await runTool('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], '');
    const tlsShim = await stack.startShim({ shimId: 'pg-tls', tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } }, () => undefined);
    try {
      const token = await stack.token('tls', [`${RESOURCE}:read:public.orders`]);
      const out = await runTool('psql', ['-X', '-At', `host=127.0.0.1 port=${tlsShim.port} user=ci-bot dbname=postgres sslmode=require`, '-c', 'SELECT count(*) FROM public.orders'], token);
      expect(out.stdout).toBe('50\n');
      const plain = await runTool('psql', ['-X', '-At', `host=127.0.0.1 port=${stack.shim.port} user=ci-bot dbname=postgres sslmode=require`, '-c', 'SELECT 1'], token).catch((e: Error) => e);
      expect(String(plain)).toMatch(/does not support SSL/);
    } finally {
      await tlsShim.close();
    }
  });

  it('logs in upstream with SCRAM-SHA-256 and md5; a wrong upstream password is a clear error without the password', async () => {
    await stack.postgres.psql(`
      SET password_encryption = 'scram-sha-256';
      CREATE ROLE shim_scram LOGIN PASSWORD 'scram-secret';
      SET password_encryption = 'md5';
      CREATE ROLE shim_md5 LOGIN PASSWORD 'md5-secret';
      GRANT SELECT ON public.orders TO shim_scram, shim_md5;
    `);
    const hba = join(stack.postgres.socketDir, 'data', 'pg_hba.conf');
    writeFileSync(hba, `host all shim_scram 127.0.0.1/32 scram-sha-256\nhost all shim_md5 127.0.0.1/32 md5\n${readFileSync(hba, 'utf8')}`);
    await stack.postgres.psql('SELECT pg_reload_conf()');
    const token = await stack.token('auth', [`${RESOURCE}:read:public.orders`]);
    for (const [user, password] of [['shim_scram', 'scram-secret'], ['shim_md5', 'md5-secret'], ['shim_scram', 'wrong-secret']] as const) {
      const authShim = await stack.startShim({ shimId: 'pg-auth', upstream: { host: stack.postgres.host, port: stack.postgres.port, user, password, database: 'postgres' } }, () => undefined);
      try {
        const c = new pg.Client({ host: '127.0.0.1', port: authShim.port, user: 'ci-bot', database: 'postgres', password: token });
        if (password === 'wrong-secret') {
          const e = await rejection(c.connect());
          expect(e.code).toBe('08006');
          expect(e.message).toContain('password authentication failed');
          expect(e.message).not.toContain('wrong-secret');
        } else {
          await c.connect();
          expect((await c.query('SELECT current_user AS u, count(*)::int AS n FROM public.orders')).rows).toEqual([{ u: user, n: 50 }]);
          await c.end();
        }
      } finally {
        await authShim.close();
      }
    }
  });
});

describe('decider down', () => {
  it('denies statements and refuses logins with a clear error while the decider is down', async () => {
    const c = await connected([`${RESOURCE}:read:public.orders`]);
    try {
      await stack.decider.close();
      const e = await rejection(c.query('SELECT count(*) FROM public.orders'));
      expect(e.code).toBe('42501');
      expect(e.message).toMatch(/decider is unavailable/);
      const refused = await rejection(client('whatever').connect());
      expect(refused.code).toBe('08006');
    } finally {
      await c.end().catch(() => undefined);
    }
  });
});

/** Sends bytes on a raw connection and returns all the shim answered before it closed. */
function rawExchange(bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(stack.shim.port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

function cancelRequest(processId: number, secretKey: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE((1234 << 16) | 5678, 4);
  packet.writeInt32BE(processId, 8);
  packet.writeInt32BE(secretKey, 12);
  return packet;
}

function runToolWithInput(tool: string, args: string[], password: string, input: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(tool, args, { env: { ...process.env, PGPASSWORD: password }, timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${tool} failed: ${stderr || error.message}`)) : resolve({ stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

function runTool(tool: string, args: string[], password: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' }, timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${tool} failed: ${stderr || error.message}`)) : resolve({ stdout, stderr }),
    );
  });
}

