// Argument checks shared by the host builtins. OPA's SDK hands builtins JSON-decoded values, so a Rego set
// arrives as an array and cannot be told apart from one; `collection` accepts both for that reason.
/** A builtin refused its input. The engine turns it into "undefined" (OPA's non-strict builtin errors). */
export class BuiltinError extends Error {
    constructor(message) {
        super(message);
        this.name = 'BuiltinError';
    }
}
/** The Rego type name of a JSON-decoded value, as OPA's error messages spell it. */
export function typeName(v) {
    if (v === null)
        return 'null';
    if (Array.isArray(v))
        return 'array';
    switch (typeof v) {
        case 'boolean':
            return 'boolean';
        case 'number':
        case 'bigint':
            return 'number';
        case 'string':
            return 'string';
        case 'object':
            return 'object';
        default:
            return 'undefined';
    }
}
function operandError(pos, want, got) {
    return new BuiltinError(`operand ${pos} must be ${want} but got ${typeName(got)}`);
}
export function str(v, pos) {
    if (typeof v !== 'string')
        throw operandError(pos, 'string', v);
    return v;
}
export function num(v, pos) {
    if (typeof v !== 'number')
        throw operandError(pos, 'number', v);
    return v;
}
export function int(v, pos) {
    const n = num(v, pos);
    if (!Number.isInteger(n))
        throw operandError(pos, 'integer number', v);
    return n;
}
export function bool(v, pos) {
    if (typeof v !== 'boolean')
        throw operandError(pos, 'boolean', v);
    return v;
}
export function arr(v, pos) {
    if (!Array.isArray(v))
        throw operandError(pos, 'array', v);
    return v;
}
/** An array or a set (both arrive as arrays). */
export function collection(v, pos) {
    if (!Array.isArray(v))
        throw operandError(pos, 'set or array', v);
    return v;
}
export function obj(v, pos) {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw operandError(pos, 'object', v);
    return v;
}
export function strings(v, pos) {
    const items = collection(v, pos);
    for (const item of items)
        if (typeof item !== 'string')
            throw operandError(pos, 'set or array of strings', v);
    return items;
}
/**
 * A result holding integers beyond 2^53, which a JS number cannot carry. OPA's SDK loads an ArrayBuffer result as
 * raw JSON text, so the value is written out here with every bigint as its exact digits.
 */
export function rawJson(v) {
    const text = JSON.stringify(v, (_key, x) => (typeof x === 'bigint' ? `\u0000${x}\u0000` : x)).replace(/"\\u0000(-?\d+)\\u0000"/g, '$1');
    const bytes = new TextEncoder().encode(text);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
/** An integer result: a plain number when it is exact as one, otherwise raw JSON (see rawJson). */
export function exactInteger(n) {
    if (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER))
        return Number(n);
    return rawJson(n);
}
/** Deep equality over JSON values; object key order does not matter. */
export function jsonEqual(a, b) {
    if (a === b)
        return true;
    if (Array.isArray(a)) {
        return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
    }
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(b)) {
        const ka = Object.keys(a);
        const kb = Object.keys(b);
        const bo = b;
        return ka.length === kb.length && ka.every((k) => Object.hasOwn(bo, k) && jsonEqual(a[k], bo[k]));
    }
    return false;
}
//# sourceMappingURL=args.js.map