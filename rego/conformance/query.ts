// A compliance query becomes a rule so that any query shape compiles through the normal pipeline:
//
//   package __conformance__
//   q contains {"x": x, "y": y} if { <query> }
//
// Each element of `q` is one set of bindings of the query's variables, as OPA reports query results.

import { parseQuery, parseTermText } from '../syntax/parser.js';
import type { Body, Term } from '../syntax/ast.js';
import { bodyVars } from '../check/walk.js';

export const QUERY_PACKAGE = '__conformance__';
export const QUERY_RULE = 'q';
export const QUERY_ENTRYPOINT = `${QUERY_PACKAGE}/${QUERY_RULE}`;
export const QUERY_FILE = '__conformance__.rego';

const NOT_BINDINGS = new Set(['data', 'input', '_']);

function isBinding(name: string): boolean {
  return !NOT_BINDINGS.has(name) && !name.startsWith('$');
}

/** The query's variables in first-use order; comprehension bodies keep theirs to themselves. */
export function queryVariables(body: Body): string[] {
  return [...bodyVars(body).keys()].filter(isBinding);
}

function isWholeData(t: Term): boolean {
  return (t.type === 'var' && t.name === 'data') || (t.type === 'ref' && t.path.length === 0 && isWholeData(t.head));
}

/**
 * For `data = x` (or `x = data`), the variable bound to all of data. Such a query cannot become a rule: the rule
 * would be part of the data it reads. It runs as the whole-data entrypoint instead.
 */
export function wholeDataVariable(query: string): string | undefined {
  const body = parseQuery(query, QUERY_FILE);
  if (body.length !== 1) return undefined;
  const e = body[0];
  if (e.type !== 'unify' || e.negated || e.with.length > 0) return undefined;
  for (const [a, b] of [[e.left, e.right], [e.right, e.left]]) {
    if (isWholeData(a) && b.type === 'var' && isBinding(b.name)) return b.name;
  }
  return undefined;
}

/** The module that evaluates `query`; throws RegoErrors when the query does not parse. */
export function queryModule(query: string): string {
  const vars = queryVariables(parseQuery(query, QUERY_FILE));
  const bindings = vars.map((v) => `${JSON.stringify(v)}: ${v}`).join(', ');
  return `package ${QUERY_PACKAGE}\n\n${QUERY_RULE} contains {${bindings}} if {\n${query}\n}\n`;
}

/** A ground Rego term (the suite's `input_term`) as the JSON the engine takes; sets become arrays. */
export function termToJson(t: Term): unknown {
  switch (t.type) {
    case 'null':
      return null;
    case 'boolean':
      return t.value;
    case 'number':
      return Number(t.value);
    case 'string':
      return t.value;
    case 'array':
    case 'set':
      return t.items.map(termToJson);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of t.entries) {
        if (k.type !== 'string') throw new Error(`input_term: object key at ${k.loc.row}:${k.loc.col} is not a string`);
        out[k.value] = termToJson(v);
      }
      return out;
    }
    default:
      throw new Error(`input_term: ${t.type} at ${t.loc.row}:${t.loc.col} is not a ground value`);
  }
}

export function parseInputTerm(text: string): unknown {
  return termToJson(parseTermText(text, 'input_term'));
}
