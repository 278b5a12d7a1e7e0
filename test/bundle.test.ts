import { gunzipSync, gzipSync } from 'node:zlib';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { BundleError, readBundle, writeBundle, type BundleInput } from '../rego/bundle.js';
import { echoPolicyWasm } from './fixtures/echo-policy.js';

function input(overrides: Partial<BundleInput> = {}): BundleInput {
  return {
    wasm: echoPolicyWasm(),
    data: { roles: { alice: ['admin'] } },
    sources: [
      { file: 'policies/taskgate/decision.rego', relative: 'taskgate/decision.rego', text: 'package taskgate\n' },
      { file: 'policies/lib.rego', relative: 'lib.rego', text: 'package lib\n' },
    ],
    entrypoints: ['taskgate/decision', 't/data'],
    ...overrides,
  };
}

/** A hand-made tar.gz, to test what our writer never produces. */
async function tarGz(entries: Array<{ name: string; body?: string; type?: 'file' | 'symlink' | 'directory'; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname ?? 'x' });
    else if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name }, e.body ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return gzipSync(Buffer.concat(chunks));
}

async function entryNames(gz: Buffer): Promise<string[]> {
  const extract = tar.extract();
  const names: string[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      names.push(entry.header.name);
      entry.resume();
    }
  })();
  extract.end(gunzipSync(gz));
  await done;
  return names;
}

async function bundleError(bytes: Uint8Array): Promise<BundleError> {
  const err = await readBundle(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BundleError);
  return err as BundleError;
}

describe('writeBundle', () => {
  it('lays the bundle out as opa build -t wasm does', async () => {
    const gz = await writeBundle(input());
    expect(await entryNames(gz)).toEqual([
      '/data.json',
      '/taskgate/decision.rego',
      '/lib.rego',
      '/policy.wasm',
      '/.manifest',
    ]);
    const { manifest } = await readBundle(gz);
    expect(manifest).toEqual({
      revision: expect.stringMatching(/^[0-9a-f]{16}$/),
      roots: [''],
      wasm: [
        { entrypoint: 'taskgate/decision', module: '/policy.wasm' },
        { entrypoint: 't/data', module: '/policy.wasm' },
      ],
      rego_version: 1,
    });
  });

  it('is reproducible: the same input gives the same bytes, other data another revision', async () => {
    const a = await writeBundle(input());
    expect((await writeBundle(input())).equals(a)).toBe(true);
    const other = await readBundle(await writeBundle(input({ data: { roles: {} } })));
    expect(other.manifest.revision).not.toBe((await readBundle(a)).manifest.revision);
    expect((await readBundle(await writeBundle(input({ revision: 'v42' })))).manifest.revision).toBe('v42');
  });

  it('refuses two sources at the same bundle path and paths that escape', async () => {
    const twice = input({
      sources: [
        { file: 'a/x.rego', relative: 'x.rego', text: '' },
        { file: 'b/x.rego', relative: 'x.rego', text: '' },
      ],
    });
    await expect(writeBundle(twice)).rejects.toThrow('two policy files would be stored at /x.rego');
    const escaping = input({ sources: [{ file: 'x.rego', relative: '../x.rego', text: '' }] });
    await expect(writeBundle(escaping)).rejects.toThrow(BundleError);
  });
});

describe('readBundle', () => {
  it('round-trips wasm, data and sources, and the wasm runs in the SDK with the data', async () => {
    const original = input();
    const bundle = await readBundle(await writeBundle(original));
    expect(Buffer.from(bundle.wasm).equals(Buffer.from(original.wasm))).toBe(true);
    expect(bundle.data).toEqual(original.data);
    expect(bundle.sources).toEqual([
      { file: '/taskgate/decision.rego', text: 'package taskgate\n' },
      { file: '/lib.rego', text: 'package lib\n' },
    ]);
    const policy = await loadPolicy(bundle.wasm, { initial: 3 });
    policy.setData(bundle.data);
    expect(policy.evaluate(undefined, 't/data')).toEqual([{ result: original.data }]);
  });

  it('reads a bundle as opa writes it: no manifest, nested data.json files', async () => {
    const gz = await tarGz([
      { name: '/data.json', body: '{"a": {"x": 1}}' },
      { name: '/a/b/data.json', body: '{"y": 2}' },
      { name: 'policy.wasm', body: 'not really wasm' },
      { name: '/dir/', type: 'directory' },
    ]);
    const bundle = await readBundle(gz);
    expect(bundle.data).toEqual({ a: { x: 1, b: { y: 2 } } });
    expect(bundle.manifest).toEqual({ revision: '', roots: [''] });
    expect(new TextDecoder().decode(bundle.wasm)).toBe('not really wasm');
  });

  it('rejects entries that climb out of the bundle', async () => {
    const err = await bundleError(await tarGz([{ name: '../../etc/evil.rego', body: 'x' }, { name: '/policy.wasm' }]));
    expect(err.message).toBe('bundle entry escapes the bundle: ../../etc/evil.rego');
    await bundleError(await tarGz([{ name: '/a/../../policy.wasm' }]));
  });

  it('rejects links', async () => {
    const err = await bundleError(await tarGz([{ name: '/policy.wasm', type: 'symlink', linkname: '/etc/passwd' }]));
    expect(err.message).toContain('is a symlink; only regular files are allowed');
  });

  it('rejects a bundle without policy.wasm', async () => {
    const err = await bundleError(await tarGz([{ name: '/data.json', body: '{}' }, { name: '/x.rego', body: '' }]));
    expect(err.message).toContain('bundle has no /policy.wasm');
  });

  it('rejects a manifest pointing at a module that is not there', async () => {
    const manifest = JSON.stringify({ revision: '1', roots: [''], wasm: [{ entrypoint: 'a/b', module: '/other.wasm' }] });
    const err = await bundleError(await tarGz([{ name: '/.manifest', body: manifest }, { name: '/policy.wasm' }]));
    expect(err.message).toContain('bundle has no /other.wasm');
  });

  it('rejects a manifest naming several modules', async () => {
    const wasm = [
      { entrypoint: 'a/b', module: '/policy.wasm' },
      { entrypoint: 'a/c', module: '/other.wasm' },
    ];
    const manifest = JSON.stringify({ revision: '1', roots: [''], wasm });
    const err = await bundleError(await tarGz([{ name: '/.manifest', body: manifest }, { name: '/policy.wasm' }]));
    expect(err.message).toContain('bundle has 2 WASM modules');
  });

  it('rejects malformed manifest and data with the file named', async () => {
    expect((await bundleError(await tarGz([{ name: '/.manifest', body: '{' }, { name: '/policy.wasm' }]))).message).toContain(
      '/.manifest is not valid JSON',
    );
    const bad = await tarGz([{ name: '/policy.wasm' }, { name: '/x/data.json', body: '[' }]);
    expect((await bundleError(bad)).message).toContain('/x/data.json is not valid JSON');
  });

  it('rejects bytes that are not a gzipped tar', async () => {
    expect((await bundleError(new TextEncoder().encode('hello'))).message).toContain('not a gzip file');
    expect((await bundleError(gzipSync(Buffer.from('x'.repeat(1000))))).message).toContain('not a valid tar archive');
  });

  it('rejects a bundle that unpacks to an absurd size', async () => {
    const maxBytes = 1024 * 1024;
    const bomb = gzipSync(Buffer.alloc(maxBytes + 1));
    expect(bomb.byteLength).toBeLessThan(4096);
    const err = await readBundle(bomb, { maxBytes }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).message).toBe(`bundle is larger than ${maxBytes} bytes unpacked`);
  });
});
