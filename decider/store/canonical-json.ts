// One JSON text per JSON value, so that the same document is always stored (and hashed) as the same bytes.
import { StoreError } from './errors.js';
import type { JsonValue } from './index.js';

/** Nesting deeper than this is refused rather than risking the stack (or a cycle) on hostile input. */
const MAX_DEPTH = 128;

/**
 * Canonical form: no whitespace; object keys sorted by UTF-16 code units (JavaScript's default string order);
 * strings and numbers as JSON.stringify writes them. An object member whose value is undefined is left out, as
 * JSON.stringify does (TypeScript's optional fields produce them). Anything else that is not plain JSON is
 * refused with `invalid_record`: undefined elsewhere, functions, bigint, non-finite numbers, class instances
 * (Date, Map ...) and sparse arrays.
 */
export function canonicalJson(value: unknown, what: string): string {
  return encode(value, what, 0);
}

function encode(value: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) throw invalid(path, `nests deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(path, `is ${value}, which JSON cannot hold`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw invalid(`${path}[${i}]`, 'is a hole in a sparse array');
      parts.push(encode(value[i], `${path}[${i}]`, depth + 1));
    }
    return `[${parts.join(',')}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    const parts = keys.map((k) => `${JSON.stringify(k)}:${encode(record[k], `${path}.${k}`, depth + 1)}`);
    return `{${parts.join(',')}}`;
  }
  throw invalid(path, `is ${describe(value)}, not a JSON value`);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return `an instance of ${value.constructor?.name ?? 'an object'}`;
  return `of type ${typeof value}`;
}

function invalid(path: string, problem: string): StoreError {
  return new StoreError('invalid_record', `${path} ${problem}`);
}

/** Parses a JSON column the store wrote itself. */
export function parseStoredJson(text: string | null): JsonValue | null {
  return text === null ? null : (JSON.parse(text) as JsonValue);
}
