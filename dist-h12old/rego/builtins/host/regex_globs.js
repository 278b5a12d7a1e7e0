// regex.globs_match: do two patterns in OPA's restricted glob-regex syntax (literals, `.`, character classes,
// escapes, and the repetitions `*` `+` `?`) match at least one common string? Each pattern is an automaton over
// character sets; the answer is whether their product reaches the accepting state.
import { BuiltinError } from './args.js';
const ANY = { negated: true, ranges: [] };
export function globsIntersect(a, b) {
    return productAccepts(parseGlob(a), parseGlob(b));
}
function parseGlob(pattern) {
    const steps = [];
    const chars = [...pattern];
    let i = 0;
    while (i < chars.length) {
        let set;
        const c = chars[i];
        if (c === '.') {
            set = ANY;
            i++;
        }
        else if (c === '[') {
            const parsed = parseClass(chars, i + 1, pattern);
            set = parsed.set;
            i = parsed.end;
        }
        else if (c === '\\') {
            if (i + 1 >= chars.length)
                throw new BuiltinError(`input:${pattern}, trailing backslash`);
            set = single(chars[i + 1]);
            i += 2;
        }
        else if ('*+?'.includes(c)) {
            throw new BuiltinError(`input:${pattern}, missing argument to repetition operator`);
        }
        else if ('(){}|^$'.includes(c)) {
            throw new BuiltinError(`input:${pattern}, unsupported syntax ${c}`);
        }
        else {
            set = single(c);
            i++;
        }
        const op = chars[i];
        if (op === '*') {
            steps.push({ set, repeat: 'many' });
            i++;
        }
        else if (op === '+') {
            steps.push({ set, repeat: 'one' }, { set, repeat: 'many' });
            i++;
        }
        else if (op === '?') {
            steps.push({ set, repeat: 'optional' });
            i++;
        }
        else {
            steps.push({ set, repeat: 'one' });
        }
    }
    return steps;
}
function single(ch) {
    const cp = ch.codePointAt(0);
    return { negated: false, ranges: [[cp, cp]] };
}
function parseClass(chars, start, pattern) {
    let i = start;
    const negated = chars[i] === '^';
    if (negated)
        i++;
    const ranges = [];
    while (i < chars.length && chars[i] !== ']') {
        let lo = chars[i];
        if (lo === '\\' && i + 1 < chars.length)
            lo = chars[++i];
        let hi = lo;
        if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
            hi = chars[i + 2] === '\\' && i + 3 < chars.length ? chars[i + 3] : chars[i + 2];
            i += chars[i + 2] === '\\' ? 4 : 3;
        }
        else {
            i++;
        }
        ranges.push([lo.codePointAt(0), hi.codePointAt(0)]);
    }
    if (i >= chars.length)
        throw new BuiltinError(`input:${pattern}, missing closing ]`);
    return { set: { negated, ranges }, end: i + 1 };
}
function inRanges(cp, ranges) {
    return ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}
/** Is some character in both sets? Checks the boundary points of the ranges, where membership can change. */
function overlaps(x, y) {
    if (x.negated && y.negated)
        return true;
    const member = (s, cp) => inRanges(cp, s.ranges) !== s.negated;
    const candidates = [0, ...[...x.ranges, ...y.ranges].flatMap(([lo, hi]) => [lo, hi, lo - 1, hi + 1])];
    return candidates.some((cp) => cp >= 0 && member(x, cp) && member(y, cp));
}
/** Positions reachable without consuming: skipping `*` and `?` steps. */
function closure(steps, at) {
    const reach = [at];
    while (at < steps.length && steps[at].repeat !== 'one')
        reach.push(++at);
    return reach;
}
function productAccepts(a, b) {
    const seen = new Set();
    const queue = [[0, 0]];
    while (queue.length > 0) {
        const [i0, j0] = queue.pop();
        for (const i of closure(a, i0)) {
            for (const j of closure(b, j0)) {
                if (i === a.length && j === b.length)
                    return true;
                if (i === a.length || j === b.length || !overlaps(a[i].set, b[j].set))
                    continue;
                const next = [a[i].repeat === 'many' ? i : i + 1, b[j].repeat === 'many' ? j : j + 1];
                const key = next.join(',');
                if (!seen.has(key)) {
                    seen.add(key);
                    queue.push(next);
                }
            }
        }
    }
    return false;
}
//# sourceMappingURL=regex_globs.js.map