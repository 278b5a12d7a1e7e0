// What binds an approval to one operation: a hash of the resource, the operation document as the shim described
// it (for Postgres that holds the statement text, not only libpg-query's constant-blind fingerprint) and any
// bound parameters. Canonical JSON makes key order irrelevant, so a re-sent operation hashes the same.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../store/canonical-json.js';
import type { JsonValue } from '../store/index.js';

export function operationFingerprint(resource: string, operation: JsonValue, parameters?: readonly JsonValue[]): string {
  const document = { resource, operation, parameters: parameters ?? [] };
  return createHash('sha256').update(canonicalJson(document, 'operation')).digest('hex');
}
