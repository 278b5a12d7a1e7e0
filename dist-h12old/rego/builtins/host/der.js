// Just enough DER (X.690) to read a PKCS #10 certificate request: tag-length-value elements, object
// identifiers and the string types of distinguished names. Malformed input is Go's "asn1: structure error".
import { BuiltinError } from './args.js';
function structureError(what) {
    throw new BuiltinError(`asn1: structure error: ${what}`);
}
/** The element at `at`, and where the next one starts. */
export function readElement(buf, at = 0) {
    if (at + 2 > buf.length)
        structureError('truncated element');
    const tag = buf[at];
    if ((tag & 0x1f) === 0x1f)
        structureError('multi-byte tags are not supported');
    let length = buf[at + 1];
    let header = 2;
    if (length & 0x80) {
        const bytes = length & 0x7f;
        if (bytes === 0 || bytes > 4 || at + 2 + bytes > buf.length)
            structureError('bad length');
        length = 0;
        for (let i = 0; i < bytes; i++)
            length = length * 256 + buf[at + 2 + i];
        header += bytes;
    }
    const end = at + header + length;
    if (end > buf.length)
        structureError('data truncated');
    return { element: { tag, raw: buf.subarray(at, end), content: buf.subarray(at + header, end) }, next: end };
}
/** The elements inside a constructed element (SEQUENCE, SET, context-specific). */
export function children(e) {
    const out = [];
    for (let at = 0; at < e.content.length;) {
        const { element, next } = readElement(e.content, at);
        out.push(element);
        at = next;
    }
    return out;
}
export function expectTag(e, tag, what) {
    if (e.tag !== tag)
        structureError(`tags don't match (${tag} vs ${e.tag}) reading ${what}`);
    return e;
}
export function objectIdentifier(e) {
    const bytes = expectTag(e, 0x06, 'object identifier').content;
    if (bytes.length === 0)
        structureError('empty object identifier');
    const arcs = [Math.min(2, Math.floor(bytes[0] / 40)), bytes[0] - 40 * Math.min(2, Math.floor(bytes[0] / 40))];
    let value = 0;
    for (const b of bytes.subarray(1)) {
        value = value * 128 + (b & 0x7f);
        if (!(b & 0x80)) {
            arcs.push(value);
            value = 0;
        }
    }
    return arcs.join('.');
}
/** UTF8String, PrintableString, IA5String, T61String, BMPString. */
export function stringValue(e) {
    if (e.tag === 0x1e) {
        let s = '';
        for (let i = 0; i + 1 < e.content.length; i += 2)
            s += String.fromCharCode(e.content.readUInt16BE(i));
        return s;
    }
    return e.content.toString(e.tag === 0x0c ? 'utf8' : 'latin1');
}
//# sourceMappingURL=der.js.map