// uri.parse and uri.is_valid: a URL's parts as Go's net/url.Parse finds them (see gourl.ts).
import { str } from './args.js';
import { escapedPath, parseGoUrl, splitHostPort } from './gourl.js';
/** The parts OPA reports; an empty part is left out, so `uri.parse("")` is `{}`. */
function parse(v) {
    const url = parseGoUrl(str(v, 1));
    const { hostname, port } = splitHostPort(url.host);
    const parts = {
        scheme: url.scheme,
        hostname,
        port,
        path: url.path,
        raw_path: escapedPath(url),
        raw_query: url.rawQuery,
        fragment: url.fragment,
    };
    return Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== ''));
}
/** An empty string parses, but names nothing: OPA does not count it as a valid URI. */
function isValid(v) {
    if (typeof v !== 'string' || v === '')
        return false;
    try {
        parseGoUrl(v);
        return true;
    }
    catch {
        return false;
    }
}
export const uriBuiltins = {
    'uri.parse': parse,
    'uri.is_valid': isValid,
};
//# sourceMappingURL=uri.js.map