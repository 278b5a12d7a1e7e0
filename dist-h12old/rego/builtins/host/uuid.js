// uuid.rfc4122 (a random version 4 UUID, stable per evaluation and argument) and uuid.parse (the fields of an
// RFC 4122 UUID in the forms google/uuid accepts: plain, braced, urn:uuid:, or 32 hex digits).
import { randomUUID } from 'node:crypto';
import { BuiltinError, rawJson, str } from './args.js';
import { oncePerEvaluation } from './evaluation.js';
// 100-nanosecond intervals between 1582-10-15 (the UUID epoch) and 1970-01-01.
const GREGORIAN_TO_UNIX_100NS = 122192928000000000n;
function rfc4122(key) {
    return oncePerEvaluation(`uuid.rfc4122:${JSON.stringify(str(key, 1))}`, () => randomUUID());
}
function uuidBytes(text) {
    let s = text;
    if (s.length === 45 && s.slice(0, 9).toLowerCase() === 'urn:uuid:')
        s = s.slice(9);
    else if (s.length === 38)
        s = s.slice(1, 37);
    if (s.length === 36) {
        if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-')
            return undefined;
        s = s.replace(/-/g, '');
    }
    if (!/^[0-9a-fA-F]{32}$/.test(s))
        return undefined;
    return Uint8Array.from(Buffer.from(s, 'hex'));
}
function variantName(b) {
    if ((b & 0xc0) === 0x80)
        return 'RFC4122';
    if ((b & 0xe0) === 0xc0)
        return 'Microsoft';
    if ((b & 0xe0) === 0xe0)
        return 'Future';
    return 'Reserved';
}
const DOMAINS = ['Person', 'Group', 'Org'];
/** Time-based fields, present for versions 1 and 2 only. */
function timeFields(b, version) {
    const view = new DataView(b.buffer);
    const ticks = BigInt(view.getUint32(0)) | (BigInt(view.getUint16(4)) << 32n) | (BigInt(view.getUint16(6) & 0xfff) << 48n);
    const fields = {
        time: (ticks - GREGORIAN_TO_UNIX_100NS) * 100n,
        clocksequence: ((b[8] & 0x3f) << 8) | b[9],
        nodeid: Buffer.from(b.slice(10)).toString('hex').match(/../g).join('-'),
        macvariables: `${b[10] & 0x02 ? 'local' : 'global'}:${b[10] & 0x01 ? 'multicast' : 'unicast'}`,
    };
    if (version === 2) {
        fields.domain = DOMAINS[b[9]] ?? `Domain${b[9]}`;
        fields.id = view.getUint32(0);
    }
    return fields;
}
function parse(value) {
    const b = uuidBytes(str(value, 1));
    if (!b)
        throw new BuiltinError('invalid UUID format');
    const version = b[6] >> 4;
    const result = { version, variant: variantName(b[8]) };
    return rawJson(version === 1 || version === 2 ? { ...result, ...timeFields(b, version) } : result);
}
export const uuidBuiltins = {
    'uuid.rfc4122': rfc4122,
    'uuid.parse': parse,
};
//# sourceMappingURL=uuid.js.map