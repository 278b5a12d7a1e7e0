// crypto.* digests and HMACs (hex output, as OPA), constant-time comparison, and private key parsing.
import * as crypto from 'node:crypto';
import { BuiltinError, str } from './args.js';
import { pemBlocks, decodePemOrBase64 } from './pem.js';
import { x509Builtins } from './x509.js';
function digest(algorithm) {
    return (x) => crypto.createHash(algorithm).update(str(x, 1)).digest('hex');
}
function hmac(algorithm) {
    return (x, key) => crypto.createHmac(algorithm, str(key, 2)).update(str(x, 1)).digest('hex');
}
function hmacEqual(a, b) {
    const x = Buffer.from(str(a, 1));
    const y = Buffer.from(str(b, 2));
    // Compare equal-length buffers so the timing does not reveal where they differ.
    const same = crypto.timingSafeEqual(crypto.createHash('sha512').update(x).digest(), crypto.createHash('sha512').update(y).digest());
    return same && x.length === y.length;
}
function privateKeyJwk(pem) {
    try {
        return crypto.createPrivateKey(pem).export({ format: 'jwk' });
    }
    catch (e) {
        throw new BuiltinError(`failed to parse private key: ${e.message}`);
    }
}
function parseRsaPrivateKey(value) {
    const text = decodePemOrBase64(str(value, 1));
    const blocks = pemBlocks(text);
    if (blocks.length === 0)
        throw new BuiltinError('failed to parse PEM block containing the key');
    const jwk = privateKeyJwk(blocks[0].text);
    if (jwk.kty !== 'RSA')
        throw new BuiltinError('PEM block does not hold an RSA private key');
    return jwk;
}
/** Every private key in the PEM text (or its base64); an empty string gives null, as OPA's nil slice. */
function parsePrivateKeys(value) {
    const input = str(value, 1);
    if (input === '')
        return null;
    let text;
    try {
        text = decodePemOrBase64(input);
    }
    catch {
        return [];
    }
    return pemBlocks(text)
        .filter((b) => b.label.includes('PRIVATE KEY'))
        .map((b) => privateKeyJwk(b.text));
}
export const cryptoBuiltins = {
    'crypto.md5': digest('md5'),
    'crypto.sha1': digest('sha1'),
    'crypto.sha256': digest('sha256'),
    'crypto.hmac.md5': hmac('md5'),
    'crypto.hmac.sha1': hmac('sha1'),
    'crypto.hmac.sha256': hmac('sha256'),
    'crypto.hmac.sha512': hmac('sha512'),
    'crypto.hmac.equal': hmacEqual,
    'crypto.x509.parse_rsa_private_key': parseRsaPrivateKey,
    'crypto.parse_private_keys': parsePrivateKeys,
    ...x509Builtins,
};
//# sourceMappingURL=crypto.js.map