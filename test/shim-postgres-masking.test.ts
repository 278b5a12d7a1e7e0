// Masking in the Postgres shim against a real PostgreSQL 15 and a real decider: views over masked tables (nested,
// renamed, security_barrier, computed columns), masked portals executed without a Describe of the client (a
// hand-written extended-protocol client), and the hash method's key shared by shim processes through a file.
import { createHmac } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import type { DatabaseError, RowDescriptionMessage } from 'pg-protocol/dist/messages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startTestDecider, tempDir, writePolicy } from './fixtures/decider/harness.js';
import { names, RawClient, rows } from './fixtures/raw-postgres-client.js';
import { rejection } from './fixtures/rejection.js';
import { startShimStack, type ShimStack } from './fixtures/shim-stack.js';

const RESOURCE = 'orders-db';
let stack: ShimStack;

beforeAll(async () => {
  stack = await startShimStack({
    resource: RESOURCE,
    shimId: 'pg-masking-test',
    schema: `
    CREATE TABLE public.users (id int PRIMARY KEY, email text, ssn text, name text);
    INSERT INTO public.users VALUES (1, 'alice@example.com', '123-45-6789', 'Alice'), (2, 'bob@example.com', '987-65-4321', 'Bob'),
                                    (3, 'carol@example.com', '555-55-5555', 'Carol');
    CREATE TABLE public.orders (id int PRIMARY KEY, user_id int, total numeric);
    INSERT INTO public.orders VALUES (10, 1, 100), (11, 2, 200);
    CREATE TABLE public.payments (id int PRIMARY KEY, iban text);
    INSERT INTO public.payments VALUES (1, 'DE89370400440532013000'), (2, 'DE89370400440532013000'), (3, 'GB29NWBK60161331926819');
    CREATE VIEW public.contacts AS SELECT id, email, name FROM public.users;
    CREATE VIEW public.renamed (who, contact) AS SELECT id, email FROM public.users;
    CREATE VIEW public.nested AS SELECT contact AS c, who FROM public.renamed;
    CREATE VIEW public.guarded WITH (security_barrier) AS SELECT id, ssn FROM public.users WHERE id < 3;
    CREATE VIEW public.shouting AS SELECT id, upper(email) AS loud FROM public.users;
    CREATE VIEW public.with_orders AS SELECT u.email, o.total FROM public.users u JOIN public.orders o ON o.user_id = u.id;
  `,
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  removeTempDirs();
});

const GRANT = `${RESOURCE}:read:public.*`;

async function connected(port = stack.shim.port): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'ci-bot', database: 'postgres', password: await stack.token('masking', [GRANT]) });
  await c.connect();
  return c;
}


describe('views over masked tables', () => {
  it('masks a view column that passes a masked column through: plain, renamed, nested, security_barrier', async () => {
    const c = await connected();
    try {
      expect((await c.query('SELECT id, email, name FROM public.contacts WHERE id = 1')).rows).toEqual([{ id: 1, email: 'a***@example.com', name: 'Alice' }]);
      expect((await c.query('SELECT * FROM public.renamed ORDER BY who LIMIT 1')).rows).toEqual([{ who: 1, contact: 'a***@example.com' }]);
      expect((await c.query('SELECT c AS x FROM public.nested ORDER BY who LIMIT 1')).rows).toEqual([{ x: 'a***@example.com' }]);
      expect((await c.query('SELECT ssn FROM public.guarded ORDER BY id')).rows).toEqual([{ ssn: '***' }, { ssn: '***' }]);
      expect((await c.query('SELECT email, total FROM public.with_orders ORDER BY total')).rows).toEqual([
        { email: 'a***@example.com', total: '100' },
        { email: 'b***@example.com', total: '200' },
      ]);
      // The same through the extended protocol, with parameters.
      expect((await c.query('SELECT c FROM public.nested WHERE who = $1', [2])).rows).toEqual([{ c: 'b***@example.com' }]);
    } finally {
      await c.end();
    }
  });

  it('decides a view read against the masks of the tables under it', async () => {
    const c = await connected();
    try {
      // A masked column in a filter or an expression is refused by the policy, through views as directly.
      const filtered = await rejection(c.query("SELECT who FROM public.nested WHERE c LIKE 'a%'"));
      expect(filtered.code).toBe('42501');
      expect(filtered.message).toContain('public.users.email is masked');
      const computed = await rejection(c.query('SELECT loud FROM public.shouting'));
      expect(computed.code).toBe('42501');
      expect(computed.message).toContain('public.users.email is masked');
      // The unmasked column of the same view is readable as it is.
      expect((await c.query('SELECT id FROM public.shouting ORDER BY id LIMIT 1')).rows).toEqual([{ id: 1 }]);
    } finally {
      await c.end();
    }
  });

  it('refuses a view column computed from a masked column, and COPY output, even when the decision says mask', async () => {
    // A policy that masks public.users.email whatever the statement does: the shim must not trust the decision to
    // have refused the expression, and must see that `loud` is made from email.
    const policies = join(tempDir('taskgate-mask-all-'), 'policies');
    writePolicy(policies, {
      'decision.rego': `package taskgate

decision := {"verdict": "mask", "reasons": ["test: email is masked"], "mask": [{"table": "public.users", "column": "email", "method": "email"}]}
`,
    });
    const lenient = await startTestDecider({ policies, dataDir: stack.dataDir, resources: [{ name: RESOURCE, kind: 'postgres', labels: {} }] });
    const lenientShim = await stack.startShim({ decider: lenient.address }, () => undefined);
    try {
      const c = await connected(lenientShim.port);
      try {
        const e = await rejection(c.query('SELECT id, loud FROM public.shouting'));
        expect(e.code).toBe('42501');
        expect(e.message).toMatch(/cannot be masked safely: result column "loud" of public.shouting is computed from masked column public.users.email/);
        expect((await c.query('SELECT email FROM public.contacts WHERE id = 3')).rows).toEqual([{ email: 'c***@example.com' }]);
      } finally {
        await c.end();
      }
      // COPY output cannot be masked cell by cell: refused in the simple and the extended protocol alike.
      const raw = await RawClient.login(lenientShim.port, await stack.token('raw', [GRANT]));
      try {
        const copy = 'COPY (SELECT email FROM public.users) TO STDOUT';
        raw.send(serialize.query(copy));
        const simple = await raw.untilReady();
        expect(names(simple)).toEqual(['error', 'readyForQuery']);
        expect((simple[0] as DatabaseError).message).toContain('COPY output cannot be masked');
        raw.send(serialize.parse({ text: copy }), serialize.bind({}), serialize.execute({}), serialize.sync());
        expect(names(await raw.untilReady())).toEqual(['parseComplete', 'bindComplete', 'error', 'readyForQuery']);
        raw.send(serialize.query('SELECT email FROM public.users WHERE id = 1'));
        expect(rows(await raw.untilReady())).toEqual([['a***@example.com']]);
      } finally {
        raw.close();
      }
    } finally {
      await lenientShim.close();
      await lenient.close();
    }
  }, 120_000);

  it('follows a view redefined through the shim (the origin cache is cleared after DDL)', async () => {
    const token = await stack.token('ddl', [`${RESOURCE}:read,write,admin:public.*`]);
    const c = new pg.Client({ host: '127.0.0.1', port: stack.shim.port, user: 'ci-bot', database: 'postgres', password: token });
    await c.connect();
    try {
      await c.query('CREATE VIEW public.swapped AS SELECT id, name AS label FROM public.users');
      expect((await c.query('SELECT label FROM public.swapped WHERE id = 1')).rows).toEqual([{ label: 'Alice' }]);
      await c.query('CREATE OR REPLACE VIEW public.swapped AS SELECT id, email AS label FROM public.users');
      expect((await c.query('SELECT label FROM public.swapped WHERE id = 1')).rows).toEqual([{ label: 'a***@example.com' }]);
    } finally {
      await c.end();
    }
  });
});

describe('masked portals without a Describe from the client', () => {
  it('masks a Bind/Execute of a statement described only at Parse time (Describe S)', async () => {
    const raw = await RawClient.login(stack.shim.port, await stack.token('raw', [GRANT]));
    try {
      raw.send(serialize.parse({ name: 's1', text: 'SELECT id, email, name FROM public.users WHERE id >= $1 ORDER BY id' }), serialize.describe({ type: 'S', name: 's1' }), serialize.sync());
      const prepared = await raw.untilReady();
      expect(names(prepared)).toEqual(['parseComplete', 'parameterDescription', 'rowDescription', 'readyForQuery']);

      raw.send(serialize.bind({ statement: 's1', values: ['1'] }), serialize.execute({}), serialize.sync());
      const answer = await raw.untilReady();
      expect(names(answer)).toEqual(['bindComplete', 'dataRow', 'dataRow', 'dataRow', 'commandComplete', 'readyForQuery']);
      expect(rows(answer)).toEqual([
        ['1', 'a***@example.com', 'Alice'],
        ['2', 'b***@example.com', 'Bob'],
        ['3', 'c***@example.com', 'Carol'],
      ]);
    } finally {
      raw.close();
    }
  });

  it('masks every Execute of a portal fetched in pieces, and leaves unmasked portals of the same block alone', async () => {
    const raw = await RawClient.login(stack.shim.port, await stack.token('raw', [GRANT]));
    try {
      raw.send(
        serialize.parse({ name: 'masked', text: 'SELECT ssn, id FROM public.users ORDER BY id' }),
        serialize.parse({ name: 'plain', text: 'SELECT total, id FROM public.orders ORDER BY id' }),
        serialize.bind({ portal: 'p', statement: 'masked' }),
        serialize.execute({ portal: 'p', rows: 2 }),
        serialize.bind({ portal: 'q', statement: 'plain' }),
        serialize.execute({ portal: 'q' }),
        serialize.execute({ portal: 'p', rows: 2 }),
        serialize.sync(),
      );
      const answer = await raw.untilReady();
      expect(names(answer)).toEqual([
        'parseComplete', 'parseComplete', 'bindComplete', 'dataRow', 'dataRow', 'portalSuspended',
        'bindComplete', 'dataRow', 'dataRow', 'commandComplete', 'dataRow', 'commandComplete', 'readyForQuery',
      ]);
      expect(rows(answer)).toEqual([['***', '1'], ['***', '2'], ['100', '10'], ['200', '11'], ['***', '3']]);
    } finally {
      raw.close();
    }
  });

  it('still relays the client\'s own Describe P, once, before the masked rows', async () => {
    const raw = await RawClient.login(stack.shim.port, await stack.token('raw', [GRANT]));
    try {
      raw.send(
        serialize.parse({ text: 'SELECT email AS contact FROM public.users WHERE id = $1' }),
        serialize.bind({ values: ['2'] }),
        serialize.describe({ type: 'P', name: '' }),
        serialize.execute({}),
        serialize.sync(),
      );
      const answer = await raw.untilReady();
      expect(names(answer)).toEqual(['parseComplete', 'bindComplete', 'rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
      expect((answer[2] as RowDescriptionMessage).fields.map((f) => f.name)).toEqual(['contact']);
      expect(rows(answer)).toEqual([['b***@example.com']]);
    } finally {
      raw.close();
    }
  });
});

describe('the hash method\'s key', () => {
  it('is read from a file shared by shim processes, so their hashes match; created 0600 when missing', async () => {
    const keyFile = join(tempDir('taskgate-hash-key-'), 'keys', 'postgres-hash.key');
    const first = await stack.startShim({ hashKeyFile: keyFile });
    const second = await stack.startShim({ hashKeyFile: keyFile }, () => undefined);
    const other = await stack.startShim({ hashKeyFile: join(tempDir('taskgate-hash-key-'), 'other.key') }, () => undefined);
    try {
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(stack.shimLogs.join('\n')).toContain(`created the hash mask key ${keyFile}`);
      const key = readFileSync(keyFile);
      const hashesThrough = async (port: number) => {
        const c = await connected(port);
        try {
          return (await c.query('SELECT iban FROM public.payments ORDER BY id')).rows.map((r: { iban: string }) => r.iban);
        } finally {
          await c.end();
        }
      };
      const viaFirst = await hashesThrough(first.port);
      expect(viaFirst[0]).toBe(createHmac('sha256', key).update('DE89370400440532013000').digest('hex'));
      // Equal values hash equal, so joins and GROUP BY on the hashed column still work.
      expect(viaFirst[1]).toBe(viaFirst[0]);
      expect(viaFirst[2]).not.toBe(viaFirst[0]);
      expect(await hashesThrough(second.port)).toEqual(viaFirst);
      expect((await hashesThrough(other.port))[0]).not.toBe(viaFirst[0]);
    } finally {
      await Promise.all([first.close(), second.close(), other.close()]);
    }
    // A restart with the same file hashes as before.
    const restarted = await stack.startShim({ hashKeyFile: keyFile }, () => undefined);
    try {
      const c = await connected(restarted.port);
      const { rows } = await c.query('SELECT iban FROM public.payments WHERE id = 1');
      await c.end();
      expect(rows[0].iban).toBe(createHmac('sha256', readFileSync(keyFile)).update('DE89370400440532013000').digest('hex'));
    } finally {
      await restarted.close();
    }
  });

  it('refuses to start with a key file others can read, or one too short', async () => {
    const dir = tempDir('taskgate-hash-key-');
    const open = join(dir, 'open.key');
    writeFileSync(open, Buffer.alloc(32, 1));
    chmodSync(open, 0o644);
    await expect(stack.startShim({ hashKeyFile: open }, () => undefined)).rejects.toThrow(`run chmod 600 ${open}`);
    const short = join(dir, 'short.key');
    writeFileSync(short, 'tiny', { mode: 0o600 });
    await expect(stack.startShim({ hashKeyFile: short }, () => undefined)).rejects.toThrow(/holds 4 bytes, fewer than 32/);
  });
});
