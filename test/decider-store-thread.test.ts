// A decider whose store thread dies (an uncaught exception thrown in it, as a bug there would throw):
// it denies every decision, /healthz and grpc.health.v1 say it is unhealthy and why, the failure is logged once, and
// `taskgate decider` exits non-zero so that a supervisor restarts it.
import { credentials, status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { connectDecider, DeciderCallError } from '../decider/server/client.js';
import { loadProtos } from '../decider/server/proto.js';
import { issueToken, pgOperation, removeTempDirs, startTestDecider, tempDir } from './fixtures/decider/harness.js';
import { rejection } from './fixtures/rejection.js';
import { crashWorkerThread } from './fixtures/crash-switch/index.js';

// The store thread starts with a switch that throws in it on request (see the fixture).
vi.mock('node:worker_threads', async (importOriginal) => {
  const { withCrashSwitch } = await import('./fixtures/crash-switch/index.js');
  return withCrashSwitch(await importOriginal(), '/store-thread.ts');
});

const RESOURCE = 'orders-db';
const CRASH = 'simulated crash of the store thread';
const READ_ORDERS = pgOperation('SELECT', { reads: ['public.orders'] }, [['public.orders', 'id', 'select']]);

afterAll(removeTempDirs);

function grpcHealth(address: string): { check(service: string): Promise<string>; close(): void } {
  const Health = loadProtos().health;
  const client = new Health(address, credentials.createInsecure()) as unknown as {
    Check(req: { service: string }, cb: (e: Error | null, r: { status: string }) => void): void;
    close(): void;
  };
  return {
    check: (service) => new Promise((resolve, reject) => client.Check({ service }, (e, r) => (e ? reject(e) : resolve(r.status)))),
    close: () => client.close(),
  };
}

async function healthz(httpAddress: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://${httpAddress}/healthz`);
  return { status: response.status, body: await response.json() };
}

describe('a decider whose store thread stopped', () => {
  it('denies every decision, and /healthz and grpc.health.v1 say so until it restarts; the failure is logged once', async () => {
    const dataDir = join(tempDir(), 'var');
    const decider = await startTestDecider({ dataDir, resources: [{ name: RESOURCE, kind: 'postgres', labels: {} }] });
    const client = connectDecider(decider.address);
    const health = grpcHealth(decider.address);
    try {
      const token = await issueToken(dataDir, 'orders-report', [`${RESOURCE}:read:public.orders`]);
      const { session_id } = await client.openSession({ credential: token, resource: RESOURCE, kind: 'postgres' });
      expect((await client.decide({ session_id, operation_json: READ_ORDERS })).verdict).toBe('allow');
      expect((await healthz(decider.decider.httpAddress)).status).toBe(200);
      expect(await health.check('taskgate.v1.Decider')).toBe('SERVING');

      await crashWorkerThread(CRASH);
      const problem = `the store thread stopped (${CRASH}); restart the decider`;
      await vi.waitFor(
        async () =>
          expect(await healthz(decider.decider.httpAddress)).toEqual({
            status: 503,
            body: { status: 'store_unavailable', message: `every decision is deny: ${problem}` },
          }),
        { timeout: 5000, interval: 50 },
      );
      expect(await health.check('taskgate.v1.Decider')).toBe('NOT_SERVING');
      expect(await decider.decider.failed).toBe(problem);
      // The process itself still answers: it is the decision service that cannot serve.
      expect(await health.check('')).toBe('SERVING');

      // Nothing is allowed without its audit record: the same read is denied, saying why, and no new session opens.
      const denied = await client.decide({ session_id, operation_json: READ_ORDERS });
      expect(denied.verdict).toBe('deny');
      expect(denied.reasons.join('\n')).toContain(`could not be written to the audit log (${problem})`);
      expect(Number(denied.audit_seq)).toBe(0);
      const refused = await rejection(client.openSession({ credential: token, resource: RESOURCE, kind: 'postgres' }), DeciderCallError);
      expect(refused.grpcCode).toBe(status.UNAVAILABLE);
      expect(refused).toMatchObject({ reason: 'store_unavailable', message: expect.stringContaining(problem) });

      // Said once by the decider, however many requests then fail on it (those log their own refusals).
      const reported = decider.logs.filter((line) => line.startsWith('store: '));
      expect(reported).toEqual([`store: ${problem}. Every decision is deny until then; /healthz answers 503 and grpc.health.v1 NOT_SERVING`]);
    } finally {
      health.close();
      client.close();
      await decider.close();
    }
  });
});

describe('taskgate decider', () => {
  it('exits with status 1 when its store thread stops, so that a supervisor restarts it', async () => {
    let stderr = '';
    let isReady = () => undefined as void;
    const ready = new Promise<void>((resolve) => (isReady = resolve));
    const io = {
      stdout: () => undefined,
      stderr: (text: string) => {
        stderr += text;
        if (stderr.includes('ready: policy revision')) isReady();
      },
    };
    const exited = main(['decider', '--policies', 'policies', '--data-dir', join(tempDir(), 'var'), '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0'], io);
    const exitedEarly = exited.then((code) => Promise.reject(new Error(`the decider exited (${code}) before it was ready:\n${stderr}`)));
    // Once ready, the expected exit later must not count as an unhandled rejection.
    exitedEarly.catch(() => undefined);
    await Promise.race([ready, exitedEarly]);
    await crashWorkerThread(CRASH);
    expect(await exited).toBe(1);
    expect(stderr).toContain(`store: the store thread stopped (${CRASH}); restart the decider.`);
    expect(stderr).toContain('stopping with exit status 1, so that a supervisor restarts the decider and its store');
    expect(stderr).toContain('stopped');
  });
});
