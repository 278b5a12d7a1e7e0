// Where each rule lives in the data document and what kind of rule it is.
import type { Module, Rule, RuleKind, Term } from '../syntax/ast.js';
import { isGround } from './walk.js';

export function rulePath(mod: Module, rule: Rule): Term[] {
  const loc = mod.package.loc;
  const prefix: Term[] = ['data', ...mod.package.path].map((value) => ({ type: 'string', value, loc }));
  return [...prefix, ...rule.head.ref];
}

export function ruleKind(rule: Rule): RuleKind {
  const h = rule.head;
  if (h.args !== undefined) return 'function';
  if (h.contains) return 'partial_set';
  return h.ref.every(isGround) ? 'complete' : 'partial_object';
}

/** The leading string segments of an absolute path, without "data". */
export function staticSegments(path: readonly Term[]): string[] {
  const segments: string[] = [];
  for (const t of path.slice(1)) {
    if (t.type !== 'string') break;
    segments.push(t.value);
  }
  return segments;
}

/** The key of `CheckedPolicy.byPath`: `pkg.p` for data.pkg.p[x]. */
export function pathKey(path: readonly Term[]): string {
  return staticSegments(path).join('.');
}

/** `data.pkg.p` for messages. */
export function pathText(path: readonly Term[]): string {
  return ['data', ...staticSegments(path)].join('.');
}

export function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((s, i) => s === of[i]);
}
