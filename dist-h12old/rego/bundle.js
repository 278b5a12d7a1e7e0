// Policy bundles laid out as `opa build -t wasm` lays them out: a gzipped tar holding `/policy.wasm`, `/data.json`,
// the `.rego` sources at their relative paths, and `/.manifest`. Reading accepts ours and opa's.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { DataConflict, DataTree } from './data-merge.js';
export class BundleError extends Error {
    constructor(message) {
        super(message);
        this.name = 'BundleError';
    }
}
const WASM_PATH = '/policy.wasm';
const MANIFEST_PATH = '/.manifest';
const DATA_FILE = 'data.json';
/** Limits that no real bundle approaches; past them the input is broken or hostile (a gzip bomb). */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
export const MAX_ENTRIES = 100_000;
/** A fixed mtime makes the same policy produce the same bytes. */
const EPOCH = new Date(0);
export function defaultRevision(wasm, data) {
    const digest = createHash('sha256').update(wasm).update(JSON.stringify(data)).digest('hex');
    return digest.slice(0, 16);
}
export function manifestFor(input) {
    return {
        revision: input.revision ?? defaultRevision(input.wasm, input.data),
        roots: [''],
        wasm: input.entrypoints.map((entrypoint) => ({ entrypoint, module: WASM_PATH })),
        rego_version: 1,
    };
}
/** The bundle as gzip bytes. */
export async function writeBundle(input) {
    const files = [[`/${DATA_FILE}`, utf8(JSON.stringify(input.data))]];
    const paths = new Set();
    for (const s of input.sources) {
        const path = `/${safePath(s.relative)}`;
        if (paths.has(path))
            throw new BundleError(`two policy files would be stored at ${path}`);
        paths.add(path);
        files.push([path, utf8(s.text)]);
    }
    files.push([WASM_PATH, input.wasm]);
    files.push([MANIFEST_PATH, utf8(JSON.stringify(manifestFor(input)))]);
    return gzipSync(await packTar(files));
}
function utf8(text) {
    return new TextEncoder().encode(text);
}
async function packTar(files) {
    const pack = tar.pack();
    for (const [name, bytes] of files) {
        pack.entry({ name, size: bytes.byteLength, mtime: EPOCH, mode: 0o644 }, Buffer.from(bytes));
    }
    pack.finalize();
    const chunks = [];
    for await (const chunk of pack)
        chunks.push(chunk);
    return Buffer.concat(chunks);
}
/** A relative path that stays inside the bundle, in `/` form without a leading slash; throws otherwise. */
export function safePath(name) {
    if (name.includes('\0'))
        throw new BundleError(`bundle entry name contains a NUL byte: ${JSON.stringify(name)}`);
    const segments = name.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..'))
        throw new BundleError(`bundle entry escapes the bundle: ${name}`);
    if (segments.length === 0)
        throw new BundleError(`bundle entry has an empty name: ${JSON.stringify(name)}`);
    return segments.join('/');
}
/** Reads a bundle from its gzip bytes. */
export async function readBundle(bytes, options = {}) {
    const files = await unpack(gunzip(bytes, options.maxBytes ?? MAX_BUNDLE_BYTES));
    const manifest = parseManifest(files.get('.manifest'));
    const modules = new Set((manifest.wasm ?? []).map((w) => safePath(w.module)));
    if (modules.size > 1)
        throw new BundleError(`bundle has ${modules.size} WASM modules; taskgate runs bundles with one`);
    const wasmPath = [...modules][0] ?? safePath(WASM_PATH);
    const wasm = files.get(wasmPath);
    if (wasm === undefined)
        throw new BundleError(`bundle has no /${wasmPath}: build it with \`-t wasm\``);
    return { wasm, data: bundleData(files), manifest, sources: bundleSources(files) };
}
function gunzip(bytes, maxBytes) {
    try {
        return gunzipSync(bytes, { maxOutputLength: maxBytes });
    }
    catch (e) {
        const code = e.code;
        if (code === 'ERR_BUFFER_TOO_LARGE')
            throw new BundleError(`bundle is larger than ${maxBytes} bytes unpacked`);
        throw new BundleError(`bundle is not a gzip file: ${e.message}`);
    }
}
async function unpack(tarBytes) {
    const files = new Map();
    const extract = tar.extract();
    const done = (async () => {
        for await (const entry of extract) {
            const { name, type, size } = entry.header;
            if (type === 'directory') {
                entry.resume();
                continue;
            }
            if (type !== 'file' && type !== 'contiguous-file') {
                throw new BundleError(`bundle entry ${name} is a ${type}; only regular files are allowed`);
            }
            const path = safePath(name);
            if (files.has(path))
                throw new BundleError(`bundle holds /${path} twice`);
            if (files.size >= MAX_ENTRIES)
                throw new BundleError(`bundle has more than ${MAX_ENTRIES} files`);
            files.set(path, await readEntry(entry, size ?? 0));
        }
    })();
    extract.end(tarBytes);
    try {
        await done;
    }
    catch (e) {
        extract.destroy();
        if (e instanceof BundleError)
            throw e;
        throw new BundleError(`bundle is not a valid tar archive: ${e.message}`);
    }
    return files;
}
async function readEntry(entry, size) {
    const chunks = [];
    for await (const chunk of entry)
        chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    if (bytes.byteLength !== size)
        throw new BundleError('bundle entry is truncated');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
function parseJsonFile(path, bytes) {
    try {
        return JSON.parse(new TextDecoder().decode(bytes));
    }
    catch (e) {
        throw new BundleError(`bundle file /${path} is not valid JSON: ${e.message}`);
    }
}
function parseManifest(bytes) {
    // A bundle without a manifest is allowed by OPA: it then owns every root and has no revision.
    if (bytes === undefined)
        return { revision: '', roots: [''] };
    const m = parseJsonFile('.manifest', bytes);
    if (typeof m !== 'object' || m === null || Array.isArray(m))
        throw new BundleError('bundle /.manifest is not a JSON object');
    if (m.wasm !== undefined && !isResolverList(m.wasm)) {
        throw new BundleError('bundle /.manifest "wasm" must be a list of {"entrypoint", "module"}');
    }
    return { ...m, revision: typeof m.revision === 'string' ? m.revision : '', roots: Array.isArray(m.roots) ? m.roots : [''] };
}
function isResolverList(v) {
    return Array.isArray(v) && v.every((r) => typeof r?.entrypoint === 'string' && typeof r?.module === 'string');
}
/** `data.json` files merge at their directory's path, as opa's bundle loader does. */
function bundleData(files) {
    const tree = new DataTree();
    for (const [path, bytes] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
        const segments = path.split('/');
        if (segments[segments.length - 1] !== DATA_FILE)
            continue;
        try {
            tree.add(segments.slice(0, -1), parseJsonFile(path, bytes), `/${path}`);
        }
        catch (e) {
            if (e instanceof DataConflict)
                throw new BundleError(e.message);
            if (e instanceof BundleError)
                throw e;
            throw new BundleError(`bundle file /${path}: ${e.message}`);
        }
    }
    return tree.data;
}
function bundleSources(files) {
    const sources = [];
    for (const [path, bytes] of files) {
        if (path.endsWith('.rego'))
            sources.push({ file: `/${path}`, text: new TextDecoder().decode(bytes) });
    }
    return sources;
}
//# sourceMappingURL=bundle.js.map