// Which functions a called name can mean. The policy grants functions by schema (a user function needs `exec`, a
// built-in is judged by its pg_catalog name), so a call is reported by the schema that may supply it, never by
// its bare name: `lower(x)` runs public.lower when public holds a better-matching overload or precedes pg_catalog.
import { effectiveSearchPath } from './catalog.js';
import { AnalysisError } from './errors.js';
import { objectsIn } from './nodes.js';

/** The schemas holding a function of a name, as looked up before the walk; undefined when it was not looked up. */
export type FunctionHolders = (name: string) => readonly string[] | undefined;

/**
 * The schema-qualified functions a call of `parts` (as parsed: `['lower']`, `['public', 'evil']`) may run under
 * `searchPath`:
 * - qualified: that schema's function (a leading database name is dropped: Postgres refuses any but the current);
 * - unqualified: every schema on the effective path that holds the name, except that pg_catalog is named only
 *   when no other schema on the path holds it, since overload resolution may pick any of them;
 * - found nowhere: the name as written (Postgres refuses the call).
 */
export function calledFunctions(parts: readonly string[], holders: FunctionHolders, searchPath: readonly string[]): string[] {
  // "pg_catalog.evil"() would read as a qualified built-in once reported.
  if (parts.some((part) => part.includes('.'))) {
    throw new AnalysisError(`function name ${parts.join('.')} contains a dot, which taskgate does not support`);
  }
  const name = parts[parts.length - 1];
  if (parts.length > 1) return [`${parts[parts.length - 2]}.${name}`];
  const held = holders(name);
  if (held === undefined) throw new AnalysisError(`function ${name} was not looked up before the walk`);
  const candidates = effectiveSearchPath(searchPath).filter((schema) => held.includes(schema));
  if (candidates.length === 0) return [name];
  const users = candidates.filter((schema) => schema !== 'pg_catalog');
  return (users.length > 0 ? users : ['pg_catalog']).map((schema) => `${schema}.${name}`);
}

/** The unqualified names of every function a subtree calls (FuncCall nodes and CALL's embedded call). */
export function* unqualifiedFunctionNames(value: unknown): Generator<string> {
  for (const record of objectsIn(value)) {
    const name = Array.isArray(record.funcname) && record.funcname.length === 1 ? stringValue(record.funcname[0]) : undefined;
    if (name !== undefined) yield name;
  }
}

function stringValue(node: unknown): string | undefined {
  const sval = (node as { String?: { sval?: unknown } } | undefined)?.String?.sval;
  return typeof sval === 'string' ? sval : undefined;
}

/** A function call outside pg_catalog may run anything, set_config('search_path', ...) included. */
export function mayChangeSearchPath(functionName: string): boolean {
  return !functionName.startsWith('pg_catalog.') || functionName === 'pg_catalog.set_config';
}
