// Semantic Versioning 2.0.0 (https://semver.org): parse, validate, compare with prerelease precedence.
import { BuiltinError, str } from './args.js';
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
function parse(text) {
    const m = SEMVER.exec(text);
    if (!m)
        return undefined;
    return { core: [BigInt(m[1]), BigInt(m[2]), BigInt(m[3])], prerelease: m[4] ? m[4].split('.') : [] };
}
function sign(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function comparePrereleaseIds(a, b) {
    const an = /^\d+$/.test(a);
    const bn = /^\d+$/.test(b);
    if (an && bn)
        return sign(BigInt(a), BigInt(b));
    if (an !== bn)
        return an ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
}
function compareVersions(a, b) {
    for (let i = 0; i < 3; i++) {
        const c = sign(a.core[i], b.core[i]);
        if (c !== 0)
            return c;
    }
    // A version without prerelease ranks above any prerelease of it.
    if (a.prerelease.length === 0 || b.prerelease.length === 0)
        return b.prerelease.length - a.prerelease.length === 0 ? 0 : a.prerelease.length === 0 ? 1 : -1;
    for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
        const c = comparePrereleaseIds(a.prerelease[i], b.prerelease[i]);
        if (c !== 0)
            return c;
    }
    return Math.sign(a.prerelease.length - b.prerelease.length);
}
function operand(v, pos) {
    const text = str(v, pos);
    const version = parse(text);
    if (!version)
        throw new BuiltinError(`operand ${pos}: string ${JSON.stringify(text)} is not a valid SemVer`);
    return version;
}
function isValid(v) {
    return typeof v === 'string' && parse(v) !== undefined;
}
function compare(a, b) {
    return compareVersions(operand(a, 1), operand(b, 2));
}
export const semverBuiltins = {
    'semver.is_valid': isValid,
    'semver.compare': compare,
};
//# sourceMappingURL=semver.js.map