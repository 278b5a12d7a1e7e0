// Go's time.ParseDuration: a signed sequence of decimal numbers with units, "1h30m", "-1.5s", "300ms", "2h45m0.5s".
import { BuiltinError } from './args.js';
const UNIT_NS = {
    ns: 1n,
    us: 1000n,
    'µs': 1000n,
    'μs': 1000n,
    ms: 1000000n,
    s: 1000000000n,
    m: 60000000000n,
    h: 3600000000000n,
};
const MAX_DURATION = 2n ** 63n - 1n;
export function parseDuration(text) {
    const bad = () => {
        throw new BuiltinError(`time: invalid duration ${JSON.stringify(text)}`);
    };
    let s = text;
    let negative = false;
    if (s[0] === '-' || s[0] === '+') {
        negative = s[0] === '-';
        s = s.slice(1);
    }
    if (s === '0')
        return 0n;
    if (s === '')
        bad();
    let total = 0n;
    while (s !== '') {
        const m = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/.exec(s);
        if (!m || (m[1] === '' && (m[2] ?? '') === ''))
            bad();
        const unit = UNIT_NS[m[3]];
        if (unit === undefined)
            throw new BuiltinError(`time: unknown unit ${JSON.stringify(m[3])} in duration ${JSON.stringify(text)}`);
        const whole = BigInt(m[1] || '0') * unit;
        const fraction = m[2] ? (BigInt(m[2]) * unit) / 10n ** BigInt(m[2].length) : 0n;
        total += whole + fraction;
        if (total > MAX_DURATION)
            bad();
        s = s.slice(m[0].length);
    }
    return negative ? -total : total;
}
//# sourceMappingURL=duration.js.map