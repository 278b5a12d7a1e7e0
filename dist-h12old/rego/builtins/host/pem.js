// PEM text, or the same base64-encoded, as OPA's crypto builtins accept it.
import { BuiltinError } from './args.js';
const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
export function pemBlocks(text) {
    return [...text.matchAll(BLOCK)].map((m) => ({
        label: m[1],
        text: m[0],
        der: Buffer.from(m[2].replace(/\s+/g, ''), 'base64'),
    }));
}
/** Go's strict standard base64: anything else is "illegal base64 data at input byte N". */
export function strictBase64(text) {
    const clean = text.replace(/[\r\n]/g, '');
    const bad = /[^A-Za-z0-9+/=]/.exec(clean);
    if (bad)
        throw new BuiltinError(`illegal base64 data at input byte ${bad.index}`);
    if (clean.length % 4 !== 0)
        throw new BuiltinError(`illegal base64 data at input byte ${clean.length - (clean.length % 4)}`);
    return Buffer.from(clean, 'base64');
}
/** PEM text as given, or decoded from base64 when it does not start as PEM. */
export function decodePemOrBase64(text) {
    if (text.trimStart().startsWith('-----BEGIN'))
        return text;
    return strictBase64(text).toString('utf8');
}
/** DER blocks: from PEM text, from base64 of PEM text, or from base64 of concatenated DER. */
export function derBlocks(text, label) {
    if (text.trimStart().startsWith('-----BEGIN'))
        return pemBlocks(text).filter((b) => b.label === label).map((b) => b.der);
    const raw = strictBase64(text);
    const asText = raw.toString('utf8');
    if (asText.trimStart().startsWith('-----BEGIN'))
        return pemBlocks(asText).filter((b) => b.label === label).map((b) => b.der);
    return splitDer(raw);
}
/** Concatenated DER SEQUENCEs, split by their length headers. */
function splitDer(raw) {
    const out = [];
    let at = 0;
    while (at < raw.length) {
        if (raw[at] !== 0x30 || at + 2 > raw.length)
            throw new BuiltinError('x509: malformed certificate');
        let length = raw[at + 1];
        let header = 2;
        if (length & 0x80) {
            const bytes = length & 0x7f;
            if (bytes === 0 || bytes > 4 || at + 2 + bytes > raw.length)
                throw new BuiltinError('x509: malformed certificate');
            length = 0;
            for (let i = 0; i < bytes; i++)
                length = length * 256 + raw[at + 2 + i];
            header += bytes;
        }
        if (at + header + length > raw.length)
            throw new BuiltinError('x509: malformed certificate');
        out.push(raw.subarray(at, at + header + length));
        at += header + length;
    }
    return out;
}
//# sourceMappingURL=pem.js.map