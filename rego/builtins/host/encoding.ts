// Encodings the runtime leaves to the host: URL query strings (Go's net/url rules), YAML (YAML 1.1 like Go's
// yaml.v2, which OPA uses), json.marshal_with_options; json.patch and the JSON Schema builtins live in their own
// files. base64url.encode_no_pad, hex.* and json.is_valid are native in our runtime but not in OPA's, whose
// modules (built by `opa build`) import them from the host.

import YAML from 'yaml';
import { BuiltinError, obj, str } from './args.js';
import { goJson } from './gojson.js';
import { jsonPatch } from './jsonpatch.js';
import { matchSchema, verifySchema } from './jsonschema.js';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Go's url.QueryEscape: space becomes `+`, everything but unreserved characters is %-encoded. */
function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (UNRESERVED.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new BuiltinError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+') {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function encode(v: unknown): string {
  return queryEscape(str(v, 1));
}

function decode(v: unknown): string {
  return queryUnescape(str(v, 1));
}

/** url.Values.Encode: keys sorted, each value of a key in order. */
function encodeObject(v: unknown): string {
  const o = obj(v, 1);
  const pairs: string[] = [];
  for (const key of Object.keys(o).sort()) {
    const value = o[key];
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
    if (!values || values.some((x) => typeof x !== 'string')) {
      throw new BuiltinError('operand 1 must be object[string: string | array[string] | set[string]]');
    }
    for (const x of values as string[]) pairs.push(`${queryEscape(key)}=${queryEscape(x)}`);
  }
  return pairs.join('&');
}

function decodeObject(v: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of str(v, 1).split('&')) {
    if (part === '') continue;
    if (part.includes(';')) throw new BuiltinError('invalid semicolon separator in query');
    const eq = part.indexOf('=');
    const key = queryUnescape(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : queryUnescape(part.slice(eq + 1));
    (out[key] ??= []).push(value);
  }
  return out;
}

function yamlMarshal(v: unknown): string {
  return YAML.stringify(v, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0 });
}

function yamlParse(text: string): unknown {
  const doc = YAML.parseDocument(text, { version: '1.1', uniqueKeys: true });
  if (doc.errors.length > 0) throw new BuiltinError(`yaml: ${doc.errors[0].message}`);
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  return value === undefined ? null : value;
}

function yamlUnmarshal(v: unknown): unknown {
  return yamlParse(str(v, 1));
}

function yamlIsValid(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    yamlParse(v);
    return true;
  } catch {
    return false;
  }
}

const MARSHAL_OPTIONS = new Set(['pretty', 'indent', 'prefix']);

/** Pretty output when `pretty` is true or an indent or prefix is given (and `pretty` is not false). */
function marshalWithOptions(value: unknown, options: unknown): string {
  const o = obj(options, 2);
  for (const [key, x] of Object.entries(o)) {
    if (!MARSHAL_OPTIONS.has(key)) throw new BuiltinError(`object contained unknown key ${JSON.stringify(key)}`);
    if (key === 'pretty' ? typeof x !== 'boolean' : typeof x !== 'string') throw new BuiltinError(`invalid value for ${key}`);
  }
  const pretty = o.pretty === undefined ? o.indent !== undefined || o.prefix !== undefined : o.pretty === true;
  if (!pretty) return goJson(value);
  const prefix = (o.prefix as string | undefined) ?? '';
  return prefix + goJson(value, (o.indent as string | undefined) ?? '\t', prefix);
}

function base64UrlEncodeNoPad(v: unknown): string {
  return Buffer.from(str(v, 1), 'utf8').toString('base64url');
}

function hexEncode(v: unknown): string {
  return Buffer.from(str(v, 1), 'utf8').toString('hex');
}

const HEX_DIGIT = /^[0-9a-fA-F]$/;

/** Go's %#U of a byte read as a rune: `U+0067 'g'`, without the quoted character when it is not printable. */
function goRuneName(byte: number): string {
  const ch = String.fromCharCode(byte);
  const code = `U+${byte.toString(16).toUpperCase().padStart(4, '0')}`;
  return ch === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch) ? `${code} '${ch}'` : code;
}

/** Go's hex.DecodeString: the first invalid byte is reported before an odd length is. */
function hexDecode(v: unknown): string {
  const text = Buffer.from(str(v, 1), 'utf8');
  const bad = text.findIndex((byte) => !HEX_DIGIT.test(String.fromCharCode(byte)));
  if (bad >= 0) throw new BuiltinError(`encoding/hex: invalid byte: ${goRuneName(text[bad])}`);
  if (text.length % 2 !== 0) throw new BuiltinError('encoding/hex: odd length hex string');
  return Buffer.from(text.toString('latin1'), 'hex').toString('utf8');
}

/** False, not an error, for a non-string: OPA's json.is_valid never fails. */
function jsonIsValid(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    JSON.parse(v);
    return true;
  } catch {
    return false;
  }
}

export const encodingBuiltins = {
  'base64url.encode_no_pad': base64UrlEncodeNoPad,
  'hex.encode': hexEncode,
  'hex.decode': hexDecode,
  'json.is_valid': jsonIsValid,
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
