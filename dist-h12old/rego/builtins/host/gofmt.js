// Go's fmt verbs, as OPA's sprintf applies them. OPA hands Go an int for an integral number, a float64 for any
// other number, a Go string for a Rego string, and the Rego text of every other value (so `%v` of an array
// prints `["a", 1]`). This file reproduces that on JSON-decoded arguments.
import { BuiltinError } from './args.js';
export function goSprintf(format, args) {
    const values = args.map(toGoValue);
    let out = '';
    let next = 0;
    let i = 0;
    while (i < format.length) {
        const c = format[i];
        if (c !== '%') {
            out += c;
            i++;
            continue;
        }
        i++;
        const spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
        for (; i < format.length; i++) {
            const f = format[i];
            if (f === '-')
                spec.minus = true;
            else if (f === '+')
                spec.plus = true;
            else if (f === '#')
                spec.sharp = true;
            else if (f === ' ')
                spec.space = true;
            else if (f === '0')
                spec.zero = true;
            else
                break;
        }
        const width = readNumber(format, i);
        if (width) {
            spec.width = width.value;
            i = width.end;
        }
        if (format[i] === '.') {
            i++;
            const precision = readNumber(format, i);
            spec.precision = precision ? precision.value : 0;
            if (precision)
                i = precision.end;
        }
        if (i >= format.length) {
            out += '%!(NOVERB)';
            break;
        }
        const verb = String.fromCodePoint(format.codePointAt(i));
        i += verb.length;
        if (verb === '%') {
            out += '%';
            continue;
        }
        if (next >= values.length) {
            out += `%!${verb}(MISSING)`;
            continue;
        }
        out += formatOne(verb, spec, values[next++]);
    }
    if (next < values.length) {
        out += '%!(EXTRA ' + values.slice(next).map((v) => `${goTypeName(v)}=${plainV(v)}`).join(', ') + ')';
    }
    return out;
}
function readNumber(s, start) {
    let end = start;
    while (end < s.length && s[end] >= '0' && s[end] <= '9')
        end++;
    if (end === start)
        return undefined;
    return { value: Number(s.slice(start, end)), end };
}
function toGoValue(arg) {
    if (typeof arg === 'number') {
        if (Number.isSafeInteger(arg))
            return { kind: 'int', value: BigInt(arg) };
        return { kind: 'float', value: arg };
    }
    if (typeof arg === 'string')
        return { kind: 'string', value: arg };
    return { kind: 'string', value: regoText(arg) };
}
/** The Rego text of a value, as OPA's `Term.String()` writes it. */
export function regoText(v) {
    if (v === null)
        return 'null';
    if (typeof v === 'boolean')
        return String(v);
    if (typeof v === 'number')
        return Number.isInteger(v) && Math.abs(v) < 1e21 ? BigInt(v).toString() : String(v);
    if (typeof v === 'string')
        return JSON.stringify(v);
    if (Array.isArray(v))
        return `[${v.map(regoText).join(', ')}]`;
    if (typeof v === 'object') {
        const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${regoText(x)}`).join(', ')}}`;
    }
    throw new BuiltinError(`sprintf: unsupported value ${String(v)}`);
}
function goTypeName(v) {
    return v.kind === 'int' ? 'int' : v.kind === 'float' ? 'float64' : 'string';
}
function plainV(v) {
    if (v.kind === 'int')
        return v.value.toString();
    if (v.kind === 'float')
        return formatFloat(v.value, 'g', undefined, false);
    return v.value;
}
function bad(verb, v) {
    return `%!${verb}(${goTypeName(v)}=${plainV(v)})`;
}
function formatOne(verb, spec, v) {
    switch (v.kind) {
        case 'int':
            return formatInt(verb, spec, v.value) ?? bad(verb, v);
        case 'float':
            return formatFloatVerb(verb, spec, v.value) ?? bad(verb, v);
        case 'string':
            return formatString(verb, spec, v.value) ?? bad(verb, v);
    }
}
function pad(s, spec, zeroAllowed) {
    const width = spec.width ?? 0;
    const len = [...s].length;
    if (len >= width)
        return s;
    const fill = width - len;
    if (spec.minus)
        return s + ' '.repeat(fill);
    if (spec.zero && zeroAllowed) {
        const sign = /^[+\- ]/.test(s) ? s[0] : '';
        return sign + '0'.repeat(fill) + s.slice(sign.length);
    }
    return ' '.repeat(fill) + s;
}
function signOf(negative, spec) {
    return negative ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
}
function formatInt(verb, spec, n) {
    const negative = n < 0n;
    const abs = negative ? -n : n;
    let digits;
    let prefix = '';
    switch (verb) {
        case 'v':
        case 'd':
            digits = abs.toString(10);
            break;
        case 'b':
            digits = abs.toString(2);
            if (spec.sharp)
                prefix = '0b';
            break;
        case 'o':
            digits = abs.toString(8);
            if (spec.sharp)
                prefix = '0';
            break;
        case 'O':
            digits = abs.toString(8);
            prefix = '0o';
            break;
        case 'x':
            digits = abs.toString(16);
            if (spec.sharp)
                prefix = '0x';
            break;
        case 'X':
            digits = abs.toString(16).toUpperCase();
            if (spec.sharp)
                prefix = '0X';
            break;
        case 'c':
            return pad(String.fromCodePoint(Number(n)), spec, false);
        case 'q':
            return pad(`'${String.fromCodePoint(Number(n))}'`, spec, false);
        case 'U':
            return pad('U+' + abs.toString(16).toUpperCase().padStart(4, '0'), spec, false);
        default:
            return undefined;
    }
    if (spec.precision !== undefined)
        digits = digits.padStart(spec.precision, '0');
    const zeroAllowed = spec.precision === undefined;
    return pad(signOf(negative, spec) + prefix + digits, spec, zeroAllowed);
}
function formatFloatVerb(verb, spec, f) {
    if (verb.length !== 1 || !'veEfFgG'.includes(verb))
        return undefined;
    const goVerb = verb === 'v' ? 'g' : verb;
    if (!Number.isFinite(f)) {
        const text = Number.isNaN(f) ? 'NaN' : f > 0 ? signOf(false, spec) + 'Inf' : '-Inf';
        return pad(text, { ...spec, zero: false }, false);
    }
    const body = formatFloat(Math.abs(f), goVerb, spec.precision, spec.sharp);
    const negative = f < 0 || Object.is(f, -0);
    return pad(signOf(negative, spec) + body, spec, true);
}
/** strconv.FormatFloat for a non-negative finite number; `precision` undefined means shortest. */
export function formatFloat(f, verb, precision, sharp) {
    switch (verb) {
        case 'f':
        case 'F':
            return fixed(f, precision ?? 6);
        case 'e':
        case 'E': {
            const text = goExponent(f.toExponential(precision ?? 6));
            return verb === 'E' ? text.toUpperCase() : text;
        }
        default: {
            const text = formatG(f, precision, sharp);
            return verb === 'G' ? text.toUpperCase() : text;
        }
    }
}
/** Fixed notation; JS's toFixed switches to exponents from 1e21, Go never does. */
function fixed(f, precision) {
    if (f < 1e21)
        return f.toFixed(precision);
    return BigInt(f).toString() + (precision > 0 ? '.' + '0'.repeat(precision) : '');
}
/** JS writes `1e+0`; Go writes at least two exponent digits, `1e+00`. */
function goExponent(text) {
    return text.replace(/e([+-])(\d)$/, 'e$10$2');
}
function formatG(f, precision, sharp) {
    if (f === 0)
        return '0';
    const shortest = precision === undefined;
    const digits = shortest ? f.toExponential() : f.toExponential(Math.max(0, (precision === 0 ? 1 : precision) - 1));
    const [mantissa, expText] = digits.split('e');
    const exp = Number(expText);
    const significant = mantissa.replace('.', '').length;
    // Go switches to an exponent from 1e+06 on when printing the shortest form.
    const eprec = shortest ? 6 : precision === 0 ? 1 : precision;
    if (exp < -4 || exp >= eprec) {
        const m = sharp ? mantissa : mantissa.replace(/\.?0+$/, '');
        return goExponent(`${m}e${expText}`);
    }
    const fixed = f.toFixed(Math.max(0, significant - 1 - exp));
    return sharp || !fixed.includes('.') ? fixed : fixed.replace(/\.?0+$/, '');
}
function formatString(verb, spec, s) {
    const truncated = spec.precision === undefined ? s : [...s].slice(0, spec.precision).join('');
    switch (verb) {
        case 'v':
        case 's':
            return pad(truncated, spec, true);
        case 'q':
            return pad(goQuote(truncated), spec, false);
        case 'x':
        case 'X': {
            const hex = Buffer.from(truncated, 'utf8').toString('hex');
            return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
        }
        default:
            return undefined;
    }
}
/** strconv.Quote: printable characters stay, control characters are escaped Go-style. */
export function goQuote(s) {
    let out = '"';
    for (const ch of s) {
        const cp = ch.codePointAt(0);
        if (ch === '"')
            out += '\\"';
        else if (ch === '\\')
            out += '\\\\';
        else if (ch === '\n')
            out += '\\n';
        else if (ch === '\t')
            out += '\\t';
        else if (ch === '\r')
            out += '\\r';
        else if (ch === '\x07')
            out += '\\a';
        else if (ch === '\b')
            out += '\\b';
        else if (ch === '\f')
            out += '\\f';
        else if (ch === '\v')
            out += '\\v';
        else if (cp < 0x20 || cp === 0x7f)
            out += '\\x' + cp.toString(16).padStart(2, '0');
        else
            out += ch;
    }
    return out + '"';
}
//# sourceMappingURL=gofmt.js.map