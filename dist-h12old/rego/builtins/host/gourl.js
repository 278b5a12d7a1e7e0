// URLs split as Go's net/url.Parse splits them, because OPA's uri.* builtins and its AWS request signing read
// URLs through it: the same inputs must be rejected, and hosts, paths and escapes must come out the same.
// Go works on bytes, so this works on the UTF-8 bytes of the text too.
import { isIPv6 } from 'node:net';
import { BuiltinError } from './args.js';
const enc = new TextEncoder();
const dec = new TextDecoder();
function isAlphanumeric(c) {
    return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}
function isHex(c) {
    return c !== undefined && /[0-9A-Fa-f]/.test(String.fromCharCode(c));
}
/** Whether a byte must be %-escaped in the given part of a URL (Go's shouldEscape). */
function shouldEscape(c, mode) {
    if (isAlphanumeric(c))
        return false;
    const ch = String.fromCharCode(c);
    if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch))
        return false;
    if ('-_.~'.includes(ch))
        return false;
    if ('$&+,/:;=?@'.includes(ch)) {
        if (mode === 'userPassword')
            return '@/?:'.includes(ch);
        if (mode === 'path')
            return ch === '?';
        if (mode === 'fragment')
            return false;
    }
    if (mode === 'fragment' && '!()*'.includes(ch))
        return false;
    return true;
}
function unescape(text, mode) {
    const s = enc.encode(text);
    const out = [];
    for (let i = 0; i < s.length;) {
        const c = s[i];
        if (c === 0x25) {
            if (!isHex(s[i + 1]) || !isHex(s[i + 2])) {
                throw new BuiltinError(`invalid URL escape ${JSON.stringify(dec.decode(s.subarray(i, i + 3)))}`);
            }
            const escaped = dec.decode(s.subarray(i, i + 3));
            const value = parseInt(escaped.slice(1), 16);
            // RFC 3986 allows %-escapes in a host only for non-ASCII bytes (and `%25` before an IPv6 zone).
            if (mode === 'host' && value < 0x80 && escaped !== '%25') {
                throw new BuiltinError(`invalid URL escape ${JSON.stringify(escaped)}`);
            }
            out.push(value);
            i += 3;
            continue;
        }
        if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
            throw new BuiltinError(`invalid character ${JSON.stringify(String.fromCharCode(c))} in host name`);
        }
        out.push(c);
        i++;
    }
    return dec.decode(new Uint8Array(out));
}
function escape(text, mode) {
    let out = '';
    for (const c of enc.encode(text)) {
        out += shouldEscape(c, mode) ? '%' + c.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(c);
    }
    return out;
}
/** Whether `text` may stand as a path's escaped form as written (Go's validEncoded). */
function validEncoded(text) {
    for (const c of enc.encode(text)) {
        if (`!$&'()*+,;=:@[]%`.includes(String.fromCharCode(c)))
            continue;
        if (shouldEscape(c, 'path'))
            return false;
    }
    return true;
}
function validOptionalPort(port) {
    return port === '' || /^:[0-9]*$/.test(port);
}
/** Splits off `scheme:`; a text whose first `:` is not preceded by a valid scheme has none. */
function splitScheme(text) {
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (/[A-Za-z]/.test(c))
            continue;
        if (/[0-9+\-.]/.test(c)) {
            if (i === 0)
                return ['', text];
            continue;
        }
        if (c === ':') {
            if (i === 0)
                throw new BuiltinError('missing protocol scheme');
            return [text.slice(0, i), text.slice(i + 1)];
        }
        return ['', text];
    }
    return ['', text];
}
function parseHost(host) {
    if (host.startsWith('[')) {
        const close = host.lastIndexOf(']');
        if (close < 0)
            throw new BuiltinError("missing ']' in host");
        const colonPort = host.slice(close + 1);
        if (!validOptionalPort(colonPort))
            throw new BuiltinError(`invalid port ${JSON.stringify(colonPort)} after host`);
        const zone = host.slice(0, close).indexOf('%25');
        const literal = unescape(host.slice(1, zone >= 0 ? zone : close), 'host');
        if (!isIPv6(literal))
            throw new BuiltinError(`invalid IPv6 host ${JSON.stringify(literal)}`);
        if (zone < 0)
            return unescape(host, 'host');
        return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, close), 'zone') + unescape(host.slice(close), 'host');
    }
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) {
        throw new BuiltinError(`invalid port ${JSON.stringify(host.slice(colon))} after host`);
    }
    return unescape(host, 'host');
}
function parseAuthority(authority) {
    const at = authority.lastIndexOf('@');
    const host = parseHost(authority.slice(at + 1));
    if (at >= 0) {
        const userinfo = authority.slice(0, at);
        if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo))
            throw new BuiltinError('net/url: invalid userinfo');
        unescape(userinfo, 'userPassword');
    }
    return host;
}
/** Parses a URL as Go's url.Parse does; throws its error on what it rejects. */
export function parseGoUrl(text) {
    const url = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '', fragment: '' };
    const hash = text.indexOf('#');
    const [beforeFragment, fragment] = hash < 0 ? [text, ''] : [text.slice(0, hash), text.slice(hash + 1)];
    if (/[\x00-\x1f\x7f]/.test(beforeFragment))
        throw new BuiltinError('net/url: invalid control character in URL');
    url.fragment = unescape(fragment, 'fragment');
    if (beforeFragment === '*')
        return { ...url, path: '*' };
    const [scheme, afterScheme] = splitScheme(beforeFragment);
    url.scheme = scheme.toLowerCase();
    let rest = afterScheme;
    if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
        rest = rest.slice(0, -1);
    }
    else {
        const q = rest.indexOf('?');
        if (q >= 0)
            [rest, url.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
    }
    if (!rest.startsWith('/')) {
        if (url.scheme !== '')
            return { ...url, opaque: rest };
        const firstSegment = rest.split('/', 1)[0];
        if (firstSegment.includes(':'))
            throw new BuiltinError('first path segment in URL cannot contain colon');
    }
    if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
        const slash = rest.indexOf('/', 2);
        const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
        rest = slash < 0 ? '' : rest.slice(slash);
        url.host = parseAuthority(authority);
    }
    url.path = unescape(rest, 'path');
    url.rawPath = rest === escape(url.path, 'path') ? '' : rest;
    return url;
}
/** The path in escaped form: as written when that is a valid escaping of it, else Go's canonical escaping. */
export function escapedPath(url) {
    if (url.rawPath !== '' && validEncoded(url.rawPath)) {
        try {
            if (unescape(url.rawPath, 'path') === url.path)
                return url.rawPath;
        }
        catch {
            // An invalid escape in the raw path falls back to the canonical form, as in Go.
        }
    }
    if (url.path === '*')
        return '*';
    return escape(url.path, 'path');
}
/** Host and port of `host` (Go's Hostname and Port); IPv6 brackets are removed. */
export function splitHostPort(host) {
    let hostname = host;
    let port = '';
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && validOptionalPort(host.slice(colon))) {
        [hostname, port] = [host.slice(0, colon), host.slice(colon + 1)];
    }
    if (hostname.startsWith('[') && hostname.endsWith(']'))
        hostname = hostname.slice(1, -1);
    return { hostname, port };
}
//# sourceMappingURL=gourl.js.map