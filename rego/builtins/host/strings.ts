// String builtins that the WASM runtime leaves to the host, and those OPA's runtime imports from its host although
// ours has them natively (strings.count, strings.reverse, strings.any_*_match), for modules built by `opa build`.

import { BuiltinError, arr, obj, str, typeName } from './args.js';
import { goSprintf } from './gofmt.js';
import { renderTemplate } from './template.js';

function sprintf(format: unknown, values: unknown): string {
  return goSprintf(str(format, 1), arr(values, 2));
}

/** Every index (in characters, as OPA counts runes) where `search` starts; overlapping matches count. */
function indexofN(haystack: unknown, needle: unknown): number[] {
  const chars = [...str(haystack, 1)];
  const search = [...str(needle, 2)];
  const found: number[] = [];
  for (let i = 0; i + search.length <= chars.length; i++) {
    if (search.every((c, j) => chars[i + j] === c)) found.push(i);
  }
  return found;
}

/**
 * Go's strings.Replacer over the pairs sorted by key: at each position the first key (in that order) that
 * matches wins, and replaced text is never scanned again.
 */
function replaceN(patterns: unknown, value: unknown): string {
  const pairs = Object.entries(obj(patterns, 1));
  const s = str(value, 2);
  for (const [, to] of pairs) if (typeof to !== 'string') throw new BuiltinError('operand 1 must be object[string: string]');
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let out = '';
  let i = 0;
  while (i <= s.length) {
    const hit = pairs.find(([from]) => s.startsWith(from, i));
    if (hit) {
      out += hit[1] as string;
      if (hit[0].length > 0) {
        i += hit[0].length;
        continue;
      }
    }
    if (i < s.length) out += s[i];
    i++;
  }
  return out;
}

function renderTemplateBuiltin(template: unknown, vars: unknown): string {
  return renderTemplate(str(template, 1), obj(vars, 2));
}

/** Go's strings.Count: non-overlapping occurrences; an empty substring occurs between characters (count + 1). */
function count(value: unknown, search: unknown): number {
  const s = str(value, 1);
  const sub = str(search, 2);
  if (sub === '') return [...s].length + 1;
  let n = 0;
  for (let at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length)) n++;
  return n;
}

/** Reversed by character (code point), as OPA reverses runes. */
function reverse(value: unknown): string {
  return [...str(value, 1)].reverse().join('');
}

/** The any_*_match operands: one string, or an array (or set) of strings. */
function stringOrStrings(v: unknown, pos: number): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) throw new BuiltinError(`operand ${pos} must be one of {string, set, array} but got ${typeName(v)}`);
  for (const x of v) {
    if (typeof x !== 'string') throw new BuiltinError(`operand ${pos} must be array of strings but got array containing ${typeName(x)}`);
  }
  return v as string[];
}

function anyPrefixMatch(search: unknown, prefixes: unknown): boolean {
  const values = stringOrStrings(search, 1);
  const bases = stringOrStrings(prefixes, 2);
  return values.some((s) => bases.some((b) => s.startsWith(b)));
}

function anySuffixMatch(search: unknown, suffixes: unknown): boolean {
  const values = stringOrStrings(search, 1);
  const bases = stringOrStrings(suffixes, 2);
  return values.some((s) => bases.some((b) => s.endsWith(b)));
}

export const stringBuiltins = {
  sprintf,
  indexof_n: indexofN,
  'strings.replace_n': replaceN,
  'strings.render_template': renderTemplateBuiltin,
  'strings.count': count,
  'strings.reverse': reverse,
  'strings.any_prefix_match': anyPrefixMatch,
  'strings.any_suffix_match': anySuffixMatch,
};
