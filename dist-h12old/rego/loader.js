// Loads policy and data paths the way `opa eval -d` / `opa test` do: `.rego` files are modules; `.json`, `.yaml`
// and `.yml` files are data; directories are walked recursively, and a data file found in directory `a/b/`
// (relative to the path given) lands at `data.a.b`. Hidden files and directories are skipped.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import YAML from 'yaml';
import { DataConflict, DataTree } from './data-merge.js';
import { findJsonError } from './json-error.js';
/** A path that cannot be loaded; the message starts with the file (and position, when known). */
export class LoadError extends Error {
    file;
    constructor(file, message) {
        super(`${file}: ${message}`);
        this.file = file;
        this.name = 'LoadError';
    }
}
const DATA_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);
const REGO_EXTENSION = '.rego';
/** Loads every path; throws LoadError naming the first file that is missing, unreadable or malformed. */
export async function loadPaths(paths) {
    const found = { rego: [], data: [] };
    const seen = new Set();
    for (const path of paths)
        await collectRoot(path, found, seen);
    const sources = [];
    for (const { file, relative: rel } of found.rego) {
        sources.push({ file, relative: rel, text: await readText(file) });
    }
    const tree = new DataTree();
    for (const d of found.data) {
        const value = await readDocumentFile(d.file);
        if (value === undefined)
            continue;
        addData(tree, d, value);
    }
    return { sources, data: tree.data };
}
async function collectRoot(path, found, seen) {
    const info = await statOrThrow(path);
    if (info.isDirectory()) {
        await collectDir(path, path, found, seen);
        return;
    }
    const ext = extname(path);
    if (ext !== REGO_EXTENSION && !DATA_EXTENSIONS.has(ext)) {
        throw new LoadError(path, `unsupported file type (want ${REGO_EXTENSION}, ${[...DATA_EXTENSIONS].join(', ')} or a directory)`);
    }
    if (!(await firstVisit(path, seen)))
        return;
    // A file named directly is at the root: its data is merged into `data` itself, as opa does.
    if (ext === REGO_EXTENSION)
        found.rego.push({ file: path, relative: basename(path) });
    else
        found.data.push({ file: path, prefix: [] });
}
async function collectDir(root, dir, found, seen) {
    // Symlinked directories may loop back; each real directory is walked once.
    if (!(await firstVisit(dir, seen)))
        return;
    let names;
    try {
        names = (await readdir(dir)).sort();
    }
    catch (e) {
        throw new LoadError(dir, describeFsError(e));
    }
    for (const name of names) {
        if (name.startsWith('.'))
            continue;
        const path = join(dir, name);
        const info = await statOrThrow(path);
        if (info.isDirectory()) {
            await collectDir(root, path, found, seen);
            continue;
        }
        if (!info.isFile())
            continue;
        const ext = extname(name);
        if (ext === REGO_EXTENSION) {
            if (await firstVisit(path, seen))
                found.rego.push({ file: path, relative: toPosix(relative(root, path)) });
        }
        else if (DATA_EXTENSIONS.has(ext)) {
            if (await firstVisit(path, seen))
                found.data.push({ file: path, prefix: dirSegments(relative(root, dir)) });
        }
    }
}
async function firstVisit(path, seen) {
    const real = await realpath(path);
    if (seen.has(real))
        return false;
    seen.add(real);
    return true;
}
function dirSegments(rel) {
    return rel === '' ? [] : rel.split(sep);
}
function toPosix(rel) {
    return rel.split(sep).join('/');
}
async function statOrThrow(path) {
    try {
        return await stat(path);
    }
    catch (e) {
        throw new LoadError(path, describeFsError(e));
    }
}
async function readText(file) {
    try {
        return await readFile(file, 'utf8');
    }
    catch (e) {
        throw new LoadError(file, describeFsError(e));
    }
}
function describeFsError(e) {
    const code = e.code;
    if (code === 'ENOENT')
        return 'no such file or directory';
    if (code === 'EACCES')
        return 'permission denied';
    return e.message;
}
/** A JSON or YAML document (by extension); undefined for an empty YAML file. Throws LoadError. */
export async function readDocumentFile(file) {
    const text = await readText(file);
    return extname(file) === '.json' ? parseJson(file, text) : parseYaml(file, text);
}
/** JSON.parse, with the failure pinned to a line and column of the file. */
export function parseJson(file, text) {
    try {
        return JSON.parse(text);
    }
    catch (e) {
        const found = findJsonError(text) ?? { offset: 0, reason: e.message };
        const { row, col } = lineAndColumn(text, found.offset);
        throw new LoadError(`${file}:${row}:${col}`, `invalid JSON: ${found.reason}`);
    }
}
function lineAndColumn(text, offset) {
    const before = text.slice(0, offset);
    const lines = before.split('\n');
    return { row: lines.length, col: lines[lines.length - 1].length + 1 };
}
function parseYaml(file, text) {
    const doc = YAML.parseDocument(text);
    const first = doc.errors[0];
    if (first) {
        const pos = first.linePos?.[0];
        const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
        throw new LoadError(where, `invalid YAML: ${first.message.split('\n')[0]}`);
    }
    return doc.contents === null ? undefined : doc.toJS();
}
function addData(tree, d, value) {
    if (d.prefix.length === 0 && (typeof value !== 'object' || value === null || Array.isArray(value))) {
        throw new LoadError(d.file, 'data at the root must be an object');
    }
    try {
        tree.add(d.prefix, value, d.file);
    }
    catch (e) {
        if (!(e instanceof DataConflict))
            throw e;
        throw new LoadError(d.file, `data conflict at data.${e.path.join('.')}: already set by ${e.previousFile}`);
    }
}
//# sourceMappingURL=loader.js.map