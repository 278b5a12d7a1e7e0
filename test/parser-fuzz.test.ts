// Robustness: the parser, fed truncated and garbled policies, either parses or throws RegoErrors whose every error
// points inside the text. Nothing else may be thrown and nothing may hang. The inputs come from a seeded PRNG, so
// a failure reproduces; the failing input is printed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { RegoErrors } from '../rego/errors.js';
import { parseModule } from '../rego/syntax/parser.js';

// OPA's compliance suite lives beside the project, at ../shared/rego-compliance.
const SUITE = new URL('../../shared/rego-compliance/v1', import.meta.url).pathname;
const POLICIES = new URL('../policies', import.meta.url).pathname;

/** mulberry32: small, fast, and good enough to spread mutations around. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function regoFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return regoFiles(path);
    return name.endsWith('.rego') ? [readFileSync(path, 'utf8')] : [];
  });
}

function complianceModules(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(SUITE).sort()) {
    for (const name of readdirSync(join(SUITE, dir)).filter((n) => n.endsWith('.yaml')).sort()) {
      const doc = parseYaml(readFileSync(join(SUITE, dir, name), 'utf8')) as { cases?: Array<{ modules?: string[] }> };
      for (const c of doc.cases ?? []) out.push(...(c.modules ?? []));
    }
  }
  return out;
}

// Characters that matter to the grammar, plus a few that do not belong in Rego at all.
const NOISE = ['{', '}', '[', ']', '(', ')', '"', '`', '$"', '\\', '\\u', '.', ':', ':=', '=', ',', ';', '|', '&', '#',
  '\n', ' ', '-', '0', '1e', 'if', 'else', 'in', 'some', 'every', 'not', 'with', 'as', 'contains', 'default', 'import',
  'package', '_', 'x', '@', '!', '\u00e9', '\ud83d', '\ude00', '\u0000', '\r'];

function garble(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let n = 0; n < edits; n++) {
    const at = Math.floor(random() * (out.length + 1));
    const noise = NOISE[Math.floor(random() * NOISE.length)];
    const choice = random();
    if (choice < 0.4) out = out.slice(0, at) + noise + out.slice(at);
    else if (choice < 0.7) out = out.slice(0, at) + noise + out.slice(at + 1 + Math.floor(random() * 3));
    else out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 8));
  }
  return out;
}

/** Does (row, col) fall on the text, counting columns in code points, or just past the end of a line? */
function insideText(text: string, row: number, col: number): boolean {
  const lines = text.split('\n');
  if (!Number.isInteger(row) || row < 1 || row > lines.length) return false;
  return Number.isInteger(col) && col >= 1 && col <= [...lines[row - 1]].length + 1;
}

/** Parses and returns what went wrong, or undefined when the outcome is acceptable. */
function check(text: string): string | undefined {
  const start = performance.now();
  try {
    parseModule(text, 'fuzz.rego');
  } catch (err) {
    if (!(err instanceof RegoErrors)) return `threw ${String(err)}`;
    if (err.errors.length === 0) return 'threw RegoErrors without errors';
    for (const one of err.errors) {
      if (one.code !== 'rego_parse_error') return `error code ${one.code}`;
      if (one.loc.file !== 'fuzz.rego') return `error in file ${one.loc.file}`;
      if (!insideText(text, one.loc.row, one.loc.col)) return `error located outside the text: ${one.loc.row}:${one.loc.col}`;
    }
  }
  const elapsed = performance.now() - start;
  return elapsed > 250 ? `took ${elapsed.toFixed(0)} ms` : undefined;
}

describe('parser fuzzing', () => {
  const sources = [...regoFiles(POLICIES), ...complianceModules()].filter((s) => s.length > 0);

  it('survives truncated policies', () => {
    const random = prng(1);
    let count = 0;
    for (let n = 0; n < 2000; n++) {
      const source = sources[Math.floor(random() * sources.length)];
      const cut = source.slice(0, Math.floor(random() * source.length));
      const problem = check(cut);
      expect(problem, `input:\n${cut}`).toBeUndefined();
      count++;
    }
    expect(count).toBe(2000);
  });

  it('survives garbled policies', () => {
    const random = prng(2);
    let failedToParse = 0;
    for (let n = 0; n < 3000; n++) {
      const source = sources[Math.floor(random() * sources.length)];
      const input = garble(source, random);
      const problem = check(input);
      expect(problem, `input:\n${JSON.stringify(input)}`).toBeUndefined();
      try {
        parseModule(input, 'fuzz.rego');
      } catch {
        failedToParse++;
      }
    }
    // Most garbled inputs are errors: the mutations did reach the parser's error paths.
    expect(failedToParse).toBeGreaterThan(1500);
  });

  it('survives every prefix of one policy, character by character', () => {
    const source = sources.reduce((longest, s) => (s.length > longest.length ? s : longest), '').slice(0, 3000);
    for (let end = 0; end <= source.length; end++) {
      const prefix = source.slice(0, end);
      expect(check(prefix), `input:\n${prefix}`).toBeUndefined();
    }
  });
});
