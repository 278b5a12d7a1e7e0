import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSources } from '../rego/compile.js';
import { RegoErrors } from '../rego/errors.js';
import { loadPaths } from '../rego/loader.js';
import { goDuration, jsonReport, prettyReport } from '../rego/test-report.js';
import { findTests, runTests, type TestResult } from '../rego/test-runner.js';

const loc = (file: string, row: number) => ({ file, row, col: 1 });

function result(name: string, outcome: TestResult['outcome'], extra: Partial<TestResult> = {}): TestResult {
  return {
    pkg: 'data.foo.bar',
    name,
    location: loc('foo_test.rego', 3),
    skip: outcome === 'SKIPPED',
    entrypoint: `foo/bar/${name}`,
    outcome,
    durationNs: 1_417_000,
    ...extra,
  };
}

describe('goDuration', () => {
  it('prints durations as Go does', () => {
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(850)).toBe('850ns');
    expect(goDuration(12_000)).toBe('12µs');
    expect(goDuration(12_345)).toBe('12.345µs');
    expect(goDuration(1_417_000)).toBe('1.417ms');
    expect(goDuration(1_000_001)).toBe('1.000001ms');
    expect(goDuration(2_500_000_000)).toBe('2.5s');
    expect(goDuration(123_500_000_000)).toBe('2m3.5s');
    expect(goDuration(3_723_000_000_000)).toBe('1h2m3s');
  });
});

describe('prettyReport', () => {
  const results = [
    result('test_baz', 'PASS'),
    result('test_qux', 'ERROR', { error: { code: 'eval_conflict_error', message: 'object insert conflict' } }),
    result('test_corge', 'FAIL', { location: loc('other_test.rego', 9) }),
    result('todo_test_later', 'SKIPPED', { durationNs: 0, location: loc('other_test.rego', 12) }),
  ];

  it('lists only what did not pass, under its file, then the counts', () => {
    expect(prettyReport(results, false)).toBe(
      [
        'foo_test.rego:',
        'data.foo.bar.test_qux: ERROR (1.417ms)',
        '  object insert conflict',
        'other_test.rego:',
        'data.foo.bar.test_corge: FAIL (1.417ms)',
        'data.foo.bar.todo_test_later: SKIPPED',
        '-'.repeat(80),
        'PASS: 1/4',
        'FAIL: 1/4',
        'SKIPPED: 1/4',
        'ERROR: 1/4',
        '',
      ].join('\n'),
    );
  });

  it('lists passing tests too when verbose', () => {
    expect(prettyReport(results, true).split('\n').slice(0, 2)).toEqual([
      'foo_test.rego:',
      'data.foo.bar.test_baz: PASS (1.417ms)',
    ]);
  });

  it('prints only the count when everything passes', () => {
    expect(prettyReport([result('test_a', 'PASS'), result('test_b', 'PASS')], false)).toBe('PASS: 2/2\n');
  });
});

describe('jsonReport', () => {
  it('writes what opa test --format json writes', () => {
    const out = JSON.parse(
      jsonReport([
        result('test_a', 'PASS'),
        result('test_b', 'FAIL'),
        result('todo_test_c', 'SKIPPED', { durationNs: 0 }),
        result('test_d', 'ERROR', { error: { code: 'eval_internal_error', message: 'boom' } }),
      ]),
    );
    expect(out).toEqual([
      { location: { file: 'foo_test.rego', row: 3, col: 1 }, package: 'data.foo.bar', name: 'test_a', duration: 1417000 },
      { location: { file: 'foo_test.rego', row: 3, col: 1 }, package: 'data.foo.bar', name: 'test_b', fail: true, duration: 1417000 },
      { location: { file: 'foo_test.rego', row: 3, col: 1 }, package: 'data.foo.bar', name: 'todo_test_c', skip: true, duration: 0 },
      {
        location: { file: 'foo_test.rego', row: 3, col: 1 },
        package: 'data.foo.bar',
        name: 'test_d',
        error: { code: 'eval_internal_error', message: 'boom' },
        duration: 1417000,
      },
    ]);
  });
});

describe('findTests', () => {
  it('finds test_ and todo_test_ rules once each, not functions or other rules', () => {
    const modules = parseSources([
      {
        file: 'a_test.rego',
        text: [
          'package a.b',
          'test_one if true',
          'test_one if false',
          'todo_test_two if false',
          'test_fn(x) if x',
          'helper if true',
          'test_set contains 1',
        ].join('\n'),
      },
    ]);
    expect(findTests(modules).map((t) => [t.pkg, t.name, t.skip, t.entrypoint, t.location.row])).toEqual([
      ['data.a.b', 'test_one', false, 'a/b/test_one', 2],
      ['data.a.b', 'todo_test_two', true, 'a/b/todo_test_two', 4],
    ]);
  });
});

describe('runTests', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskgate-tests-'));
    const files: Record<string, string> = {
      'p/authz.rego': 'package authz\n\nallow if input.user in data.admins\n',
      'p/authz_test.rego': [
        'package authz',
        '',
        'test_admin_allowed if allow with input as {"user": "alice"}',
        'test_stranger_denied if not allow with input as {"user": "mallory"}',
        'test_wrong_expectation if allow with input as {"user": "mallory"}',
        'test_not_true := 5',
        'test_conflict := x if { some x in [1, 2] }',
        'todo_test_later if false',
      ].join('\n'),
      'p/data.json': '{"admins": ["alice"]}',
    };
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), text);
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs every test over the data and classifies it as opa does', async () => {
    const results = await runTests(await loadPaths([join(dir, 'p')]));
    expect(results.map((r) => [r.name, r.outcome])).toEqual([
      ['test_admin_allowed', 'PASS'],
      ['test_stranger_denied', 'PASS'],
      ['test_wrong_expectation', 'FAIL'],
      ['test_not_true', 'FAIL'],
      ['test_conflict', 'ERROR'],
      ['todo_test_later', 'SKIPPED'],
    ]);
    expect(results.find((r) => r.outcome === 'ERROR')?.error?.code).toBe('eval_conflict_error');
  });

  it('runs only the tests whose full name matches --run', async () => {
    const results = await runTests(await loadPaths([join(dir, 'p')]), { run: /data\.authz\.test_.*_allowed$/ });
    expect(results.map((r) => r.name)).toEqual(['test_admin_allowed']);
  });

  it('reports compile errors instead of running anything', async () => {
    const broken = await loadPaths([join(dir, 'p')]);
    broken.sources.push({ file: 'broken.rego', relative: 'broken.rego', text: 'package broken\n\np if x > 1\n' });
    await expect(runTests(broken)).rejects.toBeInstanceOf(RegoErrors);
    await expect(runTests(broken, { run: /nothing-matches/ })).rejects.toBeInstanceOf(RegoErrors);
  });
});
