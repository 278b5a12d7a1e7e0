// glob.match with the gobwas/glob syntax OPA uses: `*` stays within delimiters, `**` crosses them, `?` is one
// non-delimiter character, `[abc]` `[!abc]` `[a-z]` are character lists, `{a,b}` are alternatives, `\` escapes.

import { BuiltinError, str } from './args.js';

const CACHE_LIMIT = 500;
const cache = new Map<string, RegExp>();

function escapeForClass(ch: string): string {
  return /[\\\]\[^-]/.test(ch) ? '\\' + ch : ch;
}

function escapeLiteral(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? '\\' + ch : ch;
}

/** Translates a glob to regex source; `stopAt` ends an alternative inside `{...}`. */
function translate(chars: string[], at: number, notDelim: string, nested: boolean): { source: string; end: number } {
  let out = '';
  let i = at;
  while (i < chars.length) {
    const c = chars[i];
    if (nested && (c === ',' || c === '}')) break;
    if (c === '*') {
      if (chars[i + 1] === '*') {
        out += '[\\s\\S]*';
        i += 2;
      } else {
        out += `${notDelim}*`;
        i++;
      }
    } else if (c === '?') {
      out += notDelim;
      i++;
    } else if (c === '[') {
      const close = chars.indexOf(']', i + 1);
      if (close < 0) throw new BuiltinError('unexpected end of input: missing ]');
      let body = chars.slice(i + 1, close);
      const negated = body[0] === '!';
      if (negated) body = body.slice(1);
      let cls = '';
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          cls += `${escapeForClass(body[k])}-${escapeForClass(body[k + 2])}`;
          k += 2;
        } else cls += escapeForClass(body[k]);
      }
      out += `[${negated ? '^' : ''}${cls}]`;
      i = close + 1;
    } else if (c === '{') {
      const alternatives: string[] = [];
      let k = i + 1;
      for (;;) {
        const alt = translate(chars, k, notDelim, true);
        alternatives.push(alt.source);
        if (alt.end >= chars.length) throw new BuiltinError('unexpected end of input: missing }');
        k = alt.end + 1;
        if (chars[alt.end] === '}') break;
      }
      out += `(?:${alternatives.join('|')})`;
      i = k;
    } else if (c === '\\') {
      if (i + 1 >= chars.length) throw new BuiltinError('unexpected end of input: trailing \\');
      out += escapeLiteral(chars[i + 1]);
      i += 2;
    } else {
      out += escapeLiteral(c);
      i++;
    }
  }
  return { source: out, end: i };
}

function compileGlob(pattern: string, delimiters: string[]): RegExp {
  const key = JSON.stringify([pattern, delimiters]);
  let re = cache.get(key);
  if (!re) {
    const notDelim = delimiters.length ? `[^${delimiters.map(escapeForClass).join('')}]` : '[\\s\\S]';
    re = new RegExp(`^${translate([...pattern], 0, notDelim, false).source}$`, 'u');
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** `null` means no delimiters; an empty array means the default, `.`. */
function delimitersOf(v: unknown): string[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw new BuiltinError('operand 2 must be array or null');
  const runes = v.flatMap((d) => {
    if (typeof d !== 'string') throw new BuiltinError('operand 2 must be array of strings');
    return [...d];
  });
  return runes.length ? runes : ['.'];
}

function match(pattern: unknown, delimiters: unknown, value: unknown): boolean {
  return compileGlob(str(pattern, 1), delimitersOf(delimiters)).test(str(value, 3));
}

function quoteMeta(pattern: unknown): string {
  return str(pattern, 1).replace(/[*?\\[\]{}]/g, '\\$&');
}

export const globBuiltins = {
  'glob.match': match,
  'glob.quote_meta': quoteMeta,
};
