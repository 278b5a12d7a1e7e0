// `taskgate task issue|ls|revoke`, run as users run them: through main(), and once through bin/taskgate.js
// in a shell, on real data directories; the tokens it prints are checked by the decider's own verifier.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run, type CliRun } from './fixtures/cli.js';
import { IdentityError } from '../decider/identity/errors.js';
import { parseGrant } from '../decider/identity/grant-syntax.js';
import { loadSigningKey } from '../decider/identity/keys.js';
import { createCredentialVerifier } from '../decider/identity/verify.js';
import { openStore } from '../decider/store/index.js';

const JWT_LINE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;

let dir: string;
let dataDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskgate-task-cli-'));
  dataDir = join(dir, 'var');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function issue(...extra: string[]): Promise<CliRun> {
  return run(
    'task',
    'issue',
    '--subject',
    'ci-backup',
    '--task',
    'nightly-orders-backup',
    '--data-dir',
    dataDir,
    ...extra,
  );
}

async function verify(token: string) {
  const store = await openStore({ dataDir });
  try {
    const verifier = await createCredentialVerifier({
      taskKey: await loadSigningKey(dataDir),
      settings: { oidc: [] },
      tasks: store,
    });
    return await verifier.verifyCredential(token);
  } finally {
    await store.close();
  }
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[1]))) as Record<string, unknown>;
}

describe('task issue', () => {
  it('prints only the token on stdout, and the task id and expiry on stderr', async () => {
    const r = await issue(
      '--grant',
      'orders-db:read:public.orders',
      '--ttl',
      '20m',
      '--purpose',
      'back up the orders tables',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(JWT_LINE);
    expect(r.stderr).toMatch(
      /^issued task (tsk_[0-9A-Z]{26}) \(nightly-orders-backup\) for ci-backup, expires \S+Z \(in 20m\)\n$/,
    );
    const id = /tsk_[0-9A-Z]{26}/.exec(r.stderr)![0];
    const { identity, task } = await verify(r.stdout.trim());
    expect(identity).toMatchObject({ subject: 'ci-backup', issuer: 'taskgate', method: 'task-token' });
    expect(task).toMatchObject({
      id,
      name: 'nightly-orders-backup',
      purpose: 'back up the orders tables',
      grants: [{ resource: 'orders-db', actions: ['read'], objects: ['public.orders'] }],
    });
    expect(Date.parse(task!.expires_at) - Date.parse(task!.issued_at)).toBe(20 * 60 * 1000);
    expect(r.stderr).toContain(`expires ${task!.expires_at}`);
  });

  it('puts every grant, with several actions and objects, in the token and the store', async () => {
    const r = await issue(
      '--grant',
      'orders-db:read,write:public.orders,public.order_lines',
      '--grant',
      'bastion:forward:db.internal:5432',
      '--grant',
      'api:read',
    );
    expect(r.code, r.stderr).toBe(0);
    const expected = [
      { resource: 'orders-db', actions: ['read', 'write'], objects: ['public.orders', 'public.order_lines'] },
      { resource: 'bastion', actions: ['forward'], objects: ['db.internal:5432'] },
      { resource: 'api', actions: ['read'] },
    ];
    expect((claimsOf(r.stdout.trim()).task as { grants: unknown }).grants).toEqual(expected);
    const ls = JSON.parse((await run('task', 'ls', '--json', '--data-dir', dataDir)).stdout) as { grants: unknown }[];
    expect(ls[0].grants).toEqual(expected);
  });

  it('refuses bad grants, naming what is wrong', async () => {
    const cases: [string, string][] = [
      [
        'orders-db',
        'grant "orders-db" has no action: write RESOURCE:ACTION[,ACTION][:OBJECT[,OBJECT]], e.g. orders-db:read',
      ],
      ['orders-db:', 'grant "orders-db:" has no action after the resource'],
      [
        'orders-db:delete',
        'grant "orders-db:delete": "delete" is not an action: use one of read, write, admin, exec, shell, forward',
      ],
      ['orders-db:READ', '"READ" is not an action: write "read"'],
      ['orders-db:read,,write', 'has an empty action in "read,,write"'],
      ['orders-db:read,read', 'names action "read" twice'],
      ['orders-db:read:', "ends with ':' but names no object"],
      ['orders-db:read:a,,b', 'has an empty object in "a,,b"'],
      ['orders db:read', 'resource "orders db" is not a resource name'],
      [':read', 'resource "" is not a resource name'],
      ['', 'a grant is empty'],
    ];
    for (const [grant, message] of cases) {
      const r = await issue('--grant', grant);
      expect(r.code, grant).toBe(2);
      expect(r.stderr, grant).toMatch(/^taskgate: --grant: /);
      expect(r.stderr, grant).toContain(message);
      expect(r.stdout).toBe('');
    }
  });

  it('parses grants exactly as written', () => {
    expect(parseGrant('db:admin')).toEqual({ grant: { resource: 'db', actions: ['admin'] } });
    expect(parseGrant('web:read:/v1/invoices/**')).toEqual({
      grant: { resource: 'web', actions: ['read'], objects: ['/v1/invoices/**'] },
    });
    expect(parseGrant('host:exec:systemctl status *')).toEqual({
      grant: { resource: 'host', actions: ['exec'], objects: ['systemctl status *'] },
    });
  });

  it('requires a subject, a task name and a grant', async () => {
    expect((await run('task', 'issue', '--task', 't', '--grant', 'db:read', '--data-dir', dataDir)).stderr).toContain(
      '--subject is required',
    );
    expect(
      (await run('task', 'issue', '--subject', 's', '--grant', 'db:read', '--data-dir', dataDir)).stderr,
    ).toContain('--task is required');
    const noGrant = await issue();
    expect(noGrant.code).toBe(2);
    expect(noGrant.stderr).toContain('at least one --grant is required');
    const badName = await run(
      'task',
      'issue',
      '--subject',
      's',
      '--task',
      'two words',
      '--grant',
      'db:read',
      '--data-dir',
      dataDir,
    );
    expect(badName.stderr).toContain('--task "two words" is not a task name');
  });

  it('bounds the ttl, unless --max-ttl raises the limit', async () => {
    const noUnit = await issue('--grant', 'db:read', '--ttl', '15');
    expect(noUnit.code).toBe(2);
    expect(noUnit.stderr).toContain('--ttl: "15" is not a duration: write a number with a unit s, m, h or d');
    const tooLong = await issue('--grant', 'db:read', '--ttl', '48h');
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('--ttl 2d is longer than the 1d limit');
    expect(tooLong.stderr).toContain('--max-ttl 2d');
    const tooShort = await issue('--grant', 'db:read', '--ttl', '5s');
    expect(tooShort.stderr).toContain('--ttl 5s is too short: at least 10s');
    const raised = await issue('--grant', 'db:read', '--ttl', '48h', '--max-ttl', '72h');
    expect(raised.code, raised.stderr).toBe(0);
    expect(raised.stderr).toContain('(in 2d)');
    const claims = claimsOf(raised.stdout.trim());
    expect((claims.exp as number) - (claims.iat as number)).toBe(48 * 3600);
    const byDefault = await issue('--grant', 'db:read');
    expect(byDefault.stderr).toContain('(in 15m)');
  });

  it('reports a data directory it cannot use, with no token printed', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a directory');
    const r = await run(
      'task',
      'issue',
      '--subject',
      's',
      '--task',
      't',
      '--grant',
      'db:read',
      '--data-dir',
      join(file, 'var'),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `cannot read the task signing key ${join(file, 'var', 'keys', 'task-signing-key.json')} (ENOTDIR`,
    );
    expect(r.stderr).toContain('check that --data-dir names a directory');
  });
});

describe('task ls and revoke', () => {
  let lsDir: string;
  let token: string;
  let id: string;

  beforeAll(async () => {
    lsDir = join(dir, 'ls');
    const r = await run(
      'task',
      'issue',
      '--subject',
      'deploy-bot',
      '--task',
      'deploy-web',
      '--grant',
      'web:write',
      '--data-dir',
      lsDir,
    );
    token = r.stdout.trim();
    id = /tsk_[0-9A-Z]{26}/.exec(r.stderr)![0];
    // An expired task, recorded the way `task issue` records one, but in the past.
    const store = await openStore({ dataDir: lsDir });
    await store.issueTask({
      id: 'tsk_OLD',
      subject: 'ci-backup',
      name: 'last-week',
      purpose: '',
      grants: [{ resource: 'db', actions: ['read'] }],
      issuedAt: '2026-11-20T09:00:00Z',
      expiresAt: '2026-11-20T09:15:00Z',
    });
    await store.close();
  });

  it('lists tasks with their status, newest first', async () => {
    const r = await run('task', 'ls', '--data-dir', lsDir);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+SUBJECT\s+EXPIRES\s+STATUS$/);
    expect(lines[1]).toMatch(/^tsk_OLD\s+last-week\s+ci-backup\s+2026-11-20T09:15:00Z\s+expired$/);
    expect(lines[2]).toMatch(new RegExp(`^${id}\\s+deploy-web\\s+deploy-bot\\s+\\S+Z\\s+active$`));
  });

  it('revokes a task: ls shows it, the decider refuses its token with who and why', async () => {
    const r = await run('task', 'revoke', id, '--reason', 'deploy finished early', '--data-dir', lsDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`revoked task ${id}: deploy finished early\n`);
    const ls = JSON.parse((await run('task', 'ls', '--json', '--data-dir', lsDir)).stdout) as Record<string, unknown>[];
    const revoked = ls.find((t) => t.id === id)!;
    expect(revoked).toMatchObject({ status: 'revoked', revocation: { reason: 'deploy finished early' } });
    const store = await openStore({ dataDir: lsDir });
    try {
      const verifier = await createCredentialVerifier({
        taskKey: await loadSigningKey(lsDir),
        settings: { oidc: [] },
        tasks: store,
      });
      const err = await verifier.verifyCredential(token).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IdentityError);
      expect((err as IdentityError).code).toBe('task_revoked');
      expect((err as Error).message).toMatch(/was revoked by \S+ at \d{4}-\d\d-\d\dT.*: deploy finished early/);
    } finally {
      await store.close();
    }
    const again = await run('task', 'revoke', id, '--data-dir', lsDir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`task ${id} was already revoked at`);
  });

  it('says so when the task or the data directory does not exist', async () => {
    const unknown = await run('task', 'revoke', 'tsk_NOPE', '--data-dir', lsDir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no task tsk_NOPE in');
    expect(unknown.stderr).toContain('`taskgate task ls` lists the tasks');
    const empty = join(dir, 'empty');
    const ls = await run('task', 'ls', '--data-dir', empty);
    expect(ls.code).toBe(1);
    expect(ls.stderr).toContain(`no taskgate data in ${empty}`);
    expect(existsSync(empty)).toBe(false);
    expect((await run('task', 'revoke', '--data-dir', lsDir)).stderr).toContain('name exactly one task id to revoke');
  });
});

describe('help', () => {
  it('lists task and audit among the commands, and task subcommands', async () => {
    const top = await run('--help');
    expect(top.stdout).toMatch(/^\s+task\s+issue, list and revoke task tokens$/m);
    expect(top.stdout).toMatch(/^\s+audit\s+list, verify and export the audit log$/m);
    const task = await run('task', '--help');
    expect(task.code).toBe(0);
    for (const sub of ['issue', 'ls', 'revoke']) expect(task.stdout).toMatch(new RegExp(`^\\s+${sub}\\s+\\S`, 'm'));
    const issueHelp = await run('task', 'issue', '--help');
    expect(issueHelp.stdout).toContain('--grant GRANT');
    expect(issueHelp.stdout).toContain('--data-dir DIR');
    expect((await run('task', 'frobnicate')).stderr).toContain('unknown command "task frobnicate"');
  });
});

describe('bin/taskgate.js', () => {
  const exec = promisify(execFile);
  const bin = resolve('bin/taskgate.js');

  it('issues a token a shell can capture with $(...)', async () => {
    if (!existsSync(resolve('dist/cli/task.js')))
      throw new Error('dist/ lacks the task command: run `make build` first');
    const shellDir = join(dir, 'shell');
    const script =
      `TOKEN=$(node "${bin}" task issue --subject ci --task shell-test --grant db:read --data-dir "${shellDir}") && ` +
      'printf "%s" "$TOKEN"';
    const { stdout, stderr } = await exec('sh', ['-c', script]);
    expect(stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(stderr).toMatch(/^issued task tsk_\S+ \(shell-test\) for ci, expires /);
    expect(claimsOf(stdout)).toMatchObject({ iss: 'taskgate', aud: 'taskgate', sub: 'ci' });
  });
});
