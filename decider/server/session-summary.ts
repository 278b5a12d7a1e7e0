// The summary a shim sends with CloseSession, checked before it becomes a `session_closed` audit record. It is the
// shim's own account, so it is held to a small, flat shape that every reader (audit ls, exports, people) can trust:
// counters are whole non-negative numbers, and nothing in it can forge lines in a table or a log.
import type { JsonValue } from '../store/index.js';
import { NOT_ONE_LINE } from './one-line.js';
import { invalid } from './refusal.js';

export type SessionSummary = { readonly [key: string]: string | number | boolean | null };

/** What the Postgres shim counts (docs/policy-contract.md); each must be a counter when present. */
export const SUMMARY_COUNTERS: readonly string[] = ['statements', 'allowed', 'denied', 'decisions', 'decisions_reused', 'rows_returned', 'cells_masked'];

const KEY = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_STRING_BYTES = 1024;

/** Parses summary_json: a flat JSON object; throws an INVALID_ARGUMENT refusal naming the offending member. */
export function parseSessionSummary(text: string): SessionSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw refuse(` is not JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw refuse(` must be a JSON object of counters, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
  }
  for (const [key, value] of Object.entries(parsed as Record<string, JsonValue>)) checkMember(key, value);
  return parsed as SessionSummary;
}

function checkMember(key: string, value: JsonValue): void {
  if (!KEY.test(key)) throw refuse(` has the member name ${JSON.stringify(key)}: use lowercase letters, digits and _ (at most 64)`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw refuse(`.${key} is ${value}: a counter must be a whole number, 0 or more`);
    return;
  }
  if (SUMMARY_COUNTERS.includes(key)) throw refuse(`.${key} is ${JSON.stringify(value)}: it is a counter, so a whole number, 0 or more`);
  if (typeof value === 'string') {
    if (NOT_ONE_LINE.test(value)) throw refuse(`.${key} holds a control character (or a line separator or bidirectional override): a text value must be one line`);
    if (Buffer.byteLength(value, 'utf8') > MAX_STRING_BYTES) throw refuse(`.${key} is longer than ${MAX_STRING_BYTES} bytes`);
    return;
  }
  if (value !== null && typeof value !== 'boolean') {
    throw refuse(`.${key} is ${Array.isArray(value) ? 'an array' : 'an object'}: a summary is flat (counters, text, true/false, null)`);
  }
}

/** `problem` starts with a space, or with `.member` to name where in the summary it is. */
function refuse(problem: string) {
  return invalid('invalid_request', `summary_json${problem}`);
}
