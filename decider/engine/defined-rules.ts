// Whether any rule of a policy defines (all or part of) a document such as `data.taskgate.approve`. The compiler
// plans an entrypoint no rule defines to an undefined result, which is right for evaluation but says nothing to
// a person: knowing the rule is missing lets the decider say so.
import type { Module, Term } from '../../rego/syntax/ast.js';

/** `path` is slash-separated, as entrypoints are named (`taskgate/approve`). */
export function definesDocument(modules: readonly Module[], path: string): boolean {
  const target = path.split('/');
  return modules.some((module) => module.rules.some((rule) => overlaps([...module.package.path, ...leadingNames(rule.head.ref)], target)));
}

/** The rule's ref up to its first variable part (`p[x]` defines some key of p, so p is where it may land). */
function leadingNames(ref: readonly Term[]): string[] {
  const names: string[] = [];
  for (const term of ref) {
    if (term.type !== 'string') break;
    names.push(term.value);
  }
  return names;
}

/** A rule at `a.b` defines part of `a.b.c`'s parent object and all of `a.b.c` when it is at or under it. */
function overlaps(rulePath: readonly string[], target: readonly string[]): boolean {
  const shared = Math.min(rulePath.length, target.length);
  return rulePath.slice(0, shared).every((name, i) => name === target[i]);
}

/** Whether a data document (data.json, data.yaml) holds anything at `path`. */
export function dataDefines(data: Record<string, unknown>, path: string): boolean {
  let node: unknown = data;
  for (const name of path.split('/')) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, name)) return false;
    node = (node as Record<string, unknown>)[name];
  }
  return true;
}
