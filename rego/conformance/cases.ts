// The compliance suite's YAML files: `DIR/v1/<suite>/<file>.yaml`, each with `cases:` (format in the suite's
// README). The suite of a case is the name of its directory.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';

export interface ConformanceCase {
  suite: string;
  file: string;
  note: string;
  query: string;
  modules: string[];
  data?: unknown;
  input?: unknown;
  inputTerm?: string;
  wantResult?: Array<Record<string, unknown>>;
  sortBindings: boolean;
  wantErrorCode?: string;
  wantError?: string;
  strictError: boolean;
  /** Set when the file could not be read as cases: the run counts it as one errored case. */
  loadError?: string;
}

function unreadable(path: string, suite: string, e: unknown): ConformanceCase {
  const message = `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`;
  return { suite, file: path, note: `${suite}/${basename(path)}`, query: '', modules: [], sortBindings: false, strictError: false, loadError: message };
}

function readCases(path: string, suite: string): ConformanceCase[] {
  let doc: { cases?: unknown } | null;
  try {
    doc = YAML.parse(readFileSync(path, 'utf8'), { uniqueKeys: false }) as { cases?: unknown } | null;
  } catch (e) {
    return [unreadable(path, suite, e)];
  }
  if (doc?.cases !== undefined && !Array.isArray(doc.cases)) return [unreadable(path, suite, new Error('`cases` is not a list'))];
  return ((doc?.cases as unknown[] | undefined) ?? []).map((raw, i) => {
    const c = raw as Record<string, unknown>;
    return {
      suite,
      file: path,
      note: typeof c.note === 'string' ? c.note : `${suite}/#${i}`,
      query: String(c.query ?? ''),
      modules: Array.isArray(c.modules) ? c.modules.map(String) : [],
      data: c.data,
      input: c.input,
      inputTerm: typeof c.input_term === 'string' ? c.input_term : undefined,
      wantResult: Array.isArray(c.want_result) ? (c.want_result as Array<Record<string, unknown>>) : undefined,
      sortBindings: c.sort_bindings === true,
      wantErrorCode: typeof c.want_error_code === 'string' ? c.want_error_code : undefined,
      wantError: typeof c.want_error === 'string' ? c.want_error : undefined,
      strictError: c.strict_error === true,
    };
  });
}

/** Every case under `dir/v1`, in file order; `suites` (directory names) narrows the set when not empty. */
export function loadCases(dir: string, suites: readonly string[] = []): ConformanceCase[] {
  const root = join(dir, 'v1');
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`${root} is not a directory: expected the compliance suite's v1 folder`);
  }
  const wanted = new Set(suites);
  const cases: ConformanceCase[] = [];
  for (const suite of readdirSync(root).sort()) {
    if (wanted.size > 0 && !wanted.has(suite)) continue;
    const suiteDir = join(root, suite);
    if (!statSync(suiteDir).isDirectory()) continue;
    for (const file of readdirSync(suiteDir).filter((f) => f.endsWith('.yaml')).sort()) {
      cases.push(...readCases(join(suiteDir, file), suite));
    }
  }
  return cases;
}
