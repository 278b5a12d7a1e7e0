// The Postgres shim configured from taskgate.yaml: the shims: section as the config loader validates it, the
// command line choosing an entry and overriding it, errors that name the file position and key, and a real
// `taskgate shim postgres --config` process serving clients against a real PostgreSQL 15 and decider.
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../decider/config.js';
import { HASH_KEY_FILE_NAME } from '../shims/postgres/hash-key.js';
import { runCli } from './fixtures/cli.js';
import { issueToken, removeTempDirs, startTestDecider, tempDir, type TestDecider } from './fixtures/decider/harness.js';
import { startPostgres, type PostgresServer } from './fixtures/postgres.js';
import { freePort } from './fixtures/free-port.js';

const RESOURCE = 'orders-db';

describe('the shims: section of taskgate.yaml', () => {
  it('reads each shim with its settings and where each key is written', () => {
    const config = parseConfig(
      `shims:
  - kind: postgres
    resource: orders-db
    listen: 127.0.0.1:6432
    upstream: postgres://taskgate@db.internal:5432/orders
    decider: 10.0.0.5:7070
    tls_cert: /etc/taskgate/cert.pem
    tls_key: /etc/taskgate/key.pem
    hash_key_file: /var/lib/taskgate/postgres-hash.key
    approval_wait: 5m
  - name: orders-replica
    kind: postgres
    resource: orders-db
`,
      'taskgate.yaml',
    );
    const [first, second] = config.shims;
    expect(first).toMatchObject({
      name: 'orders-db',
      kind: 'postgres',
      listen: '127.0.0.1:6432',
      upstream: 'postgres://taskgate@db.internal:5432/orders',
      decider: '10.0.0.5:7070',
      tlsCert: '/etc/taskgate/cert.pem',
      tlsKey: '/etc/taskgate/key.pem',
      hashKeyFile: '/var/lib/taskgate/postgres-hash.key',
      approvalWaitMs: 300_000,
    });
    expect(first!.where('upstream')).toBe('taskgate.yaml:5:15: shims[0].upstream');
    expect(second).toMatchObject({ name: 'orders-replica', resource: 'orders-db', listen: undefined });
    expect(parseConfig('decider: {listen: 127.0.0.1:7070}\n', 'taskgate.yaml').shims).toEqual([]);
  });

  it('refuses mistakes with the position, the key and what to write', () => {
    const refusal = (text: string) => {
      try {
        parseConfig(text, 'taskgate.yaml');
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal('shims:\n  - kind: postgres\n    resource: a\n    listn: 127.0.0.1:1\n')).toMatch(/^taskgate.yaml:4:5: unknown key "listn" in shims\[0\] \(known: name, kind, listen,/);
    expect(refusal('shims:\n  - kind: postgres\n    resource: a\n    listen: localhost\n')).toBe('taskgate.yaml:4:13: shims[0].listen: "localhost" is not host:port');
    expect(refusal('shims:\n  - resource: a\n')).toMatch(/shims\[0\]: needs "kind"/);
    expect(refusal('shims:\n  - kind: ssh\n    resource: a\n')).toMatch(/shims\[0\].kind: shim kind "ssh" is not supported yet \(known: postgres\)/);
    expect(refusal('shims:\n  - kind: postgres\n')).toMatch(/shims\[0\]: needs "name" or "resource"/);
    expect(refusal('shims:\n  - kind: postgres\n    resource: a\n  - kind: postgres\n    resource: a\n')).toMatch(/shims\[1\].name: shim "a" is configured twice; give each a distinct name/);
    expect(refusal('shims:\n  - kind: postgres\n    resource: a\n    tls_cert: c.pem\n')).toMatch(/shims\[0\]: give tls_cert and tls_key together/);
    expect(refusal('shims:\n  - kind: postgres\n    resource: a\n    approval_wait: soon\n')).toMatch(/shims\[0\].approval_wait: "soon" is not a duration/);
    expect(refusal('shims: {kind: postgres}\n')).toMatch(/shims: must be a list/);
  });
});

describe('taskgate shim postgres --config', () => {
  it('names the file position and key of a bad setting, never the password', async () => {
    const file = join(tempDir('taskgate-shim-config-'), 'taskgate.yaml');
    writeFileSync(file, `shims:\n  - kind: postgres\n    resource: ${RESOURCE}\n    listen: 127.0.0.1:0\n    upstream: mysql://app:hunter2@db:3306/orders\n`);
    const run = await runCli('shim', 'postgres', '--config', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:5:15: shims[0].upstream must start with postgres://`);
    expect(run.stderr).not.toContain('hunter2');
  });

  it('asks which shim when the file lists several, and says which names exist', async () => {
    const file = join(tempDir('taskgate-shim-config-'), 'taskgate.yaml');
    writeFileSync(file, 'shims:\n  - {kind: postgres, resource: a}\n  - {kind: postgres, resource: b}\n');
    const several = await runCli('shim', 'postgres', '--config', file);
    expect(several.code).toBe(1);
    expect(several.stderr).toContain('lists several postgres shims (a, b); choose one with --name');
    const unknown = await runCli('shim', 'postgres', '--config', file, '--name', 'c');
    expect(unknown.stderr).toContain('has no postgres shim named "c" (configured: a, b)');
    const incomplete = await runCli('shim', 'postgres', '--config', file, '--name', 'b');
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toContain("--listen is required (or listen: in the shim's entry under shims: of taskgate.yaml)");
    const noFile = await runCli('shim', 'postgres', '--name', 'b', '--listen', '127.0.0.1:0');
    expect(noFile.stderr).toContain('give --config too');
    const badWait = await runCli('shim', 'postgres', '--config', file, '--name', 'a', '--listen', '127.0.0.1:0', '--upstream', 'postgres://u@h/db', '--approval-wait', 'later');
    expect(badWait.stderr).toContain('--approval-wait: "later" is not a duration');
  });

  describe('a shim process started from the file', () => {
    let postgres: PostgresServer;
    let decider: TestDecider;
    let dataDir: string;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      postgres = await startPostgres();
      await postgres.psql('CREATE TABLE public.orders (id int PRIMARY KEY, total numeric); INSERT INTO public.orders VALUES (1, 10), (2, 20);');
      dataDir = join(tempDir('taskgate-shim-config-'), 'var');
      decider = await startTestDecider({ dataDir, resources: [{ name: RESOURCE, kind: 'postgres', labels: {} }] });
    }, 120_000);

    afterAll(async () => {
      for (const child of children) child.kill('SIGKILL');
      await decider?.close();
      await postgres?.stop();
      removeTempDirs();
    });

    it('takes its settings from its entry, options override them, and SIGTERM stops it', { timeout: 120_000 }, async () => {
      const dir = tempDir('taskgate-shim-config-');
      const file = join(dir, 'taskgate.yaml');
      const shimDataDir = join(dir, 'shim-var');
      const [configuredPort, overridePort] = [await freePort(), await freePort()];
      writeFileSync(
        file,
        `decider:
  data_dir: ${shimDataDir}
shims:
  - name: orders
    kind: postgres
    resource: ${RESOURCE}
    listen: 127.0.0.1:${configuredPort}
    upstream: postgres://${postgres.user}@/postgres?host=${postgres.socketDir}&port=${postgres.port}
    decider: ${decider.address}
    approval_wait: 2m
  - name: other
    kind: postgres
    resource: elsewhere
`,
      );
      const child = spawn(
        process.execPath,
        ['--import', './test/fixtures/ts-loader/register.mjs', 'test/fixtures/decider/taskgate-from-source.ts', 'shim', 'postgres', '--config', file, '--name', 'orders', '--listen', `127.0.0.1:${overridePort}`],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('listening on')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`the shim exited (${code}) before listening:\n${output}`)));
      });
      expect(output).toContain(`listening on 127.0.0.1:${overridePort} for resource ${RESOURCE}`);
      expect(output).toContain(`upstream ${postgres.socketDir}/.s.PGSQL.${postgres.port}/postgres as ${postgres.user}; decider ${decider.address}`);
      // The hash key is made in the file's data directory, readable by its owner only.
      expect(output).toContain(`created the hash mask key ${join(shimDataDir, HASH_KEY_FILE_NAME)}`);
      expect(statSync(join(shimDataDir, HASH_KEY_FILE_NAME)).mode & 0o777).toBe(0o600);

      const token = await issueToken(dataDir, 'config', [`${RESOURCE}:read:public.orders`]);
      const c = new pg.Client({ host: '127.0.0.1', port: overridePort, user: 'ci-bot', database: 'postgres', password: token });
      await c.connect();
      expect((await c.query('SELECT sum(total)::int AS total FROM public.orders')).rows).toEqual([{ total: 30 }]);
      await c.end();

      child.kill('SIGTERM');
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code, output).toBe(0);
      expect(output).toContain('stopped');
    });
  });
});

