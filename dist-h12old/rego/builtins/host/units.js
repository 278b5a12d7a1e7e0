// units.parse and units.parse_bytes: an amount with an SI (k, M, G ...) or binary (Ki, Mi ...) suffix. The
// arithmetic is exact (a decimal fraction times an integer multiplier), so `10Ei` keeps all its digits.
import { BuiltinError, exactInteger, str } from './args.js';
const SI = ['k', 'm', 'g', 't', 'p', 'e'];
function power(base, n) {
    return base ** BigInt(n);
}
/** Multipliers keyed by lower-case suffix; `parse` handles the case-sensitive `m` (milli) vs `M` (mega) itself. */
function multiplier(lowerSuffix) {
    if (lowerSuffix === '')
        return 1n;
    const index = SI.indexOf(lowerSuffix[0]);
    if (index < 0)
        return undefined;
    if (lowerSuffix.length === 1)
        return power(1000n, index + 1);
    if (lowerSuffix === SI[index] + 'i')
        return power(1024n, index + 1);
    return undefined;
}
const AMOUNT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?/;
function splitAmount(text) {
    const m = AMOUNT.exec(text);
    const [whole, sign, intPart, fracPart = ''] = m;
    if (intPart === '' && fracPart === '')
        throw new BuiltinError('no amount provided');
    let scale = fracPart.length - Number(m[4] ?? 0);
    let numerator = BigInt(intPart + fracPart || '0');
    if (scale < 0) {
        numerator *= power(10n, -scale);
        scale = 0;
    }
    return { amount: { numerator: sign === '-' ? -numerator : numerator, scale }, suffix: text.slice(whole.length) };
}
function toNumber(value, multiply, divide) {
    const numerator = value.numerator * multiply;
    const denominator = power(10n, value.scale) * divide;
    if (numerator % denominator === 0n)
        return exactInteger(numerator / denominator);
    return Number(numerator) / Number(denominator);
}
function clean(text) {
    const s = text.replace(/"/g, '');
    if (s.includes(' '))
        throw new BuiltinError('spaces not allowed in resource strings');
    return s;
}
function parseUnits(value) {
    const { amount, suffix } = splitAmount(clean(str(value, 1)));
    if (suffix === 'm')
        return toNumber(amount, 1n, 1000n);
    const lower = suffix.toLowerCase();
    const mult = multiplier(lower);
    // Only `m` is milli; `mi` (any case) is the binary mebi, like `Mi`.
    if (mult === undefined)
        throw new BuiltinError('unit not recognized');
    return toNumber(amount, mult, 1n);
}
function parseBytes(value) {
    const { amount, suffix } = splitAmount(clean(str(value, 1)).toLowerCase());
    const unit = suffix.endsWith('b') ? suffix.slice(0, -1) : suffix;
    const mult = multiplier(unit);
    if (mult === undefined)
        throw new BuiltinError('byte unit not recognized');
    // Bytes are whole: the fraction is dropped, as OPA truncates.
    const numerator = amount.numerator * mult;
    return exactInteger(numerator / power(10n, amount.scale));
}
export const unitBuiltins = {
    'units.parse': parseUnits,
    'units.parse_bytes': parseBytes,
};
//# sourceMappingURL=units.js.map