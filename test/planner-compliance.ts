// Runs OPA compliance cases of the form `data.<path> = <var>` through the planner, for the planner's own tests.
// The cases are read from ../shared/rego-compliance at test time (never copied into the project).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseModule } from '../rego/syntax/parser.js';
import { constOf } from '../rego/plan/consts.js';
import type { ConstValue } from '../rego/plan/ir.js';

export const COMPLIANCE_ROOT = '/work/shared/rego-compliance/v1';

export interface ComplianceCase {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Array<Record<string, unknown>>;
  want_error_code?: string;
  want_error?: string;
  sort_bindings?: boolean;
  strict_error?: boolean;
}

export function casesIn(suite: string): ComplianceCase[] {
  const dir = join(COMPLIANCE_ROOT, suite);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => (parse(readFileSync(join(dir, f), 'utf8')) as { cases?: ComplianceCase[] }).cases ?? []);
}

/** `data.a.b = x` -> {entrypoint: "a/b", variable: "x"}; undefined for other query forms. */
export function simpleQuery(query: string): { entrypoint: string; variable: string } | undefined {
  const m = /^data((?:\.[A-Za-z_][A-Za-z0-9_]*)*) = ([A-Za-z_][A-Za-z0-9_]*)$/.exec(query.trim());
  if (!m || m[2] === 'input' || m[2] === 'data') return undefined;
  return { entrypoint: m[1].split('.').filter(Boolean).join('/'), variable: m[2] };
}

export type Outcome = { status: 'pass' } | { status: 'skip'; why: string } | { status: 'fail'; why: string };

/** Evaluates one case with `evaluate` (undefined result = undefined; throws on errors) and judges it. */
export async function judge(
  c: ComplianceCase,
  evaluate: (modules: string[], entrypoint: string, input: unknown, data: unknown) => Promise<unknown>,
): Promise<Outcome> {
  const q = simpleQuery(c.query);
  if (!q) return { status: 'skip', why: 'query form' };
  let input = c.input;
  if (c.input_term !== undefined) {
    input = termAsJSON(c.input_term);
    if (input === undefined) return { status: 'skip', why: 'input_term is not JSON' };
  }
  let result: unknown;
  try {
    result = await evaluate(c.modules ?? [], q.entrypoint, input, c.data ?? {});
  } catch (e) {
    const message = e instanceof Error ? e.message : JSON.stringify(e) ?? String(e);
    if (c.want_error_code || c.want_error) return { status: 'pass' };
    if (/no builtin|not supported yet|not implemented: built-in/.test(message)) return { status: 'skip', why: message };
    return { status: 'fail', why: `error: ${message.slice(0, 300)}` };
  }
  if (c.want_error_code || c.want_error) {
    if (c.strict_error && result === undefined) return { status: 'pass' };
    // As OPA runs its WASM target: of the evaluation errors, only conflicts are checked (builtin errors are
    // undefined results outside strict mode).
    const code = c.want_error_code ?? '';
    if (code.startsWith('eval_') && code !== 'eval_conflict_error') return { status: 'skip', why: `${code} not checked on WASM` };
    return { status: 'fail', why: `wanted error ${c.want_error_code}, got ${JSON.stringify(result)}` };
  }
  const want = c.want_result ?? [];
  if (want.length === 0) {
    return result === undefined ? { status: 'pass' } : { status: 'fail', why: `wanted undefined, got ${JSON.stringify(result)}` };
  }
  if (want.length !== 1) return { status: 'skip', why: 'several results' };
  const expected = want[0][q.variable];
  if (result === undefined) return { status: 'fail', why: `wanted ${JSON.stringify(expected)}, got undefined` };
  const sorted = c.sort_bindings === true;
  return canonical(result, sorted) === canonical(expected, sorted)
    ? { status: 'pass' }
    : { status: 'fail', why: `wanted ${JSON.stringify(expected)}, got ${JSON.stringify(result)}` };
}

/** Key-order-insensitive JSON; with `sortArrays`, element-order-insensitive too. */
export function canonical(v: unknown, sortArrays = false): string {
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x, sortArrays));
    return `[${(sortArrays ? items.sort() : items).join(',')}]`;
  }
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k], sortArrays)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A ground Rego term as JSON; undefined when it is not ground or holds what JSON cannot (sets, non-string keys). */
function termAsJSON(text: string): unknown {
  const rule = parseModule(`package input_term\nv := ${text}\n`, 'input_term.rego').rules[0];
  const value = rule?.head.value && constOf(rule.head.value);
  return value ? constToJSON(value) : undefined;
}

function constToJSON(c: ConstValue): unknown {
  switch (c.type) {
    case 'null':
      return null;
    case 'boolean':
    case 'string':
      return c.value;
    case 'number':
      return Number(c.text);
    case 'array': {
      const items = c.items.map(constToJSON);
      return items.includes(undefined) ? undefined : items;
    }
    case 'set':
      return undefined;
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of c.entries) {
        const value = constToJSON(v);
        if (k.type !== 'string' || value === undefined) return undefined;
        out[k.value] = value;
      }
      return out;
    }
  }
}
