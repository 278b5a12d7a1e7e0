// Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"): splitting a layout into its elements, formatting
// an instant with it, and parsing text with it, following Go's time.Format and time.Parse.
import { BuiltinError } from './args.js';
import { UTC, fixedZone } from './timezone.js';
import { checkRange, daysIn, instantInZone, instantOf, wallClock } from './walltime.js';
export const NAMED_LAYOUTS = {
    ANSIC: 'Mon Jan _2 15:04:05 2006',
    UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
    RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
    RFC822: '02 Jan 06 15:04 MST',
    RFC822Z: '02 Jan 06 15:04 -0700',
    RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
    RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
    RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
    RFC3339: '2006-01-02T15:04:05Z07:00',
    RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
    Kitchen: '3:04PM',
    Stamp: 'Jan _2 15:04:05',
    StampMilli: 'Jan _2 15:04:05.000',
    StampMicro: 'Jan _2 15:04:05.000000',
    StampNano: 'Jan _2 15:04:05.000000000',
    DateTime: '2006-01-02 15:04:05',
    DateOnly: '2006-01-02',
    TimeOnly: '15:04:05',
};
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
// Longest first where one element is a prefix of another.
const STD = [
    'January', 'Jan', 'Monday', 'Mon', 'MST', '2006', '002', '__2', '_2', '01', '02', '03', '04', '05', '06', '15',
    '1', '2', '3', '4', '5', 'PM', 'pm', '-07:00:00', '-070000', '-07:00', '-0700', '-07', 'Z07:00:00', 'Z070000',
    'Z07:00', 'Z0700', 'Z07',
];
export function layoutElements(layout) {
    const elements = [];
    let literal = '';
    let i = 0;
    while (i < layout.length) {
        const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
        const std = frac ? undefined : STD.find((s) => layout.startsWith(s, i));
        if (!frac && !std) {
            literal += layout[i++];
            continue;
        }
        if (literal)
            elements.push({ kind: 'literal', text: literal });
        literal = '';
        if (frac) {
            elements.push({ kind: 'frac', digits: frac[1].length, trim: frac[1][0] === '9', separator: frac[0][0] });
            i += frac[0].length;
        }
        else {
            elements.push({ kind: 'std', std: std });
            i += std.length;
        }
    }
    if (literal)
        elements.push({ kind: 'literal', text: literal });
    return elements;
}
function pad(n, width) {
    const s = String(Math.abs(n)).padStart(width, '0');
    return n < 0 ? '-' + s : s;
}
function formatOffset(offset, std) {
    if (std.startsWith('Z') && offset === 0)
        return 'Z';
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const hh = pad(Math.floor(abs / 3600), 2);
    const mm = pad(Math.floor(abs / 60) % 60, 2);
    const ss = pad(abs % 60, 2);
    const shape = std.replace(/^[Z-]/, '');
    switch (shape) {
        case '07':
            return sign + hh;
        case '0700':
            return sign + hh + mm;
        case '07:00':
            return `${sign}${hh}:${mm}`;
        case '070000':
            return sign + hh + mm + ss;
        default:
            return `${sign}${hh}:${mm}:${ss}`;
    }
}
export function formatTime(ns, zone, layout) {
    const w = wallClock(ns, zone);
    let out = '';
    for (const e of layoutElements(layout)) {
        if (e.kind === 'literal') {
            out += e.text;
            continue;
        }
        if (e.kind === 'frac') {
            const digits = pad(w.nanosecond, 9).slice(0, e.digits);
            const shown = e.trim ? digits.replace(/0+$/, '') : digits;
            if (shown)
                out += e.separator + shown;
            continue;
        }
        switch (e.std) {
            case 'January':
                out += MONTHS[w.month - 1];
                break;
            case 'Jan':
                out += MONTHS[w.month - 1].slice(0, 3);
                break;
            case 'Monday':
                out += WEEKDAYS[w.weekday];
                break;
            case 'Mon':
                out += WEEKDAYS[w.weekday].slice(0, 3);
                break;
            case 'MST':
                out += zone.abbreviationAt(Number(ns / 1000000n));
                break;
            case '2006':
                out += pad(w.year, 4);
                break;
            case '06':
                out += pad(w.year % 100, 2);
                break;
            case '002':
                out += pad(w.yearDay, 3);
                break;
            case '__2':
                out += String(w.yearDay).padStart(3, ' ');
                break;
            case '01':
                out += pad(w.month, 2);
                break;
            case '1':
                out += String(w.month);
                break;
            case '02':
                out += pad(w.day, 2);
                break;
            case '_2':
                out += String(w.day).padStart(2, ' ');
                break;
            case '2':
                out += String(w.day);
                break;
            case '15':
                out += pad(w.hour, 2);
                break;
            case '03':
                out += pad(w.hour % 12 || 12, 2);
                break;
            case '3':
                out += String(w.hour % 12 || 12);
                break;
            case '04':
                out += pad(w.minute, 2);
                break;
            case '4':
                out += String(w.minute);
                break;
            case '05':
                out += pad(w.second, 2);
                break;
            case '5':
                out += String(w.second);
                break;
            case 'PM':
                out += w.hour >= 12 ? 'PM' : 'AM';
                break;
            case 'pm':
                out += w.hour >= 12 ? 'pm' : 'am';
                break;
            default: out += formatOffset(w.offsetSeconds, e.std);
        }
    }
    return out;
}
class Cursor {
    rest;
    value;
    layout;
    constructor(rest, value, layout) {
        this.rest = rest;
        this.value = value;
        this.layout = layout;
    }
    fail(what) {
        throw new BuiltinError(`parsing time ${JSON.stringify(this.value)} as ${JSON.stringify(this.layout)}: ${what}`);
    }
    take(n) {
        if (this.rest.length < n)
            this.fail(`cannot parse ${JSON.stringify(this.rest)}`);
        const s = this.rest.slice(0, n);
        this.rest = this.rest.slice(n);
        return s;
    }
    /** One or two digits; exactly two when `fixed`. */
    number(fixed) {
        const m = (fixed ? /^\d\d/ : /^\d\d?/).exec(this.rest);
        if (!m)
            this.fail(`cannot parse ${JSON.stringify(this.rest)}`);
        this.rest = this.rest.slice(m[0].length);
        return Number(m[0]);
    }
    lookup(names) {
        const index = names.findIndex((n) => this.rest.slice(0, n.length).toLowerCase() === n.toLowerCase());
        if (index < 0)
            this.fail(`cannot parse ${JSON.stringify(this.rest)}`);
        this.rest = this.rest.slice(names[index].length);
        return index;
    }
}
function parseOffset(c, std) {
    if (std.startsWith('Z') && c.rest.startsWith('Z')) {
        c.take(1);
        return 0;
    }
    const shape = std.replace(/^[Z-]/, '');
    const pattern = { '07': /^[+-]\d\d/, '0700': /^[+-]\d{4}/, '07:00': /^[+-]\d\d:\d\d/, '070000': /^[+-]\d{6}/, '07:00:00': /^[+-]\d\d:\d\d:\d\d/ }[shape];
    const m = pattern.exec(c.rest);
    if (!m)
        c.fail(`cannot parse ${JSON.stringify(c.rest)} as ${JSON.stringify(std)}`);
    c.take(m[0].length);
    const digits = m[0].slice(1).replace(/:/g, '');
    const seconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4, 6) || 0);
    return m[0][0] === '-' ? -seconds : seconds;
}
function parseFraction(c) {
    const m = /^[.,](\d+)/.exec(c.rest);
    if (!m)
        return 0;
    c.take(m[0].length);
    return Number(m[1].slice(0, 9).padEnd(9, '0'));
}
function parseStd(c, std, p, nextIsFrac) {
    switch (std) {
        case 'January':
            p.month = c.lookup(MONTHS) + 1;
            break;
        case 'Jan':
            p.month = c.lookup(MONTHS.map((m) => m.slice(0, 3))) + 1;
            break;
        case 'Monday':
            c.lookup(WEEKDAYS);
            break;
        case 'Mon':
            c.lookup(WEEKDAYS.map((d) => d.slice(0, 3)));
            break;
        case '2006': {
            const m = /^\d{4}/.exec(c.rest) ?? c.fail(`cannot parse ${JSON.stringify(c.rest)} as "2006"`);
            p.year = Number(c.take(m[0].length));
            break;
        }
        case '06': {
            const yy = c.number(true);
            p.year = yy >= 69 ? 1900 + yy : 2000 + yy;
            break;
        }
        case '01':
        case '1':
            p.month = c.number(std === '01');
            break;
        case '02':
        case '2':
            p.day = c.number(std === '02');
            break;
        case '_2':
            if (c.rest.startsWith(' '))
                c.take(1);
            p.day = c.number(false);
            break;
        case '15':
            p.hour = c.number(false);
            break;
        case '03':
        case '3':
            p.hour = c.number(std === '03');
            break;
        case '04':
        case '4':
            p.minute = c.number(std === '04');
            break;
        case '05':
        case '5':
            p.second = c.number(std === '05');
            // Go accepts a fraction after the seconds even when the layout has none.
            if (!nextIsFrac)
                p.nanosecond = parseFraction(c);
            break;
        case 'PM':
        case 'pm': {
            const marker = c.take(2);
            const upper = std === 'PM' ? marker : marker.toUpperCase();
            if (upper !== 'AM' && upper !== 'PM')
                c.fail(`cannot parse ${JSON.stringify(marker)} as "${std}"`);
            p.pm = upper === 'PM';
            break;
        }
        case 'MST': {
            const m = /^(UTC|GMT([+-]\d{1,2})?|[A-Z]{3,5})/.exec(c.rest) ?? c.fail(`cannot parse ${JSON.stringify(c.rest)} as "MST"`);
            c.take(m[0].length);
            p.zoneAbbreviation = m[0];
            if (m[2])
                p.offset = Number(m[2]) * 3600;
            break;
        }
        case '002':
        case '__2':
            c.fail('day-of-year layouts are not supported');
            break;
        default:
            p.offset = parseOffset(c, std);
    }
}
/** Skips a literal; a run of spaces in the layout matches a run of one or more spaces in the value. */
function skipLiteral(c, text) {
    let i = 0;
    while (i < text.length) {
        if (text[i] === ' ') {
            if (c.rest.length > 0 && c.rest[0] !== ' ')
                c.fail(`cannot parse ${JSON.stringify(c.rest)} as ${JSON.stringify(text)}`);
            while (text[i] === ' ')
                i++;
            c.rest = c.rest.replace(/^ +/, '');
            continue;
        }
        if (c.rest[0] !== text[i])
            c.fail(`cannot parse ${JSON.stringify(c.rest)} as ${JSON.stringify(text.slice(i))}`);
        c.rest = c.rest.slice(1);
        i++;
    }
}
/** Parses `value` with a Go layout; a value without a zone is read in `defaultZone`. Returns nanoseconds. */
export function parseTime(layout, value, defaultZone = UTC) {
    const c = new Cursor(value, value, layout);
    const p = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanosecond: 0 };
    const elements = layoutElements(layout);
    elements.forEach((e, index) => {
        if (e.kind === 'literal')
            skipLiteral(c, e.text);
        else if (e.kind === 'frac') {
            if (e.trim)
                p.nanosecond = parseFraction(c);
            else {
                const m = new RegExp(`^[.,]\\d{${e.digits}}`).exec(c.rest) ?? c.fail(`cannot parse ${JSON.stringify(c.rest)}`);
                c.take(m[0].length);
                p.nanosecond = Number(m[0].slice(1).padEnd(9, '0'));
            }
        }
        else
            parseStd(c, e.std, p, elements[index + 1]?.kind === 'frac');
    });
    if (c.rest)
        c.fail(`extra text: ${JSON.stringify(c.rest)}`);
    if (p.pm !== undefined) {
        if (p.hour > 12)
            c.fail('hour out of range');
        p.hour = (p.hour % 12) + (p.pm ? 12 : 0);
    }
    if (p.month < 1 || p.month > 12)
        c.fail('month out of range');
    if (p.day < 1 || p.day > daysIn(p.year, p.month))
        c.fail('day out of range');
    if (p.hour > 23)
        c.fail('hour out of range');
    if (p.minute > 59)
        c.fail('minute out of range');
    if (p.second > 59)
        c.fail('second out of range');
    if (p.offset !== undefined) {
        return checkRange(instantOf(p.year, p.month, p.day, p.hour, p.minute, p.second, p.nanosecond, p.offset));
    }
    const zone = p.zoneAbbreviation && p.zoneAbbreviation !== 'UTC' ? fixedZone(0, p.zoneAbbreviation) : defaultZone;
    return checkRange(instantInZone(p, zone));
}
//# sourceMappingURL=golayout.js.map