// Encodings the runtime leaves to the host: URL query strings (Go's net/url rules), YAML (YAML 1.1 like Go's
// yaml.v2, which OPA uses), json.marshal_with_options; json.patch and the JSON Schema builtins live in their own
// files.
import YAML from 'yaml';
import { BuiltinError, obj, str } from './args.js';
import { goJson } from './gojson.js';
import { jsonPatch } from './jsonpatch.js';
import { matchSchema, verifySchema } from './jsonschema.js';
const UNRESERVED = /[A-Za-z0-9\-_.~]/;
/** Go's url.QueryEscape: space becomes `+`, everything but unreserved characters is %-encoded. */
function queryEscape(s) {
    let out = '';
    for (const byte of Buffer.from(s, 'utf8')) {
        const ch = String.fromCharCode(byte);
        if (UNRESERVED.test(ch))
            out += ch;
        else if (ch === ' ')
            out += '+';
        else
            out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
    return out;
}
function queryUnescape(s) {
    const bytes = [];
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (c === '%') {
            const hex = s.slice(i + 1, i + 3);
            if (!/^[0-9A-Fa-f]{2}$/.test(hex))
                throw new BuiltinError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
            bytes.push(parseInt(hex, 16));
            i += 2;
        }
        else if (c === '+') {
            bytes.push(0x20);
        }
        else {
            bytes.push(...Buffer.from(c, 'utf8'));
        }
    }
    return Buffer.from(bytes).toString('utf8');
}
function encode(v) {
    return queryEscape(str(v, 1));
}
function decode(v) {
    return queryUnescape(str(v, 1));
}
/** url.Values.Encode: keys sorted, each value of a key in order. */
function encodeObject(v) {
    const o = obj(v, 1);
    const pairs = [];
    for (const key of Object.keys(o).sort()) {
        const value = o[key];
        const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
        if (!values || values.some((x) => typeof x !== 'string')) {
            throw new BuiltinError('operand 1 must be object[string: string | array[string] | set[string]]');
        }
        for (const x of values)
            pairs.push(`${queryEscape(key)}=${queryEscape(x)}`);
    }
    return pairs.join('&');
}
function decodeObject(v) {
    const out = {};
    for (const part of str(v, 1).split('&')) {
        if (part === '')
            continue;
        if (part.includes(';'))
            throw new BuiltinError('invalid semicolon separator in query');
        const eq = part.indexOf('=');
        const key = queryUnescape(eq < 0 ? part : part.slice(0, eq));
        const value = eq < 0 ? '' : queryUnescape(part.slice(eq + 1));
        (out[key] ??= []).push(value);
    }
    return out;
}
function yamlMarshal(v) {
    return YAML.stringify(v, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0 });
}
function yamlParse(text) {
    const doc = YAML.parseDocument(text, { version: '1.1', uniqueKeys: true });
    if (doc.errors.length > 0)
        throw new BuiltinError(`yaml: ${doc.errors[0].message}`);
    const value = doc.toJS({ maxAliasCount: 100 });
    return value === undefined ? null : value;
}
function yamlUnmarshal(v) {
    return yamlParse(str(v, 1));
}
function yamlIsValid(v) {
    if (typeof v !== 'string')
        return false;
    try {
        yamlParse(v);
        return true;
    }
    catch {
        return false;
    }
}
const MARSHAL_OPTIONS = new Set(['pretty', 'indent', 'prefix']);
/** Pretty output when `pretty` is true or an indent or prefix is given (and `pretty` is not false). */
function marshalWithOptions(value, options) {
    const o = obj(options, 2);
    for (const [key, x] of Object.entries(o)) {
        if (!MARSHAL_OPTIONS.has(key))
            throw new BuiltinError(`object contained unknown key ${JSON.stringify(key)}`);
        if (key === 'pretty' ? typeof x !== 'boolean' : typeof x !== 'string')
            throw new BuiltinError(`invalid value for ${key}`);
    }
    const pretty = o.pretty === undefined ? o.indent !== undefined || o.prefix !== undefined : o.pretty === true;
    if (!pretty)
        return goJson(value);
    const prefix = o.prefix ?? '';
    return prefix + goJson(value, o.indent ?? '\t', prefix);
}
export const encodingBuiltins = {
    'urlquery.encode': encode,
    'urlquery.decode': decode,
    'urlquery.encode_object': encodeObject,
    'urlquery.decode_object': decodeObject,
    'yaml.marshal': yamlMarshal,
    'yaml.unmarshal': yamlUnmarshal,
    'yaml.is_valid': yamlIsValid,
    'json.marshal_with_options': marshalWithOptions,
    'json.patch': jsonPatch,
    'json.match_schema': matchSchema,
    'json.verify_schema': verifySchema,
};
//# sourceMappingURL=encoding.js.map