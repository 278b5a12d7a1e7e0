import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findJsonError } from '../rego/json-error.js';
import { LoadError, loadPaths, readDocumentFile } from '../rego/loader.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'taskgate-loader-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(rel: string, text: string): Promise<string> {
  const path = join(root, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return path;
}

async function loadError(paths: string[]): Promise<LoadError> {
  const err = await loadPaths(paths).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LoadError);
  return err as LoadError;
}

describe('loadPaths', () => {
  it('walks directories: rego files with their relative paths, data files at their directory path', async () => {
    await put('p/main.rego', 'package main\n');
    await put('p/lib/util_test.rego', 'package lib\n');
    await put('p/data.json', '{"top": 1}');
    await put('p/a/b/data.json', '{"x": 1}');
    await put('p/a/b/more.yaml', 'y: [1, 2]\n');
    await put('p/a/c/data.yml', 'z: true\n');
    await put('p/README.md', 'ignored');
    const loaded = await loadPaths([join(root, 'p')]);
    expect(loaded.sources.map((s) => s.relative)).toEqual(['lib/util_test.rego', 'main.rego']);
    expect(loaded.sources[1]).toMatchObject({ file: join(root, 'p', 'main.rego'), text: 'package main\n' });
    expect(loaded.data).toEqual({ top: 1, a: { b: { x: 1, y: [1, 2] }, c: { z: true } } });
  });

  it('skips hidden files and directories', async () => {
    await put('p/.git/x.rego', 'package hidden\n');
    await put('p/.secret.json', '{"leak": 1}');
    await put('p/ok.rego', 'package ok\n');
    const loaded = await loadPaths([join(root, 'p')]);
    expect(loaded.sources.map((s) => s.relative)).toEqual(['ok.rego']);
    expect(loaded.data).toEqual({});
  });

  it('merges a data file named directly at the root of data', async () => {
    const file = await put('extra.json', '{"k": {"v": 2}}');
    await put('p/k/data.json', '{"w": 3}');
    const loaded = await loadPaths([file, join(root, 'p')]);
    expect(loaded.data).toEqual({ k: { v: 2, w: 3 } });
  });

  it('loads a file named twice (or through a symlink) once', async () => {
    const file = await put('p/a.rego', 'package a\n');
    await symlink(join(root, 'p'), join(root, 'link'));
    const loaded = await loadPaths([join(root, 'p'), file, join(root, 'link')]);
    expect(loaded.sources).toHaveLength(1);
  });

  it('reports two data files writing the same value as a conflict naming both files', async () => {
    await put('p/a/data.json', '{"x": 1}');
    await put('p/a/other.json', '{"x": 1}');
    const err = await loadError([join(root, 'p')]);
    expect(err.message).toContain('data conflict at data.a.x');
    expect(err.message).toContain('data.json');
    expect(err.message).toContain('other.json');
  });

  it('reports a value where another file needs an object as a conflict', async () => {
    await put('p/data.json', '{"a": 5}');
    await put('p/a/data.json', '{"x": 1}');
    const err = await loadError([join(root, 'p')]);
    expect(err.message).toMatch(/data conflict at data\.a\b/);
  });

  it('names the file, line and column of bad JSON', async () => {
    const file = await put('p/bad/data.json', '{\n  "a": 1,\n  "b": }\n');
    const err = await loadError([join(root, 'p')]);
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:3:8: invalid JSON`));
  });

  it('names the file and position of bad YAML', async () => {
    const file = await put('p/data.yaml', 'a: [1, 2\nb: 3\n');
    const err = await loadError([join(root, 'p')]);
    expect(err.message.startsWith(`${file}:`)).toBe(true);
    expect(err.message).toContain('invalid YAML');
  });

  it('rejects a missing path', async () => {
    const err = await loadError([join(root, 'nope')]);
    expect(err.message).toBe(`${join(root, 'nope')}: no such file or directory`);
  });

  it('rejects a file of an unknown type named directly', async () => {
    const file = await put('notes.txt', 'hi');
    const err = await loadError([file]);
    expect(err.message).toContain('unsupported file type');
  });

  it('rejects a root data file that is not an object', async () => {
    const file = await put('list.json', '[1, 2]');
    const err = await loadError([file]);
    expect(err.message).toBe(`${file}: data at the root must be an object`);
  });

  it('keeps non-object data below the root', async () => {
    await put('p/list/data.json', '[1, 2]');
    expect((await loadPaths([join(root, 'p')])).data).toEqual({ list: [1, 2] });
  });
});

describe('readDocumentFile', () => {
  it('reads JSON and YAML documents, including falsy ones', async () => {
    expect(await readDocumentFile(await put('f.json', 'false'))).toBe(false);
    expect(await readDocumentFile(await put('i.yaml', 'user: alice\n'))).toEqual({ user: 'alice' });
    expect(await readDocumentFile(await put('empty.yaml', ''))).toBeUndefined();
  });
});

describe('findJsonError', () => {
  it('finds where and why JSON is malformed', () => {
    expect(findJsonError('{"a": [1, 2]}')).toBeUndefined();
    expect(findJsonError('[1, 2,]')).toEqual({ offset: 6, reason: 'unexpected "]"' });
    expect(findJsonError('{"a" 1}')).toEqual({ offset: 5, reason: 'unexpected "1"' });
    expect(findJsonError('{a: 1}')).toEqual({ offset: 1, reason: 'expected a string key' });
    expect(findJsonError('"abc')).toEqual({ offset: 4, reason: 'unterminated string' });
    expect(findJsonError('"\\x"')).toEqual({ offset: 1, reason: 'bad escape in string' });
    expect(findJsonError('{} {}')).toEqual({ offset: 3, reason: 'unexpected text after the JSON value' });
    expect(findJsonError('[01]')).toEqual({ offset: 2, reason: 'unexpected "1"' });
    expect(findJsonError('')).toEqual({ offset: 0, reason: 'unexpected end of input' });
    expect(findJsonError('['.repeat(100000))?.reason).toMatch(/nesting too deep|unexpected end of input/);
  });
});
