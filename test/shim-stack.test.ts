// The stack the shim tests stand on (fixtures/shim-stack.ts) must not outlive them: a start that fails half way
// and stop() leave no cluster running, no port listening and no audit store open, whatever the test did before.
import { existsSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './fixtures/decider/harness.js';
import type { PostgresServer } from './fixtures/postgres.js';
import { rejection } from './fixtures/rejection.js';
import { startShimStack } from './fixtures/shim-stack.js';

const RESOURCE = 'orders-db';

afterAll(removeTempDirs);

/** Files under `dir` that this process (its store thread included) still holds open. */
function openFilesUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(join('/proc/self/fd', fd));
      } catch {
        return ''; // closed while we looked
      }
    })
    .filter((target) => target.startsWith(`${dir}/`));
}

/** Resolves with the connection error when nothing listens on the port any more. */
function refusal(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      reject(new Error(`port ${port} still accepts connections`));
    });
    socket.on('error', (e: Error & { code?: string }) => resolve(e.code ?? e.message));
  });
}

async function expectStopped(cluster: PostgresServer): Promise<void> {
  expect(existsSync(cluster.socketDir)).toBe(false);
  expect(await refusal(cluster.port)).toBe('ECONNREFUSED');
}

describe('startShimStack', () => {
  it('takes down the cluster and the decider it started when the shim cannot start, and passes on why', async () => {
    const dataDir = join(tempDir('taskgate-shim-stack-test-'), 'var');
    const readableKey = join(tempDir('taskgate-shim-stack-key-'), 'hash.key');
    writeFileSync(readableKey, Buffer.alloc(32, 1), { mode: 0o644 });
    let cluster: PostgresServer | undefined;
    const e = await rejection(
      startShimStack({
        resource: RESOURCE,
        shimId: 'pg-stack-test',
        dataDir,
        shim: (postgres) => {
          cluster = postgres;
          return { hashKeyFile: readableKey };
        },
      }),
    );
    expect(e.message).toContain(`run chmod 600 ${readableKey}`);
    await expectStopped(cluster!);
    // The decider ran on this data directory (its signing key is there), and its store is closed.
    expect(readdirSync(dataDir).length).toBeGreaterThan(0);
    expect(openFilesUnder(dataDir)).toEqual([]);
  });

  it('refuses a decider that loaded no policy, naming what it logged, and leaves nothing running', async () => {
    const dataDir = join(tempDir('taskgate-shim-stack-test-'), 'var');
    let cluster: PostgresServer | undefined;
    const missing = join(tempDir('taskgate-shim-stack-policies-'), 'nowhere');
    const e = await rejection(
      startShimStack({
        resource: RESOURCE,
        shimId: 'pg-stack-test',
        dataDir,
        policies: missing,
        shim: (postgres) => {
          cluster = postgres;
          return {};
        },
      }),
    );
    expect(e.message).toMatch(/the decider did not load its policy \(failed\)/);
    expect(e.message).toContain(missing);
    await expectStopped(cluster!);
    expect(openFilesUnder(dataDir)).toEqual([]);
  });

  it('stop() closes every shim, the decider and the cluster, also after the test stopped the decider itself', async () => {
    const stack = await startShimStack({ resource: RESOURCE, shimId: 'pg-stack-test', schema: 'CREATE TABLE public.orders (id int);' });
    const extra = await stack.startShim({ shimId: 'pg-stack-extra' });
    const { postgres, dataDir } = stack;
    await stack.decider.close();
    await stack.stop();
    expect(await refusal(stack.shim.port)).toBe('ECONNREFUSED');
    expect(await refusal(extra.port)).toBe('ECONNREFUSED');
    await expectStopped(postgres);
    // The data directory the stack made for itself is gone with it.
    expect(existsSync(dirname(dataDir))).toBe(false);
  });
});
