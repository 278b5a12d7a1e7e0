// What a case expects and whether an outcome meets it, judged as OPA's harness for its own WASM target judges
// it (suite README): `want_result` is checked first when a case gives it; expected errors are checked only for
// conflicts; `strict_error` cases must give an empty result, because builtin errors are undefined outside strict
// mode; `sort_bindings` sorts each array bound in the outcome (after sets became arrays) before comparing.

import { compareValues } from '../builtins/host/order.js';
import type { ConformanceCase } from './cases.js';

export type Expectation =
  | { kind: 'result'; bindings: Array<Record<string, unknown>>; sortArrays: boolean }
  | { kind: 'conflict'; message?: string }
  | { kind: 'compile_error'; code: string; message?: string }
  | { kind: 'undefined' }
  | { kind: 'undefined_or_eval_error' };

/** What running a case produced. */
export type Outcome =
  | { kind: 'result'; bindings: unknown[] }
  | { kind: 'compile_error'; codes: string[]; message: string }
  | { kind: 'eval_error'; code: string; message: string };

export function expectationOf(c: ConformanceCase): Expectation {
  // One case gives both a result and the error strict mode would raise; OPA's WASM harness checks the result.
  if (c.wantResult !== undefined) return { kind: 'result', bindings: c.wantResult, sortArrays: c.sortBindings };
  const code = c.wantErrorCode;
  if (code === 'eval_conflict_error') return { kind: 'conflict', message: c.wantError };
  if (code?.startsWith('rego_')) return { kind: 'compile_error', code, message: c.wantError };
  if (code !== undefined || c.wantError !== undefined) {
    return c.strictError ? { kind: 'undefined' } : { kind: 'undefined_or_eval_error' };
  }
  return { kind: 'result', bindings: [], sortArrays: c.sortBindings };
}

/** JSON with object keys sorted, so equal Rego values give equal text. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Binding sets are compared as multisets: the query rule collects them into a set, which has no evaluation
 * order to compare against.
 */
export function sameBindings(actual: readonly unknown[], expected: readonly unknown[]): boolean {
  if (actual.length !== expected.length) return false;
  const a = actual.map(canonical).sort();
  const e = expected.map(canonical).sort();
  return a.every((x, i) => x === e[i]);
}

/**
 * `sort_bindings` in OPA's harness: every binding whose value is an array is sorted in OPA's order of JSON
 * values, so a set's elements (which became an array, sorted as Rego sorts sets) or a relation's results compare
 * whatever order they came out in. Only the outcome is sorted; the case lists its values already in that order.
 */
export function sortBoundArrays(bindings: readonly unknown[]): unknown[] {
  return bindings.map((b) => {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return b;
    const sorted: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(b)) sorted[name] = Array.isArray(value) ? [...value].sort(compareValues) : value;
    return sorted;
  });
}

/** Undefined when the outcome meets the expectation, otherwise why not. */
export function mismatch(expected: Expectation, actual: Outcome): string | undefined {
  switch (expected.kind) {
    case 'result': {
      if (actual.kind !== 'result') return `expected a result, got ${actual.kind}: ${actual.message}`;
      const bindings = expected.sortArrays ? sortBoundArrays(actual.bindings) : actual.bindings;
      return sameBindings(bindings, expected.bindings) ? undefined : 'result differs';
    }
    case 'conflict':
      if (actual.kind === 'eval_error' && actual.code === 'eval_conflict_error') return undefined;
      return `expected a conflict error, got ${describe(actual)}`;
    case 'compile_error':
      if (actual.kind !== 'compile_error' || !actual.codes.includes(expected.code)) {
        return `expected ${expected.code}, got ${describe(actual)}`;
      }
      if (expected.message && !actual.message.includes(expected.message)) {
        return `expected a message containing ${JSON.stringify(expected.message)}, got ${JSON.stringify(actual.message)}`;
      }
      return undefined;
    case 'undefined':
      if (actual.kind === 'result' && actual.bindings.length === 0) return undefined;
      return `expected an undefined (empty) result, got ${describe(actual)}`;
    case 'undefined_or_eval_error':
      if ((actual.kind === 'result' && actual.bindings.length === 0) || actual.kind === 'eval_error') return undefined;
      return `expected an evaluation error or an undefined result, got ${describe(actual)}`;
  }
}

function describe(o: Outcome): string {
  if (o.kind === 'result') return `result ${canonical(o.bindings)}`;
  if (o.kind === 'compile_error') return `compile error ${o.codes.join(', ')}: ${o.message}`;
  return `${o.code}: ${o.message}`;
}
