// The builtins that our runtime implements natively and the host serves too (for modules built by `opa build`,
// whose runtime imports them) must answer alike. Each call runs both ways: through a policy compiled by our
// toolchain and run with no host builtins at all (so the native version is the one answering), and straight
// through the host function. A host error is OPA's non-strict "undefined", which is what the native side gives.
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeExportName } from '../rego/builtins/catalog.js';
import { hostBuiltins } from '../rego/builtins/host/index.js';
import { compilePolicy } from '../rego/compile.js';
import { loadEngine, type Engine } from '../rego/engine.js';
import { readRuntimeBinary } from '../rego/wasm/runtime-binary.js';

type Args = unknown[];

/** Representative calls per builtin, valid and invalid. Arguments are JSON (a set cannot reach the host). */
const CASES: Record<string, Args[]> = {
  'strings.count': [['cheese', 'e'], ['aaaa', 'aa'], ['héllo', ''], ['', ''], ['abc', 'x'], ['😀😀', '😀'], [1, 'a'], ['a', null]],
  'strings.reverse': [['abc'], ['héllo😀'], [''], [5]],
  'strings.any_prefix_match': [
    ['foobar', 'foo'], [['a', 'foobar'], ['x', 'fo']], ['foobar', ['bar']], [[], 'a'], ['x', []], ['', ''],
    ['é', 'é'], [1, 'a'], ['a', [1]], [['a', 2], 'a'],
  ],
  'strings.any_suffix_match': [
    ['foobar', 'bar'], [['a', 'foobar'], ['x', 'ar']], ['foobar', ['foo']], [[], 'a'], ['x', []], ['', ''],
    ['aé', 'é'], [1, 'a'], ['a', [null]],
  ],
  'time.parse_rfc3339_ns': [
    ['2024-02-29T11:00:00.5Z'], ['1970-01-01T00:00:00Z'], ['2006-01-02T15:04:05+07:00'], ['1969-12-31T23:59:59.999999999Z'],
    ['2024-02-30T00:00:00Z'], ['2024-01-01 00:00:00Z'], ['not a time'], [5],
  ],
  'net.cidr_contains_matches': [
    [['10.0.0.0/8', '11.0.0.0/8'], { a: '11.1.1.1' }], ['10.0.0.0/8', ['10.0.0.1', '11.0.0.1']],
    [{ x: '10.0.0.0/8', y: '2001:db8::/32' }, ['10.1.2.3', '2001:db8::1']], [['10.0.0.0/8', ['192.168.0.0/16', 'lan']], '192.168.1.7'],
    ['10.0.0.1', []], ['10.0.0.0/8', [1]], ['10.0.0.0/8', ['not an address']], [1, '10.0.0.1'],
  ],
  'base64url.encode_no_pad': [['hello'], ['a'], ['ab'], [''], ['héllo?>~'], [1]],
  'hex.encode': [['hello'], ['é😀'], [''], [null]],
  'hex.decode': [['68656c6c6f'], ['C3A9'], [''], ['abc'], ['zz'], ['6g'], [1]],
  'json.is_valid': [['{"a": [1, true, null]}'], ['[1,'], ['1 2'], ['"x"'], [' null '], ['{a: 1}'], [''], [1]],
  'array.reverse': [[[1, 2, 3]], [[]], [[[1], { a: 2 }, 'x']], ['x'], [{ a: 1 }]],
  'object.keys': [[{ b: 1, a: 2, c: { d: 1 } }], [{}], [[1]], ['x']],
  'object.union_n': [
    [[{ a: 1, b: { c: 1 } }, { b: { d: 2 } }, { a: 3 }]], [[]], [[{ a: { b: 1 } }, { a: 2 }]], [[{ a: 2 }, { a: { b: 1 } }]],
    [[{ a: 1 }, 'x']], [{ a: 1 }],
  ],
  'object.subset': [
    [{ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } }], [{ a: 1 }, { a: 2 }], [{ a: 1 }, { b: 1 }], [{ a: [1, 2, 3] }, { a: [2, 3] }],
    [{ a: [1, 2, 3] }, { a: [1, 3] }], [{ a: { b: 1 } }, { a: {} }], [{ a: 1 }, { a: {} }], [[1, 2, 3], [2, 3]], [[1, 2, 3], [1, 3]],
    [[1, 1, 2], [1, 2]], [[1, 2], []], [[], []], [[], [1]], [{}, {}], [{ a: 1 }, [1]], ['a', 'a'], [1, 1],
  ],
  'numbers.range_step': [
    [0, 10, 3], [10, 0, 3], [0, 0, 1], [1, 10, 20], [-3, 3, 2], [9007199254740990, 9007199254741000, 4],
    [0, 10, 0], [0, 10, -1], [0, 10, 1.5], [0.5, 10, 1], ['0', 10, 1], [0, 200000000, 1],
  ],
  'internal.member_2': [
    [1, [1, 2]], [3, [1, 2]], [{ a: 1 }, [{ a: 1 }]], [1, { x: 1 }], ['x', { x: 1 }], [null, [null]], [1, 'abc'], [1, 1], [[], []],
  ],
  'internal.member_3': [
    [0, 1, [1, 2]], [1, 1, [1, 2]], [5, 1, [1]], [-1, 2, [1, 2]], [1.5, 1, [1, 2]], ['0', 1, [1]], ['x', 1, { x: 1 }],
    ['y', 1, { x: 1 }], ['x', 2, { x: 1 }], [0, 'a', 'abc'], [0, 1, null],
  ],
};

/** The builtins our runtime exports natively that the host serves as well. */
function servedBothWays(): string[] {
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(readRuntimeBinary()));
  const native = new Set(exports.map((e) => e.name));
  return Object.keys(hostBuiltins).filter((name) => native.has(nativeExportName(name)));
}

interface Answer {
  value: unknown;
  /** The exact JSON text, when the value holds integers a JS number cannot carry. */
  exactText?: string;
}

function hostAnswer(name: string, args: Args): Answer | undefined {
  let out: unknown;
  try {
    out = hostBuiltins[name](...args);
  } catch {
    return undefined;
  }
  if (out instanceof ArrayBuffer) {
    const text = new TextDecoder().decode(out);
    return { value: JSON.parse(text), exactText: text };
  }
  return out === undefined ? undefined : { value: out };
}

/** One policy per builtin, its arguments read from the input: `r` is the call, `m` its exact JSON text. */
async function nativeCaller(name: string, arity: number): Promise<(args: Args) => Answer | undefined> {
  const operands = Array.from({ length: arity }, (_, i) => `input[${i}]`).join(', ');
  const text = `package t\nr := ${name}(${operands})\nm := json.marshal(r)\n`;
  const compiled = await compilePolicy([{ file: `${name}.rego`, text }], ['t/r', 't/m']);
  // No host builtins: a call that did not go to the runtime's native version fails instead of passing quietly.
  const engine: Engine = await loadEngine(compiled.wasm, undefined, { builtins: {} });
  return (args) => {
    const value = engine.evaluate(args, 't/r');
    return value === undefined ? undefined : { value, exactText: engine.evaluate(args, 't/m') as string };
  };
}

describe('host and native builtins agree', () => {
  const both = servedBothWays();

  it('has calls for every builtin served both ways, and only for those', () => {
    expect(Object.keys(CASES).sort()).toEqual([...both].sort());
  });

  const callers = new Map<string, (args: Args) => Answer | undefined>();
  beforeAll(async () => {
    for (const name of both) callers.set(name, await nativeCaller(name, CASES[name]?.[0]?.length ?? 0));
  }, 120_000);

  for (const [name, calls] of Object.entries(CASES)) {
    it(name, () => {
      const native = callers.get(name);
      expect(native, `${name} is not served both ways`).toBeDefined();
      for (const args of calls) {
        const where = `${name}(${JSON.stringify(args).slice(1, -1)})`;
        const fromHost = hostAnswer(name, args);
        const fromNative = native!(args);
        expect(fromHost?.value, where).toEqual(fromNative?.value);
        if (fromHost?.exactText !== undefined) expect(fromNative?.exactText, where).toBe(fromHost.exactText);
      }
    });
  }
});
