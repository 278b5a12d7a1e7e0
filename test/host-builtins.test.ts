import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { BUILTINS, OPA_RUNTIME_NATIVE, nativeExportName } from '../rego/builtins/catalog.js';
import { SET_RESULT_BUILTINS, hostBuiltins, resetEvaluation } from '../rego/builtins/host/index.js';
import { compilePolicy } from '../rego/compile.js';
import { loadEngine } from '../rego/engine.js';
import { RuntimeLink } from '../rego/wasm/link.js';
import { readRuntimeBinary } from '../rego/wasm/runtime-binary.js';

const call = (name: string, ...args: unknown[]): unknown => {
  const fn = hostBuiltins[name];
  if (!fn) throw new Error(`no host builtin ${name}`);
  const out = fn(...args);
  // Results beyond 2^53 come back as raw JSON text; read them as text so every digit is checked.
  return out instanceof ArrayBuffer ? new TextDecoder().decode(out) : out;
};

// Operators the compiler handles itself, print (emitted code prints through opa_println), and the builtins left
// out by design (see rego/builtins/host/index.ts).
const notCalls = ['assign', 'eq', 'print'];
const excluded = ['http.send', 'net.lookup_ip_addr', 'rego.parse_module', 'rego.metadata.chain', 'rego.metadata.rule'];

describe('coverage of the catalog', () => {

  it('implements every builtin that our runtime or OPA\'s does not, so OPA-built modules find theirs too', () => {
    const runtime = new WebAssembly.Module(readRuntimeBinary());
    const native = new Set(WebAssembly.Module.exports(runtime).map((e) => e.name));
    const unserved: string[] = [];
    const unservedForOpaModules: string[] = [];
    for (const name of BUILTINS.keys()) {
      if (notCalls.includes(name) || excluded.includes(name) || Object.hasOwn(hostBuiltins, name)) continue;
      if (!native.has(nativeExportName(name))) unserved.push(name);
      if (!OPA_RUNTIME_NATIVE.has(name)) unservedForOpaModules.push(name);
    }
    expect(unserved).toEqual([]);
    expect(unservedForOpaModules).toEqual([]);
    for (const name of Object.keys(hostBuiltins)) expect(BUILTINS.has(name), name).toBe(true);
  });
});

describe('modules built by opa build', () => {
  // Every builtin OPA's runtime does not implement: what `opa build -t wasm` makes a module import from its host.
  const importedByOpaModules = [...BUILTINS.values()].filter(
    (spec) => !OPA_RUNTIME_NATIVE.has(spec.name) && !notCalls.includes(spec.name) && !excluded.includes(spec.name),
  );

  /**
   * Compiles a policy as OPA's compiler would split it: only OPA's native builtins are called inside the module,
   * every other builtin through the opa_builtinN imports, which the engine answers from its host table.
   */
  async function compileAsOpaWould(text: string, entrypoints: string[]): Promise<Uint8Array> {
    const exportToBuiltin = new Map([...BUILTINS.keys()].map((name) => [nativeExportName(name), name]));
    const has = RuntimeLink.prototype.has;
    const spy = vi.spyOn(RuntimeLink.prototype, 'has').mockImplementation(function (this: RuntimeLink, exportName: string) {
      const builtin = exportToBuiltin.get(exportName);
      return builtin !== undefined && !OPA_RUNTIME_NATIVE.has(builtin) ? false : has.call(this, exportName);
    });
    try {
      return (await compilePolicy([{ file: 'opa-style.rego', text }], entrypoints)).wasm;
    } finally {
      spy.mockRestore();
    }
  }

  it('finds every builtin such a module imports in the engine\'s host table', async () => {
    const rules = importedByOpaModules.map((spec, i) => {
      const operands = Array.from({ length: spec.arity }, (_, j) => `input[${j}]`).join(', ');
      return `r${i} := ${spec.name}(${operands})`;
    });
    const entrypoints = rules.map((_, i) => `t/r${i}`);
    const wasm = await compileAsOpaWould(`package t\n${rules.join('\n')}\n`, entrypoints);
    // The module's `builtins` export lists its imports as JSON: each of these must be among them.
    const text = Buffer.from(wasm).toString('latin1');
    for (const spec of importedByOpaModules) expect(text.includes(`"${spec.name}":`), spec.name).toBe(true);
    const engine = await loadEngine(wasm);
    const unserved: string[] = [];
    importedByOpaModules.forEach((spec, i) => {
      try {
        // Null operands: a served builtin rejects them (undefined) or answers; an unserved one is an error.
        engine.evaluate([null, null, null, null], entrypoints[i]);
      } catch (e) {
        unserved.push(`${spec.name}: ${(e as Error).message}`);
      }
    });
    expect(unserved).toEqual([]);
  }, 120_000);

  it('answers calls through the host as the runtime answers them natively', async () => {
    const text = `package t
a := strings.count("cheese", "e")
b := hex.decode(hex.encode("héllo"))
c := [x | x := numbers.range_step(1, 10, 4)[_]]
d := object.subset({"a": {"b": 1, "c": 2}}, {"a": {"b": 1}})
e := 2 in [1, 2]
f := object.keys({"y": 1, "x": 2})
g := time.parse_rfc3339_ns("2024-02-29T11:00:00.5Z")
`;
    const entrypoints = ['t/a', 't/b', 't/c', 't/d', 't/e', 't/f', 't/g'];
    const opaStyle = await loadEngine(await compileAsOpaWould(text, entrypoints));
    const ours = await loadEngine((await compilePolicy([{ file: 'ours.rego', text }], entrypoints)).wasm, undefined, { builtins: {} });
    const expected = [3, 'héllo', [1, 5, 9], true, true, ['x', 'y'], 1709204400500000000];
    entrypoints.forEach((entrypoint, i) => {
      expect(opaStyle.evaluate(undefined, entrypoint), entrypoint).toEqual(expected[i]);
      expect(ours.evaluate(undefined, entrypoint), entrypoint).toEqual(expected[i]);
    });
  }, 120_000);
});

describe('sprintf', () => {
  it('formats Go verbs', () => {
    expect(call('sprintf', '%d items, %s, %v', [3, 'ok', 2.5])).toBe('3 items, ok, 2.5');
    expect(call('sprintf', '%05.1f|%-4d|%x|%X|%o|%b', [3.14159, 7, 255, 255, 8, 5])).toBe('003.1|7   |ff|FF|10|101');
    expect(call('sprintf', '%q %s %%', ['a"b', true])).toBe('"a\\"b" true %');
    // OPA hands Go every non-number, non-string value as its Rego text, so %t sees a string.
    expect(call('sprintf', '%t', [true])).toBe('%!t(string=true)');
    expect(call('sprintf', '%e %g %g', [1234.5678, 0.00001, 1e21])).toBe('1.234568e+03 1e-05 1e+21');
    expect(call('sprintf', '%.1f', [1e21])).toBe('1000000000000000000000.0');
  });
  it('prints composite values as Rego text', () => {
    expect(call('sprintf', '%v', [[1, 'a', { k: null }]])).toBe('[1, "a", {"k": null}]');
    expect(call('sprintf', '%s', [{ b: 1, a: [true] }])).toBe('{"a": [true], "b": 1}');
  });
  it('reports mismatched verbs and argument counts as Go does', () => {
    expect(call('sprintf', '%d', ['x'])).toBe('%!d(string=x)');
    expect(call('sprintf', '%s %s', ['x'])).toBe('x %!s(MISSING)');
    expect(call('sprintf', 'no verbs', [1])).toBe('no verbs%!(EXTRA int=1)');
  });
  it('rejects a non-array argument list', () => {
    expect(() => call('sprintf', '%s', 'x')).toThrow(/sprintf: operand 2 must be array/);
  });
});

describe('strings', () => {
  it('indexof_n counts characters, overlapping', () => {
    expect(call('indexof_n', 'aaaa', 'aa')).toEqual([0, 1, 2]);
    expect(call('indexof_n', '😀x😀', '😀')).toEqual([0, 2]);
  });
  it('replace_n prefers the first key in sorted order at each position', () => {
    expect(call('strings.replace_n', { ab: '1', a: '2' }, 'abab')).toBe('2b2b');
    expect(call('strings.replace_n', { x: 'y' }, 'none')).toBe('none');
  });
  it('render_template supports fields, range and if, and marks missing keys', () => {
    const t = '{{range $i, $n := .names}}{{if $i}}; {{end}}hi {{$n}}{{end}} ({{.count}})';
    expect(call('strings.render_template', t, { names: ['ann', 'bo'], count: 2 })).toBe('hi ann; hi bo (2)');
    expect(call('strings.render_template', '{{.missing}} {{if .missing}}x{{else}}y{{end}}', {})).toBe('<undefined> y');
  });
});

describe('builtins OPA-built modules import although our runtime has them', () => {
  // Their values are checked against the native versions in test/host-native-parity.test.ts; here, OPA's errors.
  it('reports bad operands as OPA does', () => {
    expect(() => call('strings.count', 1, 'a')).toThrow(/^strings.count: operand 1 must be string but got number$/);
    expect(() => call('strings.any_prefix_match', 1, 'a')).toThrow(/operand 1 must be one of \{string, set, array\} but got number$/);
    expect(() => call('strings.any_suffix_match', 'a', ['b', 2])).toThrow(/operand 2 must be array of strings but got array containing number$/);
    expect(() => call('object.union_n', [{}, 'x'])).toThrow(/operand 1 must be array of objects but got array containing string$/);
    expect(() => call('object.subset', { a: 1 }, [1])).toThrow(/both arguments object.subset must be of the same type or array and set$/);
    expect(() => call('numbers.range_step', 0, 10, 0)).toThrow(/step must be a positive number above zero$/);
    expect(() => call('numbers.range_step', 0, 1.5, 1)).toThrow(/operand 2 must be integer number but got floating-point number$/);
    expect(() => call('numbers.range_step', 0, 10, 'x')).toThrow(/operand 3 must be integer but got string$/);
  });
  it('reports bad hex as Go\'s encoding/hex does: the first invalid byte, before an odd length', () => {
    expect(() => call('hex.decode', 'abc')).toThrow(/^hex.decode: encoding\/hex: odd length hex string$/);
    expect(() => call('hex.decode', 'a\u00e9')).toThrow(/encoding\/hex: invalid byte: U\+00C3 'Ã'$/);
    expect(() => call('hex.decode', '0g1')).toThrow(/encoding\/hex: invalid byte: U\+0067 'g'$/);
    expect(() => call('hex.decode', '0\n')).toThrow(/encoding\/hex: invalid byte: U\+000A$/);
  });
  it('gives integers beyond 2^53 exactly', () => {
    expect(call('numbers.range_step', 9007199254740990, 9007199254741000, 4)).toBe('[9007199254740990,9007199254740994,9007199254740998]');
  });
});

describe('regex (RE2)', () => {
  // regex.match and regex.is_valid are native (test/runtime-match.test.ts); the host's RE2 translation serves the
  // other regex builtins, tested here through regex.find_n.
  const m = (p: string, v: string) => (call('regex.find_n', p, v, 1) as string[]).length > 0;
  it('translates RE2-only syntax', () => {
    expect(m('(?i)^ABC$', 'abc')).toBe(true);
    expect(m('^[[:alpha:]]+\\z', 'abc')).toBe(true);
    expect(m('(?P<word>\\w+)', 'x')).toBe(true);
    expect(m('a{,2}', 'a{,2}')).toBe(true);
    expect(m('^\\pL+$', 'héllo')).toBe(true);
  });
  it('applies flags where RE2 puts them, and RE2 meanings of . ^ $', () => {
    expect([m('a(?i)b', 'aB'), m('a(?i)b', 'AB')]).toEqual([true, false]);
    expect([m('^(?i:ab)c$', 'ABc'), m('^(?i:ab)c$', 'ABC')]).toEqual([true, false]);
    expect([m('^(?i)a(?-i)b$', 'Ab'), m('^(?i)a(?-i)b$', 'AB')]).toEqual([true, false]);
    expect([m('^x(?i)[a-c]$', 'xB'), m('^x(?i)[a-c]$', 'xD')]).toEqual([true, false]);
    expect([m('^a.b$', 'a\rb'), m('^a.b$', 'a\nb'), m('(?s)^a.b$', 'a\nb')]).toEqual([true, false, true]);
    expect([m('^b$', 'a\nb'), m('(?m)^b$', 'a\nb\nc'), m('^abc$', 'abc\n')]).toEqual([false, true, false]);
    expect(() => m('(?U)a+', 'a')).toThrow(/ungreedy/);
  });
  it('rejects what RE2 rejects', () => {
    for (const bad of ['(?=a)', '(?<!a)b', '(a)\\1', '++', 'a**', '[z-a]', 'a{1001}']) {
      expect(() => m(bad, ''), bad).toThrow();
    }
  });
  it('finds, splits and replaces like Go', () => {
    expect(call('regex.find_n', 'a.', 'a1a2a3', 2)).toEqual(['a1', 'a2']);
    expect(call('regex.find_all_string_submatch_n', '(a)(x)?', 'aa', -1)).toEqual([['a', 'a', ''], ['a', 'a', '']]);
    expect(call('regex.split', ',', 'a,b,,c')).toEqual(['a', 'b', '', 'c']);
    expect(call('regex.split', 'x*', 'abc')).toEqual(['a', 'b', 'c']);
    expect(call('regex.replace', 'john smith', '(?P<first>\\w+) (\\w+)', '$2, ${first}')).toBe('smith, john');
  });
  it('matches templates and intersects glob patterns', () => {
    expect(call('regex.template_match', 'id:{[0-9]+}:end', 'id:42:end', '{', '}')).toBe(true);
    expect(call('regex.template_match', 'id:{[0-9]+}', 'id:x', '{', '}')).toBe(false);
    expect(call('regex.globs_match', 'ab*c', 'a.c')).toBe(true);
    expect(call('regex.globs_match', '[0-9]+', '[a-z]+')).toBe(false);
  });
});

describe('glob', () => {
  // glob.match is native: test/runtime-match.test.ts.
  it('quotes the meta characters', () => {
    expect(call('glob.quote_meta', 'a*b?[c]{d}')).toBe('a\\*b\\?\\[c\\]\\{d\\}');
  });
});

describe('time', () => {
  // time.parse_rfc3339_ns is native: test/runtime.test.ts.
  it('parses Go layouts and named layouts', () => {
    expect(call('time.parse_ns', '2006-01-02', '1970-01-02')).toBe(86400000000000);
    expect(call('time.parse_ns', 'RFC1123Z', 'Mon, 02 Jan 2006 15:04:05 -0700')).toBe('1136239445000000000');
    expect(call('time.parse_ns', '3:04PM Jan _2 2006', '4:05PM Feb  3 2001')).toBe('981216300000000000');
  });
  it('formats, splits and shifts instants, with zones', () => {
    const ns = 1709204400500000000;
    expect(call('time.format', ns)).toBe('2024-02-29T11:00:00.5Z');
    expect(call('time.format', [ns, 'America/New_York', 'Mon Jan 2 15:04:05 MST 2006'])).toBe('Thu Feb 29 06:00:00 EST 2024');
    expect(call('time.date', [ns, 'Asia/Tokyo'])).toEqual([2024, 2, 29]);
    expect(call('time.clock', ns)).toEqual([11, 0, 0]);
    expect(call('time.weekday', 0)).toBe('Thursday');
    expect(call('time.add_date', 0, 0, 1, 30)).toBe(61 * 86400 * 1e9);
    expect(call('time.diff', 0, 86400000000000 * 400)).toEqual([1, 1, 4, 0, 0, 0]);
    expect(() => call('time.date', [0, 'Nowhere/Land'])).toThrow(/unknown time zone/);
  });
  it('parses Go durations', () => {
    expect(call('time.parse_duration_ns', '1h2m3.5s')).toBe(3723500000000);
    expect(call('time.parse_duration_ns', '-1.5us')).toBe(-1500);
    expect(() => call('time.parse_duration_ns', '5 days')).toThrow(/invalid duration/);
  });
  it('returns one now per evaluation', () => {
    resetEvaluation();
    const first = call('time.now_ns');
    expect(call('time.now_ns')).toBe(first);
  });
});

describe('units', () => {
  it('parses SI and binary suffixes exactly', () => {
    expect(call('units.parse', '250m')).toBe(0.25);
    expect(call('units.parse', '1.5Ki')).toBe(1536);
    expect(call('units.parse', '2E')).toBe('2000000000000000000');
    expect(call('units.parse_bytes', '3KB')).toBe(3000);
    expect(call('units.parse_bytes', '1.5kib')).toBe(1536);
    expect(call('units.parse_bytes', '16Ei')).toBe('18446744073709551616');
    expect(() => call('units.parse', '1 K')).toThrow(/spaces not allowed/);
    expect(() => call('units.parse_bytes', '12XB')).toThrow(/not recognized/);
  });
});

describe('semver and uuid', () => {
  it('compares versions with prerelease precedence', () => {
    expect(call('semver.compare', '1.0.0-alpha.1', '1.0.0-alpha.beta')).toBe(-1);
    expect(call('semver.compare', '1.0.0', '1.0.0-rc.1')).toBe(1);
    expect(call('semver.compare', '2.1.0+build', '2.1.0')).toBe(0);
    expect(call('semver.is_valid', '01.0.0')).toBe(false);
    expect(() => call('semver.compare', 'x', '1.0.0')).toThrow(/not a valid SemVer/);
  });
  it('parses UUIDs and keeps rfc4122 stable per evaluation', () => {
    expect(call('uuid.parse', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toBe('{"version":4,"variant":"RFC4122"}');
    const v1 = JSON.parse(call('uuid.parse', '{c232ab00-9414-11ec-b3c8-9f6bdeced846}') as string);
    expect(v1).toMatchObject({ version: 1, clocksequence: 13256, nodeid: '9f-6b-de-ce-d8-46', macvariables: 'local:multicast' });
    expect(() => call('uuid.parse', 'nope')).toThrow();
    resetEvaluation();
    const a = call('uuid.rfc4122', 'k');
    expect(call('uuid.rfc4122', 'k')).toBe(a);
    expect(call('uuid.rfc4122', 'other')).not.toBe(a);
    resetEvaluation();
    expect(call('uuid.rfc4122', 'k')).not.toBe(a);
  });
});

describe('net', () => {
  // net.cidr_contains is native: test/runtime-match.test.ts.
  it('answers intersection and validity for IPv4 and IPv6', () => {
    expect(call('net.cidr_intersects', '10.0.0.0/24', '10.0.0.128/25')).toBe(true);
    expect(call('net.cidr_is_valid', '10.0.0.0/33')).toBe(false);
    expect(() => call('net.cidr_intersects', 'bad', '10.0.0.1/32')).toThrow(/invalid CIDR/);
  });
  it('expands and merges', () => {
    expect(call('net.cidr_expand', '10.0.0.6/31')).toEqual(['10.0.0.6', '10.0.0.7']);
    // Set results come in OPA's order (strings sort as text), so equal sets are equal arrays.
    expect(call('net.cidr_expand', '10.0.0.8/30')).toEqual(['10.0.0.10', '10.0.0.11', '10.0.0.8', '10.0.0.9']);
    expect(SET_RESULT_BUILTINS.has('net.cidr_merge')).toBe(true);
    expect(call('net.cidr_merge', ['10.0.0.0/25', '10.0.0.128/25', '10.0.1.0/24', '2001:db8::/33', '2001:db8:8000::/33'])).toEqual([
      '10.0.0.0/23',
      '2001:db8::/32',
    ]);
    expect(() => call('net.cidr_merge', ['2001:db8::1'])).toThrow(/needs prefix length/);
    expect(call('net.cidr_contains_matches', ['10.0.0.0/8', '11.0.0.0/8'], { a: '11.1.1.1' })).toEqual([[1, 'a']]);
  });
});

describe('encoding', () => {
  it('escapes and parses URL queries as Go does', () => {
    expect(call('urlquery.encode', 'a b&c=d/é')).toBe('a+b%26c%3Dd%2F%C3%A9');
    expect(call('urlquery.decode', 'a+b%26')).toBe('a b&');
    expect(call('urlquery.encode_object', { b: ['2', '1'], a: 'x y' })).toBe('a=x+y&b=2&b=1');
    expect(call('urlquery.decode_object', 'a=1&a=2&b=')).toEqual({ a: ['1', '2'], b: [''] });
    expect(() => call('urlquery.decode', '%zz')).toThrow(/invalid URL escape/);
  });
  it('converts YAML', () => {
    expect(call('yaml.unmarshal', 'a: [1, x]\nb: {c: true}')).toEqual({ a: [1, 'x'], b: { c: true } });
    expect(call('yaml.marshal', { b: [1], a: 'x' })).toBe('a: x\nb:\n- 1\n');
    expect(call('yaml.is_valid', 'a: [')).toBe(false);
  });
  it('marshals JSON with options', () => {
    expect(call('json.marshal_with_options', { b: 1, a: '<' }, {})).toBe('{"a":"\\u003c","b":1}');
    expect(call('json.marshal_with_options', [1, [2]], { indent: ' ', prefix: '>' })).toBe('>[\n> 1,\n> [\n>  2\n> ]\n>]');
    expect(() => call('json.marshal_with_options', 1, { colour: true })).toThrow(/unknown key/);
  });
  it('applies JSON patches', () => {
    const doc = { a: [1, 2], b: { c: 1 } };
    const patch = [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'move', from: '/b/c', path: '/d' },
      { op: 'replace', path: '/a/0', value: 0 },
      { op: 'test', path: '/d', value: 1 },
      { op: 'copy', from: '/d', path: ['e'] },
    ];
    expect(call('json.patch', doc, patch)).toEqual({ a: [0, 2, 3], b: {}, d: 1, e: 1 });
    expect(doc).toEqual({ a: [1, 2], b: { c: 1 } });
    expect(() => call('json.patch', doc, [{ op: 'test', path: '/a/0', value: 9 }])).toThrow(/test operation failed/);
    expect(() => call('json.patch', doc, [{ op: 'remove', path: '/zz' }])).toThrow();
  });
  it('validates JSON schemas with gojsonschema-style errors', () => {
    const schema = { type: 'object', required: ['name'], properties: { age: { type: 'integer', minimum: 0 } } };
    expect(call('json.match_schema', { name: 'x', age: 3 }, schema)).toEqual([true, []]);
    expect(call('json.match_schema', '{"age": -1}', JSON.stringify(schema))).toEqual([
      false,
      [
        { error: '(root): name is required', type: 'required', field: '(root)', desc: 'name is required' },
        { error: 'age: Must be greater than or equal to 0', type: 'number_gte', field: 'age', desc: 'Must be greater than or equal to 0' },
      ],
    ]);
    expect(call('json.verify_schema', { type: 'wat' })).toEqual([false, expect.stringMatching(/^jsonschema: has a primitive type that is NOT VALID/)]);
    expect(call('json.verify_schema', '{"type": "string"}')).toEqual([true, null]);
  });
});

describe('graph and misc', () => {
  it('walks graphs', () => {
    const g = { a: ['b'], b: ['c', 'a'], c: [], d: ['a'] };
    expect(call('graph.reachable', g, ['a'])).toEqual(['a', 'b', 'c']);
    expect(call('graph.reachable_paths', g, ['a'])).toEqual([['a', 'b'], ['a', 'b', 'c']]);
  });
  it('rand.intn is stable per evaluation and within bounds', () => {
    resetEvaluation();
    const n = call('rand.intn', 'k', 10) as number;
    expect(n).toBeGreaterThanOrEqual(0);
    expect(n).toBeLessThan(10);
    expect(call('rand.intn', 'k', 10)).toBe(n);
    expect(call('rand.intn', 'k', 0)).toBe(0);
  });
});

describe('per-evaluation memory', () => {
  it('forgets non-deterministic answers once the synchronous evaluation is over', async () => {
    resetEvaluation();
    const first = call('uuid.rfc4122', 'k');
    expect(call('uuid.rfc4122', 'k')).toBe(first);
    await Promise.resolve();
    expect(call('uuid.rfc4122', 'k')).not.toBe(first);
  });
});

describe('x509', () => {
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/host-builtins/${name}`, import.meta.url), 'utf8');
  const root = fixture('root.pem');
  const leaf = fixture('leaf.pem');

  it('parses certificates from PEM or base64 into the fields policies read', () => {
    const [cert] = JSON.parse(call('crypto.x509.parse_certificates', Buffer.from(leaf).toString('base64')) as string);
    expect(cert).toMatchObject({
      Version: 3,
      Subject: { CommonName: 'test.taskgate.local', Organization: ['Taskgate Test'], Country: ['NL'] },
      Issuer: { CommonName: 'Taskgate Test Root' },
      DNSNames: ['test.taskgate.local'],
      URIStrings: ['spiffe://taskgate/test'],
      IPAddresses: null,
      IsCA: false,
      PublicKeyAlgorithm: 3,
    });
    expect(cert.NotBefore).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(() => call('crypto.x509.parse_certificates', 'bm90IGEgY2VydA==')).toThrow(/malformed certificate/);
    expect(() => call('crypto.x509.parse_certificates', 'not base64!')).toThrow(/illegal base64/);
  });
  it('verifies a chain given root first, and reports it leaf first', () => {
    const [valid, chain] = JSON.parse(call('crypto.x509.parse_and_verify_certificates', root + leaf) as string);
    expect(valid).toBe(true);
    expect(chain.map((c: { Subject: { CommonName: string } }) => c.Subject.CommonName)).toEqual(['test.taskgate.local', 'Taskgate Test Root']);
    expect(JSON.parse(call('crypto.x509.parse_and_verify_certificates', leaf + root) as string)).toEqual([false, []]);
    const withName = (dns: string) => JSON.parse(call('crypto.x509.parse_and_verify_certificates_with_options', root + leaf, { DNSName: dns }) as string)[0];
    expect([withName('test.taskgate.local'), withName('other.example')]).toEqual([true, false]);
  });
  it('parses key pairs and certificate requests', () => {
    const pair = JSON.parse(call('crypto.x509.parse_keypair', leaf, fixture('leaf.key')) as string);
    expect(pair.Certificate).toHaveLength(1);
    expect(pair.PrivateKey).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(() => call('crypto.x509.parse_keypair', root, fixture('leaf.key'))).toThrow(/does not match/);
    const csr = call('crypto.x509.parse_certificate_request', fixture('leaf.csr')) as { Subject: { CommonName: string } };
    expect(csr.Subject.CommonName).toBe('test.taskgate.local');
    expect(call('crypto.parse_private_keys', fixture('leaf.key'))).toEqual([expect.objectContaining({ kty: 'EC' })]);
  });
});

describe('jwt', () => {
  it('signs, decodes and verifies tokens with HMAC, RSA-PSS, ECDSA and EdDSA keys', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const secret = { kty: 'oct', k: Buffer.from('s3cret').toString('base64url') };
    const hs = call('io.jwt.encode_sign', { alg: 'HS256', typ: 'JWT' }, { sub: 'ann', exp: 2000 }, secret) as string;
    expect(hs.split('.')[0]).toBe(Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'));
    expect(call('io.jwt.verify_hs256', hs, 's3cret')).toBe(true);
    expect(call('io.jwt.verify_hs256', hs, 'wrong')).toBe(false);
    expect(call('io.jwt.decode', hs)).toEqual([{ alg: 'HS256', typ: 'JWT' }, { sub: 'ann', exp: 2000 }, expect.stringMatching(/^[0-9a-f]{64}$/)]);
    for (const [alg, type, options] of [
      ['PS384', 'rsa', { modulusLength: 2048 }],
      ['ES256', 'ec', { namedCurve: 'P-256' }],
      ['EdDSA', 'ed25519', {}],
    ] as const) {
      const { publicKey, privateKey } = generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
      const token = call('io.jwt.encode_sign', { alg }, { iss: 'me' }, privateKey.export({ format: 'jwk' })) as string;
      const jwk = JSON.stringify(publicKey.export({ format: 'jwk' }));
      const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const verify = `io.jwt.verify_${alg.toLowerCase()}`;
      expect(call(verify, token, jwk), alg).toBe(true);
      expect(call(verify, token, pem), alg).toBe(true);
      expect(call(verify, token.slice(0, -4) + 'AAAA', jwk), alg).toBe(false);
      expect(call('io.jwt.decode_verify', token, { cert: JSON.stringify({ keys: [JSON.parse(jwk)] }), iss: 'me' })).toEqual([true, { alg }, { iss: 'me' }]);
    }
  });
  it('checks time, issuer and audience constraints', () => {
    const secret = { kty: 'oct', k: Buffer.from('k').toString('base64url') };
    const token = call('io.jwt.encode_sign', { alg: 'HS256' }, { nbf: 100, exp: 200, aud: ['a', 'b'] }, secret) as string;
    const verify = (c: Record<string, unknown>) => (call('io.jwt.decode_verify', token, { secret: 'k', ...c }) as unknown[])[0];
    expect(verify({ time: 150e9, aud: 'b' })).toBe(true);
    expect(verify({ time: 50e9, aud: 'b' })).toBe(false);
    expect(verify({ time: 200e9, aud: 'b' })).toBe(false);
    expect(verify({ time: 150e9 })).toBe(false);
    expect(verify({ time: 150e9, aud: 'c' })).toBe(false);
    expect(verify({ time: 150e9, aud: 'a', alg: 'HS512' })).toBe(false);
    expect(() => verify({ colour: 'red' })).toThrow(/unknown token validation constraint/);
    expect(() => call('io.jwt.decode', 'a.b')).toThrow(/3 sections, found 2/);
  });
});
