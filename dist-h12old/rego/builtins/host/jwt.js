// io.jwt.*: decoding, verifying and signing JWS compact tokens. Builtins run synchronously inside a WASM call,
// and jose's key import and verification are asynchronous, so the cryptography is node:crypto's (the same
// OpenSSL primitives); keys come as PEM certificates, PEM public keys, JWKs or JWK sets.
import * as crypto from 'node:crypto';
import { BuiltinError, obj, str } from './args.js';
import { evaluationTimeNs } from './evaluation.js';
/** Go's RawURLEncoding, strictly: a stray character is an error, not skipped. */
function base64url(part, what) {
    const text = part.replace(/=+$/, '');
    const bad = /[^A-Za-z0-9_-]/.exec(text);
    const at = bad ? bad.index : text.length % 4 === 1 ? text.length - 1 : -1;
    if (at >= 0)
        throw new BuiltinError(`JWT ${what} had invalid encoding: illegal base64 data at input byte ${at}`);
    return Buffer.from(text, 'base64url');
}
function jsonObject(bytes, what) {
    let value;
    try {
        value = JSON.parse(bytes.toString('utf8'));
    }
    catch {
        throw new BuiltinError(`JWT ${what} had invalid JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new BuiltinError(`JWT ${what} is not a JSON object`);
    return value;
}
/** One level of a token; a nested token (`cty: JWT`) is left in `nested` for the caller to open. */
function decodeLevel(token) {
    const parts = token.split('.');
    if (parts.length === 1)
        throw new BuiltinError('encoded JWT had no period separators');
    if (parts.length !== 3)
        throw new BuiltinError(`encoded JWT must have 3 sections, found ${parts.length}`);
    const header = jsonObject(base64url(parts[0], 'header'), 'header');
    const signature = base64url(parts[2], 'signature');
    const payloadBytes = base64url(parts[1], 'payload');
    const signingInput = `${parts[0]}.${parts[1]}`;
    if (header.cty === 'JWT') {
        // The payload is the inner token, usually as a JSON string.
        const text = payloadBytes.toString('utf8');
        let nested = text;
        try {
            const parsed = JSON.parse(text);
            if (typeof parsed === 'string')
                nested = parsed;
        }
        catch {
            nested = text;
        }
        return { header, payload: {}, signature, signingInput, nested };
    }
    return { header, payload: jsonObject(payloadBytes, 'payload'), signature, signingInput };
}
/** Every level of a token, outermost first; the innermost carries the claims. */
function decodeLevels(token) {
    const levels = [decodeLevel(token)];
    while (levels[levels.length - 1].nested !== undefined) {
        if (levels.length > 8)
            throw new BuiltinError('JWT nested too deeply');
        levels.push(decodeLevel(levels[levels.length - 1].nested));
    }
    return levels;
}
function decodeToken(token) {
    const levels = decodeLevels(token);
    return levels[levels.length - 1];
}
const KNOWN_ALGS = /^((HS|RS|PS|ES)(256|384|512)|EdDSA)$/;
function algorithm(alg) {
    if (alg === 'EdDSA')
        return { family: 'EdDSA', hash: null };
    const m = /^(HS|RS|PS|ES)(256|384|512)$/.exec(alg);
    if (!m)
        throw new BuiltinError(`unknown JWS algorithm: ${alg}`);
    return { family: m[1], hash: `sha${m[2]}` };
}
function certificateKey(text) {
    const end = text.indexOf('-----END CERTIFICATE-----');
    const block = end < 0 ? text : text.slice(0, end + '-----END CERTIFICATE-----'.length);
    if (text.slice(block.length).trim() !== '')
        throw new BuiltinError('extra data after a PEM certificate block');
    try {
        return new crypto.X509Certificate(block).publicKey;
    }
    catch {
        throw new BuiltinError('failed to parse a PEM certificate');
    }
}
/** Public keys from a PEM certificate, a PEM public key, a JWK or a JWK set. */
function publicKeys(material) {
    const text = material.trim();
    if (text.startsWith('-----BEGIN CERTIFICATE'))
        return [certificateKey(text)];
    if (text.startsWith('-----BEGIN'))
        return [crypto.createPublicKey(text)];
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        throw new BuiltinError('failed to parse a JWK key (set)');
    }
    const jwks = parsed.keys;
    const list = Array.isArray(jwks) ? jwks : [parsed];
    return list.map((jwk) => crypto.createPublicKey({ key: jwk, format: 'jwk' }));
}
function verifyWithKey(alg, d, key) {
    const { family, hash } = algorithm(alg);
    const data = Buffer.from(d.signingInput);
    try {
        switch (family) {
            case 'RS':
                return crypto.verify(hash, data, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, d.signature);
            case 'PS':
                return crypto.verify(hash, data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }, d.signature);
            case 'ES':
                return crypto.verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, d.signature);
            case 'EdDSA':
                return crypto.verify(null, data, key, d.signature);
            default:
                return false;
        }
    }
    catch {
        // A key of the wrong type for the algorithm simply does not verify.
        return false;
    }
}
function verifyHmac(alg, d, secret) {
    const { hash } = algorithm(alg);
    const expected = crypto.createHmac(hash, secret).update(d.signingInput).digest();
    return expected.length === d.signature.length && crypto.timingSafeEqual(expected, d.signature);
}
function verifyAsymmetric(alg, token, key) {
    const d = decodeLevel(str(token, 1));
    const keys = publicKeys(str(key, 2));
    return keys.some((k) => verifyWithKey(alg, d, k));
}
function verifier(alg) {
    if (alg.startsWith('HS'))
        return (token, secret) => verifyHmac(alg, decodeLevel(str(token, 1)), str(secret, 2));
    return (token, key) => verifyAsymmetric(alg, token, key);
}
function decode(token) {
    const d = decodeToken(str(token, 1));
    return [d.header, d.payload, d.signature.toString('hex')];
}
const CONSTRAINTS = new Set(['cert', 'secret', 'alg', 'iss', 'aud', 'time']);
function numericClaim(payload, name) {
    const v = payload[name];
    if (v === undefined)
        return undefined;
    if (typeof v !== 'number')
        throw new BuiltinError(`${name} value must be a number`);
    return v;
}
function claimsHold(payload, c) {
    const timeNs = typeof c.time === 'number' ? c.time : Number(evaluationTimeNs());
    const seconds = timeNs / 1e9;
    const exp = numericClaim(payload, 'exp');
    const nbf = numericClaim(payload, 'nbf');
    if (exp !== undefined && seconds >= exp)
        return false;
    if (nbf !== undefined && seconds < nbf)
        return false;
    if (c.iss !== undefined && payload.iss !== c.iss)
        return false;
    if (payload.aud !== undefined) {
        if (c.aud === undefined)
            return false;
        const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        if (!audiences.includes(c.aud))
            return false;
    }
    else if (c.aud !== undefined) {
        return false;
    }
    return true;
}
function decodeVerify(token, constraints) {
    const c = obj(constraints, 2);
    for (const key of Object.keys(c))
        if (!CONSTRAINTS.has(key))
            throw new BuiltinError(`unknown token validation constraint: ${key}`);
    if (c.cert !== undefined && c.secret !== undefined)
        throw new BuiltinError('duplicate key constraints');
    if (c.cert === undefined && c.secret === undefined)
        throw new BuiltinError('no key constraint');
    const levels = decodeLevels(str(token, 1));
    const unverified = [false, {}, {}];
    // Every level must be signed with the constrained key and algorithm; OPA understands no `crit` extensions.
    for (const level of levels)
        if (!levelVerifies(level, c))
            return unverified;
    const innermost = levels[levels.length - 1];
    if (!claimsHold(innermost.payload, c))
        return unverified;
    return [true, innermost.header, innermost.payload];
}
function levelVerifies(d, c) {
    const alg = d.header.alg;
    if (typeof alg !== 'string' || !KNOWN_ALGS.test(alg) || d.header.crit !== undefined)
        return false;
    if (c.alg !== undefined && c.alg !== alg)
        return false;
    if (c.secret !== undefined)
        return alg.startsWith('HS') && verifyHmac(alg, d, str(c.secret, 2));
    return !alg.startsWith('HS') && publicKeys(str(c.cert, 2)).some((k) => verifyWithKey(alg, d, k));
}
/** JSON as Go's encoding/json writes a map: keys sorted, no spaces. */
function canonicalJson(v) {
    if (Array.isArray(v))
        return `[${v.map(canonicalJson).join(',')}]`;
    if (typeof v === 'object' && v !== null) {
        const keys = Object.keys(v).sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
    }
    return JSON.stringify(v);
}
function sign(alg, signingInput, jwk) {
    const { family, hash } = algorithm(alg);
    const data = Buffer.from(signingInput);
    if (family === 'HS') {
        if (typeof jwk.k !== 'string')
            throw new BuiltinError('HMAC signing needs an "oct" JWK with "k"');
        return crypto.createHmac(hash, Buffer.from(jwk.k, 'base64url')).update(data).digest();
    }
    const key = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
    switch (family) {
        case 'RS':
            return crypto.sign(hash, data, { key, padding: crypto.constants.RSA_PKCS1_PADDING });
        case 'PS':
            return crypto.sign(hash, data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST });
        case 'ES':
            return crypto.sign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
        default:
            return crypto.sign(null, data, key);
    }
}
function parseJsonText(text) {
    if (text === '')
        throw new Error('cannot parse empty string');
    return JSON.parse(text);
}
/** Signs raw header and payload text, which are encoded byte for byte. */
function signRaw(headerText, payloadText, keyText) {
    let header;
    try {
        const parsed = parseJsonText(headerText);
        if (typeof parsed !== 'object' || parsed === null)
            throw new Error('header is not an object');
        header = parsed;
    }
    catch (e) {
        throw new BuiltinError(`missing or invalid 'alg' header: cannot parse JSON: ${e.message}`);
    }
    if (typeof header.alg !== 'string')
        throw new BuiltinError(`missing or invalid 'alg' header: header "alg" not found`);
    if (header.typ === undefined || header.typ === 'JWT') {
        try {
            parseJsonText(payloadText);
        }
        catch {
            throw new BuiltinError('type is JWT but payload is not JSON');
        }
    }
    let jwk;
    try {
        jwk = JSON.parse(keyText);
    }
    catch {
        throw new BuiltinError('invalid JWK');
    }
    const signingInput = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(payloadText).toString('base64url')}`;
    return `${signingInput}.${sign(header.alg, signingInput, jwk).toString('base64url')}`;
}
function encodeSignRaw(header, payload, key) {
    return signRaw(str(header, 1), str(payload, 2), str(key, 3));
}
function encodeSign(header, payload, key) {
    return signRaw(canonicalJson(obj(header, 1)), canonicalJson(obj(payload, 2)), canonicalJson(obj(key, 3)));
}
const VERIFY_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512'];
export const jwtBuiltins = {
    'io.jwt.decode': decode,
    'io.jwt.decode_verify': decodeVerify,
    'io.jwt.encode_sign': encodeSign,
    'io.jwt.encode_sign_raw': encodeSignRaw,
    'io.jwt.verify_eddsa': verifier('EdDSA'),
    ...Object.fromEntries(VERIFY_ALGS.map((alg) => [`io.jwt.verify_${alg.toLowerCase()}`, verifier(alg)])),
};
//# sourceMappingURL=jwt.js.map