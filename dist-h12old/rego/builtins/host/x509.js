// crypto.x509.*: certificates parsed into the shape of Go's x509.Certificate as OPA returns it (the fields a
// policy reads: Subject, Issuer, SerialNumber, NotBefore/NotAfter, DNSNames, EmailAddresses, IPAddresses,
// URIStrings, IsCA, Raw ...), chain verification, and key pairs.
import * as crypto from 'node:crypto';
import { BuiltinError, obj, rawJson, str } from './args.js';
import { children, expectTag, objectIdentifier, readElement, stringValue } from './der.js';
import { decodePemOrBase64, derBlocks, pemBlocks } from './pem.js';
const NAME_FIELDS = {
    C: 'Country',
    O: 'Organization',
    OU: 'OrganizationalUnit',
    L: 'Locality',
    ST: 'Province',
    street: 'StreetAddress',
    postalCode: 'PostalCode',
};
/** Splits Node's "A=x\nB=y" distinguished names; values with newlines arrive JSON-quoted. */
function distinguishedName(text) {
    const name = {
        Country: null, Organization: null, OrganizationalUnit: null, Locality: null, Province: null,
        StreetAddress: null, PostalCode: null, SerialNumber: '', CommonName: '',
    };
    for (const line of (text ?? '').split('\n').filter(Boolean)) {
        const eq = line.indexOf('=');
        const key = line.slice(0, eq);
        let value = line.slice(eq + 1);
        if (value.startsWith('"'))
            value = JSON.parse(value);
        if (key === 'CN')
            name.CommonName = value;
        else if (key === 'serialNumber')
            name.SerialNumber = value;
        else if (NAME_FIELDS[key])
            name[NAME_FIELDS[key]] = [...(name[NAME_FIELDS[key]] ?? []), value];
    }
    return name;
}
/** Node writes subjectAltName as `DNS:a, URI:b, IP Address:1.2.3.4`; quoted entries may contain commas. */
function alternativeNames(text) {
    const names = new Map();
    for (const m of (text ?? '').matchAll(/([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g)) {
        const value = m[2].startsWith('"') ? JSON.parse(m[2]) : m[2];
        names.set(m[1], [...(names.get(m[1]) ?? []), value]);
    }
    return names;
}
function rfc3339(date) {
    return new Date(date).toISOString().replace(/\.000Z$/, 'Z');
}
/** X.509 version (1 to 3): TBSCertificate's optional `[0] EXPLICIT INTEGER` holds it minus one. */
function certificateVersion(raw) {
    const [tbs] = children(readElement(raw).element);
    const [first] = children(tbs);
    if (first?.tag !== 0xa0)
        return 1;
    const [version] = children(first);
    return expectTag(version, 0x02, 'version').content.readUIntBE(0, Math.min(6, version.content.length)) + 1;
}
// Go's x509.PublicKeyAlgorithm and x509.ExtKeyUsage numbers, which is how Go's JSON writes them.
const PUBLIC_KEY_ALGORITHMS = { rsa: 1, 'rsa-pss': 1, dsa: 2, ec: 3, ed25519: 4 };
const EXT_KEY_USAGES = {
    '2.5.29.37.0': 0,
    '1.3.6.1.5.5.7.3.1': 1,
    '1.3.6.1.5.5.7.3.2': 2,
    '1.3.6.1.5.5.7.3.3': 3,
    '1.3.6.1.5.5.7.3.4': 4,
    '1.3.6.1.5.5.7.3.5': 5,
    '1.3.6.1.5.5.7.3.6': 6,
    '1.3.6.1.5.5.7.3.7': 7,
    '1.3.6.1.5.5.7.3.8': 8,
    '1.3.6.1.5.5.7.3.9': 9,
};
function certificateObject(cert) {
    const alt = alternativeNames(cert.subjectAltName);
    const listOrNull = (key) => alt.get(key) ?? null;
    return {
        Raw: cert.raw.toString('base64'),
        Version: certificateVersion(cert.raw),
        SerialNumber: BigInt('0x' + cert.serialNumber),
        Issuer: distinguishedName(cert.issuer),
        Subject: distinguishedName(cert.subject),
        NotBefore: rfc3339(cert.validFrom),
        NotAfter: rfc3339(cert.validTo),
        IsCA: cert.ca,
        PublicKeyAlgorithm: PUBLIC_KEY_ALGORITHMS[cert.publicKey.asymmetricKeyType ?? ''] ?? 0,
        ExtKeyUsage: cert.keyUsage?.filter((oid) => oid in EXT_KEY_USAGES).map((oid) => EXT_KEY_USAGES[oid]) ?? null,
        DNSNames: listOrNull('DNS'),
        EmailAddresses: listOrNull('email'),
        IPAddresses: listOrNull('IP Address'),
        URIStrings: listOrNull('URI'),
    };
}
function certificates(text) {
    const blocks = derBlocks(text, 'CERTIFICATE');
    try {
        return blocks.map((der) => new crypto.X509Certificate(der));
    }
    catch {
        throw new BuiltinError('x509: malformed certificate');
    }
}
function parseCertificates(value) {
    return rawJson(certificates(str(value, 1)).map(certificateObject));
}
function issuedBy(child, issuer) {
    return issuer.ca && child.checkIssued(issuer) && child.verify(issuer.publicKey);
}
/**
 * OPA's order: the first certificate is the root, the last the leaf, the others intermediates. Returns the
 * verified chain from the leaf up to the root, as Go's Verify reports it, or undefined when it does not verify.
 */
function verifiedChain(certs, options) {
    if (certs.length < 2)
        return undefined;
    const root = certs[0];
    const leaf = certs[certs.length - 1];
    const intermediates = certs.slice(1, -1);
    if (!root.verify(root.publicKey))
        return undefined;
    const chain = [leaf];
    for (let current = leaf; current !== root;) {
        if (chain.length > certs.length)
            return undefined;
        const issuer = issuedBy(current, root) ? root : intermediates.find((c) => !chain.includes(c) && issuedBy(current, c));
        if (!issuer)
            return undefined;
        chain.push(issuer);
        current = issuer;
    }
    const inForce = (c) => Date.parse(c.validFrom) <= options.currentTimeMs && options.currentTimeMs <= Date.parse(c.validTo);
    if (!chain.every(inForce))
        return undefined;
    if (options.dnsName !== undefined && leaf.checkHost(options.dnsName) === undefined)
        return undefined;
    return chain;
}
function verified(value, options) {
    let chain;
    try {
        chain = certificates(value);
    }
    catch {
        return rawJson([false, []]);
    }
    const verifiedCerts = verifiedChain(chain, options);
    return verifiedCerts ? rawJson([true, verifiedCerts.map(certificateObject)]) : rawJson([false, []]);
}
function parseAndVerify(value) {
    return verified(str(value, 1), { currentTimeMs: Date.now() });
}
const OPTION_KEYS = new Set(['DNSName', 'CurrentTime', 'KeyUsages', 'MaxConstraintComparisions']);
function parseAndVerifyWithOptions(value, options) {
    const o = obj(options, 2);
    for (const key of Object.keys(o))
        if (!OPTION_KEYS.has(key))
            throw new BuiltinError(`invalid key option: ${key}`);
    const currentTimeMs = typeof o.CurrentTime === 'number' ? o.CurrentTime / 1e6 : Date.now();
    return verified(str(value, 1), { currentTimeMs, dnsName: typeof o.DNSName === 'string' ? o.DNSName : undefined });
}
function parseKeypair(certValue, keyValue) {
    const chain = certificates(str(certValue, 1));
    if (chain.length === 0)
        throw new BuiltinError('tls: failed to find any PEM data in certificate input');
    const keyBlocks = pemBlocks(decodePemOrBase64(str(keyValue, 2))).filter((b) => b.label.includes('PRIVATE KEY'));
    if (keyBlocks.length === 0)
        throw new BuiltinError('tls: failed to find any PEM data in key input');
    const privateKey = crypto.createPrivateKey(keyBlocks[0].text);
    const derived = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    if (!derived.equals(chain[0].publicKey.export({ type: 'spki', format: 'der' }))) {
        throw new BuiltinError('tls: private key does not match public key');
    }
    return rawJson({
        Certificate: chain.map((c) => c.raw.toString('base64')),
        PrivateKey: privateKey.export({ format: 'jwk' }),
        Leaf: certificateObject(chain[0]),
    });
}
// Attribute types of distinguished names (X.520), to the pkix.Name field each fills.
const NAME_OIDS = {
    '2.5.4.3': 'CN',
    '2.5.4.5': 'serialNumber',
    '2.5.4.6': 'C',
    '2.5.4.7': 'L',
    '2.5.4.8': 'ST',
    '2.5.4.9': 'street',
    '2.5.4.10': 'O',
    '2.5.4.11': 'OU',
    '2.5.4.17': 'postalCode',
};
/** A DER Name as the same "KEY=value" lines Node uses for certificates, so one reader serves both. */
function nameLines(name) {
    const lines = [];
    for (const rdn of children(expectTag(name, 0x30, 'name'))) {
        for (const attribute of children(expectTag(rdn, 0x31, 'relative distinguished name'))) {
            const [type, value] = children(expectTag(attribute, 0x30, 'attribute'));
            const key = NAME_OIDS[objectIdentifier(type)];
            if (key)
                lines.push(`${key}=${JSON.stringify(stringValue(value))}`);
        }
    }
    return lines.join('\n');
}
/** PKCS #10: the subject and the request's public key; the signature is not checked, as Go's parser does not. */
function parseCertificateRequest(value) {
    const der = derBlocks(str(value, 1), 'CERTIFICATE REQUEST');
    if (der.length === 0)
        throw new BuiltinError('asn1: structure error: no certificate request');
    const { element: request } = readElement(der[0]);
    const [info] = children(expectTag(request, 0x30, 'certificate request'));
    const [version, subject, publicKeyInfo] = children(expectTag(info, 0x30, 'certificate request info'));
    const publicKey = crypto.createPublicKey({ key: publicKeyInfo.raw, format: 'der', type: 'spki' });
    return {
        Raw: der[0].toString('base64'),
        Version: expectTag(version, 0x02, 'version').content.readUIntBE(0, Math.min(6, version.content.length)),
        Subject: distinguishedName(nameLines(subject)),
        PublicKeyAlgorithm: PUBLIC_KEY_ALGORITHMS[publicKey.asymmetricKeyType ?? ''] ?? 0,
    };
}
export const x509Builtins = {
    'crypto.x509.parse_certificate_request': parseCertificateRequest,
    'crypto.x509.parse_certificates': parseCertificates,
    'crypto.x509.parse_and_verify_certificates': parseAndVerify,
    'crypto.x509.parse_and_verify_certificates_with_options': parseAndVerifyWithOptions,
    'crypto.x509.parse_keypair': parseKeypair,
};
//# sourceMappingURL=x509.js.map