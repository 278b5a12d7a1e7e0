// What the decider accepts inside a shim's JSON documents beyond "it parses". JSON.parse takes any nesting and
// turns a number too large for a double into Infinity; the rest of the decider (JSON.stringify, the canonical
// encoder that fingerprints approvals, the policy) either overflows the stack on deep nesting or silently writes
// Infinity as null, so the policy and the audit record would see something else than the shim sent.

/** Deeper than any operation a shim describes (an HTTP body is the deepest); the canonical encoder allows 128. */
export const MAX_JSON_DEPTH = 64;

/**
 * Which numbers a document may hold: any finite one (what a description of an operation needs), or only integers
 * a double holds exactly, for values that bind an approval: two different numbers there must never read alike,
 * as 9007199254740993 and 9007199254740992 do once parsed. Shims send other values as strings.
 */
export type NumberRule = 'finite' | 'exact-integers';

interface Limits {
  readonly maxDepth: number;
  readonly numbers: NumberRule;
}

/** What makes a parsed document unacceptable, naming where; undefined when it is fine. */
export function jsonProblem(value: unknown, root: string, numbers: NumberRule = 'finite', maxDepth = MAX_JSON_DEPTH): string | undefined {
  return problemAt(value, [root], 0, { maxDepth, numbers });
}

function problemAt(value: unknown, path: Array<string | number>, depth: number, limits: Limits): string | undefined {
  if (typeof value === 'number') return numberProblem(value, path, limits.numbers);
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= limits.maxDepth) return `${pathText(path)} nests deeper than ${limits.maxDepth} levels`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = memberProblem(value[i], i, path, depth, limits);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const problem = memberProblem((value as Record<string, unknown>)[key], key, path, depth, limits);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function numberProblem(value: number, path: ReadonlyArray<string | number>, rule: NumberRule): string | undefined {
  if (!Number.isFinite(value)) return `${pathText(path)} is a number too large for a 64-bit float`;
  if (rule === 'exact-integers' && !Number.isSafeInteger(value)) {
    return `${pathText(path)} is ${value}, a number that does not bind one exact value: send it as a string`;
  }
  return undefined;
}

function memberProblem(member: unknown, key: string | number, path: Array<string | number>, depth: number, limits: Limits): string | undefined {
  path.push(key);
  const problem = problemAt(member, path, depth + 1, limits);
  path.pop();
  return problem;
}

/** Longest path a message quotes: member names are the sender's, and may be long. */
const MAX_PATH_CHARS = 200;

/** The path as a reader writes it, e.g. operation_json.http.body[3].a. */
function pathText(path: ReadonlyArray<string | number>): string {
  const text = path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
  return text.length > MAX_PATH_CHARS ? `${text.slice(0, MAX_PATH_CHARS)}...` : text;
}
