import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'vitest';
import { startPostgresShim } from '../shims/postgres/server.js';
import { issueToken, startTestDecider, tempDir } from './fixtures/decider/harness.js';
import { startPostgres } from './fixtures/postgres.js';

it('bench', async () => {
  const pgs = await startPostgres();
  const dataDir = join(tempDir(), 'var');
  const d = await startTestDecider({ dataDir, resources: [{ name: 'db', kind: 'postgres', labels: {} }] });
  const shim = await startPostgresShim({ listenHost: '127.0.0.1', listenPort: 0, upstream: { host: '127.0.0.1', port: pgs.port, user: 'postgres', database: 'postgres' }, resource: 'db', decider: d.address, shimId: 'b' }, () => undefined);
  execFileSync('pgbench', ['-i', '-s', '1', '-h', pgs.socketDir, '-p', String(pgs.port), '-U', 'postgres', 'postgres'], { stdio: 'pipe' });
  const token = await issueToken(dataDir, 'bench', ['db:read:public.pgbench_*']);
  const run = (port: number, host: string, mode: string) => /tps = ([0-9.]+)/.exec(execFileSync('pgbench', ['-S', '-n', '-T', '5', '-c', '8', '-j', '4', '-M', mode, '-h', host, '-p', String(port), '-U', 'postgres', 'postgres'], { env: { ...process.env, PGPASSWORD: token } }).toString())?.[1];
  for (const mode of ['simple', 'prepared']) {
    const direct = run(pgs.port, '127.0.0.1', mode);
    let via: string | undefined;
    try { via = run(shim.port, '127.0.0.1', mode); } catch (e) { via = String((e as { stderr?: Buffer }).stderr ?? e); }
    console.log(`BENCH ${mode}: direct ${direct} shim ${via}`);
  }
  await shim.close(); await d.close(); await pgs.stop();
}, 120_000);
