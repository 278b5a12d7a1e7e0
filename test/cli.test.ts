import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './fixtures/free-port.js';
import { runCli as run } from './fixtures/cli.js';
import { readBundle } from '../rego/bundle.js';
import { loadEngine } from '../rego/engine.js';

let dir: string;
const at = (rel: string) => join(dir, rel);

const FILES: Record<string, string> = {
  'good/authz.rego': 'package authz\n\nallow if input.user in data.admins\n\nlevel := data.levels[input.user]\n',
  'good/data.json': '{"admins": ["alice"], "levels": {"alice": 3}}',
  'good/authz_test.rego': 'package authz\n\ntest_alice if allow with input as {"user": "alice"}\n',
  'failing/t_test.rego': 'package t\n\ntest_ok if true\ntest_bad if false\n',
  'bad/broken.rego': 'package broken\n\nallow if {\n\tx > 1\n}\n',
  'input.json': '{"user": "alice"}',
  'stranger.json': '{"user": "mallory"}',
  'badinput.json': '{"user": }',
  'fmt/f.rego': 'package f\n\nmsg := sprintf("%v", [{"a": 1}])\n',
  'decision/taskgate.rego': 'package taskgate\n\ndecision := {"verdict": "allow", "who": input.user}\n',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskgate-cli-'));
  for (const [rel, text] of Object.entries(FILES)) {
    await mkdir(dirname(at(rel)), { recursive: true });
    await writeFile(at(rel), text);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('usage', () => {
  it('prints the commands with --help and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: taskgate <command>');
    expect(r.stdout).toMatch(/^\s+policy\s+check, build, evaluate and test Rego policies$/m);
  });

  it('prints the usage and exits 2 with no command', async () => {
    expect((await run()).code).toBe(2);
  });

  it('has --help for every policy command', async () => {
    for (const sub of ['check', 'build', 'eval', 'test']) {
      const r = await run('policy', sub, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: taskgate policy ${sub}`);
    }
    const r = await run('policy', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+eval\s+/m);
  });

  it('rejects unknown commands and options with the message and the usage, exit 2', async () => {
    const unknown = await run('polcy');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^taskgate: unknown command "polcy"\n\n[^]*\nUsage: taskgate <command>/);

    const sub = await run('policy', 'lint', 'x');
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('unknown command "policy lint"');

    const option = await run('policy', 'test', '--bogus', at('good'));
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--bogus'");
    expect(option.stderr).toContain('Usage: taskgate policy test');
  });

  it('rejects missing arguments and bad option values', async () => {
    expect((await run('policy', 'check')).code).toBe(2);
    expect((await run('policy', 'eval', '-d', at('good'))).stderr).toContain('QUERY is required');
    expect((await run('policy', 'eval', '-d', at('good'), 'input.user')).stderr).toContain('QUERY must be a reference');
    expect((await run('policy', 'test', '--format', 'xml', at('good'))).code).toBe(2);
    expect((await run('policy', 'test', '--run', '(', at('good'))).stderr).toContain('invalid regular expression');
  });
});

describe('policy check', () => {
  it('exits 0 with a one-line summary for good policies', async () => {
    const r = await run('policy', 'check', at('good'));
    expect(r).toEqual({ code: 0, stdout: 'ok: 2 policy files checked\n', stderr: '' });
  });

  it('prints errors with file:row:col, the line and a caret, and exits 1', async () => {
    const r = await run('policy', 'check', at('bad'));
    expect(r.code).toBe(1);
    const file = at('bad/broken.rego');
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:4:\\d+: rego_unsafe_var_error: `, 'm'));
    expect(r.stderr).toContain('\n   x > 1\n');
    expect(r.stderr).toMatch(/\n\s*\^\n/);
    expect(r.stderr).toMatch(/1 error occurred\n$/);
  });

  it('names a missing path and exits 1', async () => {
    const r = await run('policy', 'check', at('nope'));
    expect(r).toEqual({ code: 1, stdout: '', stderr: `${at('nope')}: no such file or directory\n` });
  });
});

describe('policy eval', () => {
  it('prints {"result": value} for a defined rule', async () => {
    expect(await run('policy', 'eval', '-d', at('good'), '-i', at('input.json'), 'data.authz.allow')).toEqual({
      code: 0,
      stdout: '{"result":true}\n',
      stderr: '',
    });
    const level = await run('policy', 'eval', '--data', at('good'), '--input', at('input.json'), 'data.authz.level');
    expect(level.stdout).toBe('{"result":3}\n');
  });

  it('formats with OPA\'s sprintf, not the SDK\'s', async () => {
    const r = await run('policy', 'eval', '-d', at('fmt'), 'data.f.msg');
    expect(r.stdout).toBe('{"result":"{\\"a\\": 1}"}\n');
  });

  it('prints {} when the rule is undefined', async () => {
    const r = await run('policy', 'eval', '-d', at('good'), '-i', at('stranger.json'), 'data.authz.allow');
    expect(r).toEqual({ code: 0, stdout: '{}\n', stderr: '' });
  });

  it('reports a malformed input file with its position, exit 1', async () => {
    const r = await run('policy', 'eval', '-d', at('good'), '-i', at('badinput.json'), 'data.authz.allow');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${at('badinput.json')}:1:10: invalid JSON: unexpected "}"\n`);
  });

  it('reports policy errors with formatErrors, exit 1', async () => {
    const r = await run('policy', 'eval', '-d', at('bad'), 'data.broken.allow');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rego_unsafe_var_error');
  });
});

describe('policy build', () => {
  it('writes a bundle with the decider\'s two entrypoints by default that loads and evaluates, and says what it wrote', async () => {
    const out = at('out/bundle.tar.gz');
    const r = await run('policy', 'build', '-o', out, at('decision'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${out.replace(/[.]/g, '\\.')}: \\d+ bytes .*entrypoints taskgate/decision, taskgate/approve, in \\d+ ms\\n$`));
    const bundle = await readBundle(await readFile(out));
    expect(bundle.manifest.wasm).toEqual([
      { entrypoint: 'taskgate/decision', module: '/policy.wasm' },
      { entrypoint: 'taskgate/approve', module: '/policy.wasm' },
    ]);
    expect(bundle.sources.map((s) => s.file)).toEqual(['/taskgate.rego']);
    const engine = await loadEngine(bundle.wasm, bundle.data);
    expect(engine.evaluate({ user: 'bob' }, 'taskgate/decision')).toEqual({ verdict: 'allow', who: 'bob' });
  });

  it('reports an output path it cannot write, exit 1', async () => {
    const r = await run('policy', 'build', '-o', join(at('input.json'), 'b.tar.gz'), at('decision'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^E[A-Z]+: .*input\.json/);
  });

  it('takes several entrypoints in any spelling', async () => {
    const out = at('out/two.tar.gz');
    const r = await run('policy', 'build', '-e', 'data.authz.allow', '-e', 'authz/level', '-o', out, at('good'));
    expect(r.code).toBe(0);
    const bundle = await readBundle(await readFile(out));
    expect(bundle.manifest.wasm?.map((w) => w.entrypoint)).toEqual(['authz/allow', 'authz/level']);
    expect(bundle.data).toEqual({ admins: ['alice'], levels: { alice: 3 } });
    const engine = await loadEngine(bundle.wasm, bundle.data);
    expect(engine.evaluate({ user: 'alice' }, 'authz/level')).toBe(3);
  });
});

describe('policy test', () => {
  it('exits 0 and prints the summary when all tests pass', async () => {
    expect(await run('policy', 'test', at('good'))).toEqual({ code: 0, stdout: 'PASS: 1/1\n', stderr: '' });
    const verbose = await run('policy', 'test', '-v', at('good'));
    expect(verbose.stdout).toMatch(/^.*authz_test\.rego:\ndata\.authz\.test_alice: PASS \(.+\)\n-{80}\nPASS: 1\/1\n$/);
  });

  it('exits 2 and lists the failures when a test fails', async () => {
    const r = await run('policy', 'test', at('failing'));
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/data\.t\.test_bad: FAIL \(.+\)\n-{80}\nPASS: 1\/2\nFAIL: 1\/2\n$/);
  });

  it('prints JSON with --format json', async () => {
    const r = await run('policy', 'test', '--format', 'json', at('failing'));
    expect(JSON.parse(r.stdout).map((t: { name: string; fail?: boolean }) => [t.name, t.fail ?? false])).toEqual([
      ['test_ok', false],
      ['test_bad', true],
    ]);
  });

  it('exits 1 with the compile errors when the policies do not compile', async () => {
    const r = await run('policy', 'test', at('good'), at('bad'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rego_unsafe_var_error');
  });
});

describe('bin/taskgate.js', () => {
  const exec = promisify(execFile);
  const bin = resolve('bin/taskgate.js');

  beforeAll(() => {
    if (!existsSync(resolve('dist/cli/main.js'))) throw new Error('dist/ is missing: run `make build` first');
  });

  it('starts the decider under node flags that worker threads refuse, such as --max-old-space-size', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskgate-cli-flags-'));
    const child = spawn('node', ['--max-old-space-size=512', bin, 'decider', '--data-dir', dataDir, '--listen', `127.0.0.1:${await freePort()}`, '--http', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      let log = '';
      const outcome = await new Promise<string>((done) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('ready: policy revision')) done('ready');
        });
        child.once('exit', (code) => done(`exited ${code}:\n${log}`));
      });
      expect(outcome).toBe('ready');
    } finally {
      child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs as a child process with the exit code of the command', async () => {
    const ok = await exec('node', [bin, 'policy', 'test', at('good')]);
    expect(ok.stdout).toBe('PASS: 1/1\n');
    const failed = await exec('node', [bin, 'policy', 'test', at('failing')]).then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stdout).toContain('FAIL: 1/2');
  });
});
