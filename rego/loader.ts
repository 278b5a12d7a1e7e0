// Loads policy and data paths the way `opa eval -d` / `opa test` do: `.rego` files are modules; `.json`, `.yaml`
// and `.yml` files are data; directories are walked recursively, and a data file found in directory `a/b/`
// (relative to the path given) lands at `data.a.b`. Hidden files and directories are skipped.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import YAML from 'yaml';
import type { Source } from './compile.js';
import { DataConflict, DataTree } from './data-merge.js';
import { findJsonError } from './json-error.js';

/** A policy file, with the path it has relative to the root it was found under (its path inside a bundle). */
export interface LoadedSource extends Source {
  relative: string;
}

export interface Loaded {
  sources: LoadedSource[];
  /** Every data file merged into one document. */
  data: Record<string, unknown>;
}

/** A path that cannot be loaded; the message starts with the file (and position, when known). */
export class LoadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'LoadError';
  }
}

const DATA_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);
const REGO_EXTENSION = '.rego';

interface DataFile {
  file: string;
  /** Where its content lands under `data`. */
  prefix: string[];
}

interface Found {
  rego: Array<{ file: string; relative: string }>;
  data: DataFile[];
}

/** Loads every path; throws LoadError naming the first file that is missing, unreadable or malformed. */
export async function loadPaths(paths: readonly string[]): Promise<Loaded> {
  const found: Found = { rego: [], data: [] };
  const seen = new Set<string>();
  for (const path of paths) await collectRoot(path, found, seen);

  const sources: LoadedSource[] = [];
  for (const { file, relative: rel } of found.rego) {
    sources.push({ file, relative: rel, text: await readText(file) });
  }
  const tree = new DataTree();
  for (const d of found.data) {
    const value = await readDocumentFile(d.file);
    if (value === undefined) continue;
    addData(tree, d, value);
  }
  return { sources, data: tree.data };
}

async function collectRoot(path: string, found: Found, seen: Set<string>): Promise<void> {
  const info = await statOrThrow(path);
  if (info.isDirectory()) {
    await collectDir(path, path, found, seen);
    return;
  }
  const ext = extname(path);
  if (ext !== REGO_EXTENSION && !DATA_EXTENSIONS.has(ext)) {
    throw new LoadError(path, `unsupported file type (want ${REGO_EXTENSION}, ${[...DATA_EXTENSIONS].join(', ')} or a directory)`);
  }
  if (!(await firstVisit(path, seen))) return;
  // A file named directly is at the root: its data is merged into `data` itself, as opa does.
  if (ext === REGO_EXTENSION) found.rego.push({ file: path, relative: basename(path) });
  else found.data.push({ file: path, prefix: [] });
}

async function collectDir(root: string, dir: string, found: Found, seen: Set<string>): Promise<void> {
  // Symlinked directories may loop back; each real directory is walked once.
  if (!(await firstVisit(dir, seen))) return;
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (e) {
    throw new LoadError(dir, describeFsError(e));
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const info = await statOrThrow(path);
    if (info.isDirectory()) {
      await collectDir(root, path, found, seen);
      continue;
    }
    if (!info.isFile()) continue;
    const ext = extname(name);
    if (ext === REGO_EXTENSION) {
      if (await firstVisit(path, seen)) found.rego.push({ file: path, relative: toPosix(relative(root, path)) });
    } else if (DATA_EXTENSIONS.has(ext)) {
      if (await firstVisit(path, seen)) found.data.push({ file: path, prefix: dirSegments(relative(root, dir)) });
    }
  }
}

async function firstVisit(path: string, seen: Set<string>): Promise<boolean> {
  const real = await realpath(path);
  if (seen.has(real)) return false;
  seen.add(real);
  return true;
}

function dirSegments(rel: string): string[] {
  return rel === '' ? [] : rel.split(sep);
}

function toPosix(rel: string): string {
  return rel.split(sep).join('/');
}

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    throw new LoadError(path, describeFsError(e));
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new LoadError(file, describeFsError(e));
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message;
}

/** A JSON or YAML document (by extension); undefined for an empty YAML file. Throws LoadError. */
export async function readDocumentFile(file: string): Promise<unknown> {
  const text = await readText(file);
  return extname(file) === '.json' ? parseJson(file, text) : parseYaml(file, text);
}

/** JSON.parse, with the failure pinned to a line and column of the file. */
export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const found = findJsonError(text) ?? { offset: 0, reason: (e as Error).message };
    const { row, col } = lineAndColumn(text, found.offset);
    throw new LoadError(`${file}:${row}:${col}`, `invalid JSON: ${found.reason}`);
  }
}

function lineAndColumn(text: string, offset: number): { row: number; col: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { row: lines.length, col: lines[lines.length - 1].length + 1 };
}

function parseYaml(file: string, text: string): unknown {
  const doc = YAML.parseDocument(text);
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new LoadError(where, `invalid YAML: ${first.message.split('\n')[0]}`);
  }
  return doc.contents === null ? undefined : doc.toJS();
}

function addData(tree: DataTree, d: DataFile, value: unknown): void {
  if (d.prefix.length === 0 && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new LoadError(d.file, 'data at the root must be an object');
  }
  try {
    tree.add(d.prefix, value, d.file);
  } catch (e) {
    if (!(e instanceof DataConflict)) throw e;
    throw new LoadError(d.file, `data conflict at data.${e.path.join('.')}: already set by ${e.previousFile}`);
  }
}
