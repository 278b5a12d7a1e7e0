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
  return encode(value, [what], 0);
}

/**
 * Where the encoder is: the root's name, then member names and array indexes. Kept as a stack and spelled out
 * only for an error, because every decision's operation is encoded and building paths dominated the cost.
 */
type Path = Array<string | number>;

function encode(value: unknown, path: Path, depth: number): string {
  if (depth > MAX_DEPTH) throw invalid(path, `nests deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw invalid(path, `is ${value}, which JSON cannot hold`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return encodeArray(value, path, depth);
      if (isPlainObject(value)) return encodeObject(value as Record<string, unknown>, path, depth);
  }
  throw invalid(path, `is ${describe(value)}, not a JSON value`);
}

function encodeArray(array: readonly unknown[], path: Path, depth: number): string {
  let text = '[';
  for (let i = 0; i < array.length; i++) {
    path.push(i);
    if (!(i in array)) throw invalid(path, 'is a hole in a sparse array');
    text += (i === 0 ? '' : ',') + encode(array[i], path, depth + 1);
    path.pop();
  }
  return `${text}]`;
}

function encodeObject(record: Record<string, unknown>, path: Path, depth: number): string {
  const keys = Object.keys(record);
  // Documents parsed from canonical text are already in order; sorting only when needed saves a copy.
  if (!isSorted(keys)) keys.sort();
  let text = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    path.push(key);
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${encode(member, path, depth + 1)}`;
    path.pop();
  }
  return `${text}}`;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return `an instance of ${value.constructor?.name ?? 'an object'}`;
  return `of type ${typeof value}`;
}

function invalid(path: Path, problem: string): StoreError {
  const where = path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
  return new StoreError('invalid_record', `${where} ${problem}`);
}

/** Parses a JSON column the store wrote itself. */
export function parseStoredJson(text: string | null): JsonValue | null {
  return text === null ? null : (JSON.parse(text) as JsonValue);
}
