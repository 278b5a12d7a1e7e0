// RE2 patterns (what OPA's Go regexp accepts) compiled to JS RegExps. RE2 has no lookaround and no
// backreferences, so those are rejected here rather than silently given JS meaning; RE2-only syntax is
// translated: `(?P<name>)`, `\A` `\z`, `(?flags)` and `(?flags:...)` anywhere, `[[:alpha:]]`, `\pL`, `\Q...\E`,
// and a `{` that does not start a repetition is a literal. `.`, `^` and `$` are spelled out with RE2's meaning
// (only \n ends a line). Patterns run in JS's `u` mode so `.` matches a whole character, as RE2 matches a rune.
import { BuiltinError } from './args.js';
const POSIX_CLASSES = {
    alnum: '0-9A-Za-z',
    alpha: 'A-Za-z',
    ascii: '\\x00-\\x7F',
    blank: '\\t ',
    cntrl: '\\x00-\\x1F\\x7F',
    digit: '0-9',
    graph: '!-~',
    lower: 'a-z',
    print: ' -~',
    punct: '!-\\/:-@\\[-`{-~',
    space: '\\t\\n\\v\\f\\r ',
    upper: 'A-Z',
    word: '0-9A-Za-z_',
    xdigit: '0-9A-Fa-f',
};
// RE2's \s is ASCII whitespace only; JS's \s also matches Unicode spaces.
const SPACE_CHARS = '\\t\\n\\f\\r ';
// Characters that keep their backslash in JS `u` mode; any other escaped punctuation is written bare.
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
const GENERAL_CATEGORIES = new Set('L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Co Cs'.split(' '));
const MAX_REPEAT = 1000;
const CACHE_LIMIT = 500;
const cache = new Map();
/** Compiles (and caches) an RE2 pattern; throws BuiltinError with RE2's complaint for what RE2 rejects. */
export function compileRe2(pattern) {
    let re = cache.get(pattern);
    if (!re) {
        const { source, flags } = translate(pattern);
        try {
            re = new RegExp(source, flags + 'u');
        }
        catch (e) {
            throw new BuiltinError(`error parsing regexp: ${e.message}`);
        }
        if (cache.size >= CACHE_LIMIT)
            cache.clear();
        cache.set(pattern, re);
    }
    return re;
}
/** A fresh global copy for iterating matches (RegExp objects with `g` carry state). */
export function globalRe2(pattern) {
    const re = compileRe2(pattern);
    return new RegExp(re.source, re.flags + 'g');
}
function fail(what, pattern) {
    throw new BuiltinError(`error parsing regexp: ${what} in \`${pattern}\``);
}
const FLAG_GROUP = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/;
function applyFlags(flags, on, off, pattern) {
    if (on.includes('U') || off.includes('U'))
        fail('the ungreedy flag (?U) is not supported', pattern);
    const next = { ...flags };
    for (const f of on)
        next[f] = true;
    for (const f of off)
        next[f] = false;
    return next;
}
/**
 * Whether case folding can be left to JS's `i` flag: when the pattern sets it only in a leading `(?i)`. A flag
 * changed anywhere else is emulated by spelling out both cases, since JS has no inline flags.
 */
function caseFoldingIsGlobal(pattern) {
    const inner = pattern.replace(/^\(\?[ims]+\)/, '').replace(/\\./g, '').replace(/\[(?:\\.|[^\]])*\]/g, '');
    return !/\(\?[imsU]*-?[imsU]*[:)]/.test(inner) || !/\(\?[^:)]*i/.test(inner);
}
function translate(pattern) {
    let i = 0;
    let flags = { i: false, s: false, m: false };
    const leading = /^\(\?([imsU]+)\)/.exec(pattern);
    if (leading) {
        flags = applyFlags(flags, leading[1], '', pattern);
        i = leading[0].length;
    }
    const jsCaseFolding = flags.i && caseFoldingIsGlobal(pattern);
    const stack = [];
    let out = '';
    // What came last decides whether a repetition operator is allowed here, as RE2 checks it.
    let last = 'start';
    const repeat = (op) => {
        if (last === 'start')
            fail(`missing argument to repetition operator: \`${op}\``, pattern);
        if (last === 'lazy' || (last === 'repeat' && op !== '?'))
            fail(`invalid nested repetition operator: \`${op}\``, pattern);
        last = last === 'repeat' ? 'lazy' : 'repeat';
        out += op;
    };
    const atom = (text) => {
        out += text;
        last = 'atom';
    };
    const foldHere = () => flags.i && !jsCaseFolding;
    while (i < pattern.length) {
        const c = pattern[i];
        if (c === '\\') {
            const esc = translateEscape(pattern, i, false);
            atom(esc.text);
            i = esc.end;
        }
        else if (c === '[') {
            const cls = translateClass(pattern, i, foldHere());
            atom(cls.text);
            i = cls.end;
        }
        else if (c === '(') {
            const flagGroup = FLAG_GROUP.exec(pattern.slice(i));
            if (flagGroup && (flagGroup[1] || flagGroup[2] !== undefined)) {
                const changed = applyFlags(flags, flagGroup[1], flagGroup[2] ?? '', pattern);
                if (flagGroup[3] === ':') {
                    stack.push(flags);
                    out += '(?:';
                    last = 'start';
                }
                flags = changed;
                i += flagGroup[0].length;
                continue;
            }
            const grp = translateGroupOpen(pattern, i);
            stack.push(flags);
            out += grp.text;
            i = grp.end;
            last = 'start';
        }
        else if (c === ')') {
            if (stack.length === 0)
                fail('unexpected )', pattern);
            flags = stack.pop();
            atom(')');
            i++;
        }
        else if (c === '|') {
            out += c;
            i++;
            last = 'start';
        }
        else if (c === '.') {
            // RE2's `.` stops only at \n (JS's also stops at \r, U+2028 and U+2029).
            atom(flags.s ? '[\\s\\S]' : '[^\\n]');
            i++;
        }
        else if (c === '^') {
            atom(flags.m ? '(?<![^\\n])' : '(?<![\\s\\S])');
            i++;
        }
        else if (c === '$') {
            atom(flags.m ? '(?![^\\n])' : '(?![\\s\\S])');
            i++;
        }
        else if (c === '{') {
            const rep = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
            if (rep) {
                const lo = Number(rep[1]);
                const hi = rep[3] ? Number(rep[3]) : lo;
                if (lo > MAX_REPEAT || hi > MAX_REPEAT || (rep[3] && hi < lo))
                    fail(`invalid repeat count: \`${rep[0]}\``, pattern);
                repeat(rep[0]);
                i += rep[0].length;
            }
            else {
                atom('\\{');
                i++;
            }
        }
        else if (c === '*' || c === '+' || c === '?') {
            repeat(c);
            i++;
        }
        else {
            const ch = String.fromCodePoint(pattern.codePointAt(i));
            atom(c === '}' || c === ']' ? '\\' + c : foldHere() ? foldedLiteral(ch) : ch);
            i += ch.length;
        }
    }
    if (stack.length > 0)
        fail('missing closing )', pattern);
    return { source: out, flags: jsCaseFolding ? 'i' : '' };
}
/** Both cases of a letter, as a class; any other character as itself. */
function foldedLiteral(ch) {
    const variants = new Set([ch, ch.toLowerCase(), ch.toUpperCase()].filter((v) => [...v].length === 1));
    if (variants.size === 1)
        return JS_SYNTAX.has(ch) ? '\\' + ch : ch;
    return `[${[...variants].join('')}]`;
}
function translateGroupOpen(pattern, i) {
    const rest = pattern.slice(i);
    if (!rest.startsWith('(?'))
        return { text: '(', end: i + 1 };
    const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named)
        return { text: `(?<${named[1]}>`, end: i + named[0].length };
    if (rest.startsWith('(?:'))
        return { text: '(?:', end: i + 3 };
    if (/^\(\?(=|!|<=|<!)/.test(rest))
        fail('invalid or unsupported Perl syntax: `(?' + rest[2] + '`', pattern);
    return fail('invalid or unsupported Perl syntax: `' + rest.slice(0, 3) + '`', pattern);
}
function translateEscape(pattern, i, inClass) {
    const c = pattern[i + 1];
    if (c === undefined)
        fail('trailing backslash at end of expression', pattern);
    const end = i + 2;
    if (c >= '1' && c <= '9')
        fail(`invalid escape sequence: \`\\${c}\``, pattern);
    switch (c) {
        case 'A':
            if (inClass)
                fail('invalid escape sequence: `\\A`', pattern);
            return { text: '(?<![\\s\\S])', end };
        case 'z':
            if (inClass)
                fail('invalid escape sequence: `\\z`', pattern);
            return { text: '(?![\\s\\S])', end };
        case 's':
            return { text: inClass ? SPACE_CHARS : `[${SPACE_CHARS}]`, end };
        case 'S':
            if (inClass)
                return { text: '\\x00-\\x08\\x0B\\x0E-\\x1F\\x21-\\u{10FFFF}', end };
            return { text: `[^${SPACE_CHARS}]`, end };
        case 'd':
        case 'D':
        case 'w':
        case 'W':
        case 't':
        case 'n':
        case 'r':
        case 'f':
        case 'v':
            return { text: '\\' + c, end };
        case 'a':
            return { text: '\\x07', end };
        case 'b':
        case 'B':
            if (inClass)
                fail(`invalid escape sequence: \`\\${c}\``, pattern);
            return { text: '\\' + c, end };
        case 'x': {
            const braced = /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(pattern.slice(i));
            if (braced)
                return { text: `\\u{${braced[1]}}`, end: i + braced[0].length };
            const two = /^\\x([0-9A-Fa-f]{2})/.exec(pattern.slice(i));
            if (two)
                return { text: two[0], end: i + 4 };
            return fail('invalid escape sequence: `\\x`', pattern);
        }
        case '0': {
            const oct = /^\\([0-7]{1,3})/.exec(pattern.slice(i));
            return { text: `\\u{${parseInt(oct[1], 8).toString(16)}}`, end: i + oct[0].length };
        }
        case 'p':
        case 'P':
            return translateUnicodeClass(pattern, i, c);
        case 'Q': {
            const close = pattern.indexOf('\\E', end);
            const literal = pattern.slice(end, close < 0 ? pattern.length : close);
            const text = [...literal].map((ch) => (JS_SYNTAX.has(ch) || (inClass && ch === '-') ? '\\' + ch : ch)).join('');
            return { text, end: close < 0 ? pattern.length : close + 2 };
        }
        default:
            if (/[A-Za-z0-9]/.test(c))
                fail(`invalid escape sequence: \`\\${c}\``, pattern);
            if (JS_SYNTAX.has(c) || (inClass && c === '-'))
                return { text: '\\' + c, end };
            return { text: c, end };
    }
}
function translateUnicodeClass(pattern, i, c) {
    const m = /^\\[pP](\{(\^?)([A-Za-z_]+)\}|([A-Za-z]))/.exec(pattern.slice(i));
    if (!m)
        fail(`invalid character class range: \`${pattern.slice(i, i + 3)}\``, pattern);
    const name = m[3] ?? m[4];
    const negated = (c === 'P') !== (m[2] === '^');
    const body = name === 'Any' ? 'Any' : GENERAL_CATEGORIES.has(name) ? name : `Script=${name}`;
    return { text: `\\${negated ? 'P' : 'p'}{${body}}`, end: i + m[0].length };
}
/** The other case of the letters in [lo, hi], as class ranges (ASCII letters; other letters one by one). */
function otherCase(lo, hi) {
    const out = [];
    const clip = (a, b, shift) => {
        const from = Math.max(lo, a);
        const to = Math.min(hi, b);
        if (from <= to)
            out.push(`${String.fromCharCode(from + shift)}-${String.fromCharCode(to + shift)}`);
    };
    clip(0x61, 0x7a, -32);
    clip(0x41, 0x5a, 32);
    if (hi - lo < 256) {
        for (let cp = Math.max(lo, 0x80); cp <= hi; cp++) {
            const ch = String.fromCodePoint(cp);
            for (const v of [ch.toLowerCase(), ch.toUpperCase()])
                if (v !== ch && [...v].length === 1)
                    out.push(v);
        }
    }
    return out.join('');
}
function translateClass(pattern, start, foldCase) {
    let i = start + 1;
    let out = '[';
    let folded = '';
    if (pattern[i] === '^') {
        out += '^';
        i++;
    }
    // A `]` right after `[` or `[^` is a literal in RE2.
    if (pattern[i] === ']') {
        out += '\\]';
        i++;
    }
    while (i < pattern.length && pattern[i] !== ']') {
        const c = pattern[i];
        if (c === '[' && pattern[i + 1] === ':') {
            const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
            if (!posix || !(posix[2] in POSIX_CLASSES))
                fail(`invalid character class range: \`${pattern.slice(i, i + 9)}\``, pattern);
            if (posix[1])
                fail(`negated POSIX classes are not supported: \`${posix[0]}\``, pattern);
            out += POSIX_CLASSES[posix[2]];
            i += posix[0].length;
        }
        else if (c === '\\') {
            const esc = translateEscape(pattern, i, true);
            out += esc.text;
            i = esc.end;
        }
        else if (c === '[') {
            out += '\\[';
            i++;
        }
        else if (c === '-' && pattern[i + 1] !== ']' && i > start + 1 && out !== '[' && out !== '[^') {
            out += '-';
            i++;
        }
        else if (c === '-') {
            out += '\\-';
            i++;
        }
        else {
            const ch = String.fromCodePoint(pattern.codePointAt(i));
            out += ch === '/' || ch === '|' || ch === '{' || ch === '}' || ch === '(' || ch === ')' ? '\\' + ch : ch;
            i += ch.length;
            if (foldCase) {
                // A literal, or the end of a range `a-z`: add the other case of what it covers.
                const range = pattern[i - ch.length - 1] === '-' && /^[^\\]$/.test(pattern[i - ch.length - 2] ?? '\\');
                const lo = range ? pattern.codePointAt(i - ch.length - 2) : ch.codePointAt(0);
                if (!(pattern[i] === '-' && pattern[i + 1] !== ']'))
                    folded += otherCase(lo, ch.codePointAt(0));
            }
        }
    }
    if (i >= pattern.length)
        fail(`missing closing ]: \`${pattern.slice(start)}\``, pattern);
    if (out === '[' || out === '[^')
        fail(`missing closing ]: \`${pattern.slice(start)}\``, pattern);
    return { text: out + folded + ']', end: i + 1 };
}
//# sourceMappingURL=re2.js.map