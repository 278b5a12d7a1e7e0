// Regular-expression builtins with Go regexp (RE2) semantics: matches are found left to right without overlap,
// and an empty match right after the previous match is skipped, as Go's FindAll does. regex.match, re_match and
// regex.is_valid are native (rego/runtime/builtins/regex.ts).
import { BuiltinError, int, str } from './args.js';
import { compileRe2, globalRe2 } from './re2.js';
import { globsIntersect } from './regex_globs.js';
/** Go's FindAll: at most `n` matches (all when n < 0). */
function findAll(pattern, s, n) {
    const re = globalRe2(pattern);
    const found = [];
    let previousEnd = -1;
    let m;
    while ((n < 0 || found.length < n) && (m = re.exec(s)) !== null) {
        const end = m.index + m[0].length;
        if (m[0].length === 0) {
            // Advance by a whole character, and drop an empty match that abuts the previous one.
            re.lastIndex = m.index + (String.fromCodePoint(s.codePointAt(m.index) ?? 0).length || 1);
            if (m.index === previousEnd)
                continue;
        }
        found.push(m);
        previousEnd = end;
        if (re.lastIndex > s.length)
            break;
    }
    return found;
}
/** Go's Regexp.Split(s, -1), including its treatment of leading and trailing matches. */
function split(pattern, value) {
    const p = str(pattern, 1);
    const s = str(value, 2);
    if (p.length > 0 && s.length === 0)
        return [''];
    const parts = [];
    let begin = 0;
    let end = 0;
    for (const m of findAll(p, s, -1)) {
        end = m.index;
        const matchEnd = m.index + m[0].length;
        if (matchEnd !== 0)
            parts.push(s.slice(begin, end));
        begin = matchEnd;
    }
    if (end !== s.length)
        parts.push(s.slice(begin));
    return parts;
}
function findN(pattern, value, count) {
    return findAll(str(pattern, 1), str(value, 2), int(count, 3)).map((m) => m[0]);
}
function findAllStringSubmatchN(pattern, value, count) {
    return findAll(str(pattern, 1), str(value, 2), int(count, 3)).map((m) => [...m].map((g) => g ?? ''));
}
/** Go's Regexp.Expand template syntax: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expand(template, m) {
    return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, _all, braced, bare) => {
        if (whole === '$$')
            return '$';
        const name = braced ?? bare;
        if (/^\d+$/.test(name))
            return m[Number(name)] ?? '';
        return m.groups?.[name] ?? '';
    });
}
function replace(value, pattern, replacement) {
    const s = str(value, 1);
    const template = str(replacement, 3);
    let out = '';
    let last = 0;
    for (const m of findAll(str(pattern, 2), s, -1)) {
        out += s.slice(last, m.index) + expand(template, m);
        last = m.index + m[0].length;
    }
    return out + s.slice(last);
}
function quoteMeta(s) {
    return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
/**
 * A template such as `urn:{.*}` is literal text with regular expressions between the delimiters; the whole
 * value must match. Delimiters nest, as in OPA.
 */
function templateMatch(template, value, open, close) {
    const t = str(template, 1);
    const s = str(value, 2);
    const start = str(open, 3);
    const end = str(close, 4);
    if ([...start].length !== 1 || [...end].length !== 1)
        throw new BuiltinError('delimiters must be single characters');
    let source = '^';
    let depth = 0;
    let chunk = '';
    for (const ch of t) {
        if (ch === start) {
            if (depth === 0) {
                source += quoteMeta(chunk);
                chunk = '';
            }
            else
                chunk += ch;
            depth++;
        }
        else if (ch === end && depth > 0) {
            depth--;
            if (depth === 0) {
                source += `(${chunk})`;
                chunk = '';
            }
            else
                chunk += ch;
        }
        else
            chunk += ch;
    }
    if (depth !== 0)
        throw new BuiltinError(`unbalanced braces in template ${JSON.stringify(t)}`);
    source += quoteMeta(chunk) + '$';
    return compileRe2(source).test(s);
}
function globsMatch(a, b) {
    return globsIntersect(str(a, 1), str(b, 2));
}
export const regexBuiltins = {
    'regex.split': split,
    'regex.find_n': findN,
    'regex.find_all_string_submatch_n': findAllStringSubmatchN,
    'regex.replace': replace,
    'regex.template_match': templateMatch,
    'regex.globs_match': globsMatch,
};
//# sourceMappingURL=regex.js.map