// The AssemblyScript runtime (rego/runtime), instantiated directly and through OPA's SDK.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { NAMED_LAYOUTS, parseTime } from '../rego/builtins/host/golayout.js';

const require = createRequire(import.meta.url);
const WASM_PATH = 'dist/runtime/runtime.wasm';

type Exports = Record<string, any>;

interface Runtime {
  x: Exports;
  memory: WebAssembly.Memory;
  /** JSON text -> value pointer (0 when invalid) */
  json(text: string): number;
  /** Rego value text (sets allowed) -> value pointer */
  rego(text: string): number;
  dumpJson(v: number): string;
  dumpRego(v: number): string;
  /** Calls opa_builtin_<name> on Rego-syntax arguments; the result in Rego syntax, or undefined. */
  call(name: string, ...args: string[]): string | undefined;
}

let module: WebAssembly.Module;

function cstring(memory: WebAssembly.Memory, ptr: number): string {
  const bytes = new Uint8Array(memory.buffer);
  let end = ptr;
  while (bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(ptr, end));
}

/** Writes bytes at ptr, growing memory first as OPA's SDK does before it copies the input to the heap top. */
function writeAt(memory: WebAssembly.Memory, ptr: number, bytes: Uint8Array): void {
  const short = ptr + bytes.length - memory.buffer.byteLength;
  if (short > 0) memory.grow(Math.ceil(short / 65536));
  new Uint8Array(memory.buffer).set(bytes, ptr);
}

function instantiate(
  runEntrypoint: (x: Exports, id: number, input: number, data: number) => number = () => 0,
): Runtime {
  const memory = new WebAssembly.Memory({ initial: 2 });
  let x: Exports = {};
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      opa_abort: (ptr: number) => {
        throw new Error(`opa_abort: ${cstring(memory, ptr)}`);
      },
    },
    taskgate: { run_entrypoint: (id: number, input: number, data: number) => runEntrypoint(x, id, input, data) },
  });
  x = instance.exports as Exports;
  const put = (text: string): [number, number] => {
    const bytes = new TextEncoder().encode(text);
    const ptr = x.opa_malloc(bytes.length);
    new Uint8Array(memory.buffer).set(bytes, ptr);
    return [ptr, bytes.length];
  };
  const rt: Runtime = {
    x,
    memory,
    json: (text) => x.opa_json_parse(...put(text)),
    rego: (text) => {
      const v = x.opa_value_parse(...put(text));
      if (v === 0) throw new Error(`test bug: bad Rego value ${text}`);
      return v;
    },
    dumpJson: (v) => cstring(memory, x.opa_json_dump(v)),
    dumpRego: (v) => cstring(memory, x.opa_value_dump(v)),
    call: (name, ...args) => {
      const fn = x[`opa_builtin_${name.replace(/\./g, '_')}`];
      if (typeof fn !== 'function') throw new Error(`no native builtin ${name}`);
      const v = fn(...args.map((a) => rt.rego(a)));
      return v === 0 ? undefined : rt.dumpRego(v);
    },
  };
  return rt;
}

beforeAll(() => {
  // make rebuilds only when a runtime source is newer than the binary.
  execFileSync('make', ['runtime'], { stdio: 'pipe' });
  module = new WebAssembly.Module(readFileSync(WASM_PATH));
});

describe('module shape', () => {
  it('imports only memory, opa_abort and the entrypoint link, with at most 2 initial pages', () => {
    const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`);
    expect(imports.sort()).toEqual(['env.memory:memory', 'env.opa_abort:function', 'taskgate.run_entrypoint:function']);
    const wat = readFileSync('dist/runtime/runtime.wat', 'utf8');
    const mem = /\(import "env" "memory" \(memory \$\w+ (\d+)/.exec(wat);
    expect(Number(mem?.[1])).toBeLessThanOrEqual(2);
  });

  it('has no AssemblyScript allocator or managed runtime behind its own', () => {
    const wat = readFileSync('dist/runtime/runtime.wat', 'utf8');
    expect(wat).not.toMatch(/__new|__alloc|__renew|~lib\/rt\/|\(start /);
  });

  it('exports every ABI function and the version globals', () => {
    const names = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of [
      'opa_malloc', 'opa_free', 'opa_heap_ptr_get', 'opa_heap_ptr_set', 'opa_json_parse', 'opa_value_parse',
      'opa_json_dump', 'opa_value_dump', 'opa_value_add_path', 'opa_value_remove_path', 'opa_eval_ctx_new',
      'opa_eval_ctx_set_input', 'opa_eval_ctx_set_data', 'opa_eval_ctx_set_entrypoint', 'opa_eval_ctx_get_result',
      'eval', 'opa_eval', 'opa_wasm_abi_version', 'opa_wasm_abi_minor_version', 'builtins', 'entrypoints',
      'taskgate_heap_base',
    ]) {
      expect(names).toContain(name);
    }
    const rt = instantiate();
    expect(rt.x.opa_wasm_abi_version.value).toBe(1);
    expect(rt.x.opa_wasm_abi_minor_version.value).toBe(3);
  });
});

describe('JSON', () => {
  const roundTrips: Array<[string, string]> = [
    ['null', 'null'],
    [' true ', 'true'],
    ['false', 'false'],
    ['0', '0'],
    ['-0', '0'],
    ['42', '42'],
    ['-17', '-17'],
    ['9223372036854775807', '9223372036854775807'],
    ['-9223372036854775808', '-9223372036854775808'],
    ['9223372036854775808', '9223372036854775808'],
    ['12345678901234567890123', '12345678901234567890123'],
    ['-12345678901234567890123456789', '-12345678901234567890123456789'],
    ['1.5', '1.5'],
    ['1.0', '1'],
    ['0.1', '0.1'],
    ['-2.5e-7', '-2.5e-7'],
    ['1e21', '1e+21'],
    ['1e20', '100000000000000000000'],
    ['123.456e2', '12345.6'],
    ['"a"', '"a"'],
    ['"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\"\\\\/\\b\\f\\n\\r\\t"'],
    ['"<a href=\\"x\\">&\\u2028"', '"<a href=\\"x\\">&\u2028"'],
    ['"\\u00e9\\u4e2d\\ud83d\\ude00"', '"é中😀"'],
    ['"é中😀"', '"é中😀"'],
    ['"\\u0001"', '"\\u0001"'],
    ['[]', '[]'],
    ['[1, [2, []], {}]', '[1,[2,[]],{}]'],
    ['{"b": 1, "a": [true, null], "c": {"z": 1, "y": 2}}', '{"a":[true,null],"b":1,"c":{"y":2,"z":1}}'],
    ['{"a": 1, "a": 2}', '{"a":2}'],
  ];
  for (const [input, output] of roundTrips) {
    it(`round-trips ${input}`, () => {
      const rt = instantiate();
      const v = rt.json(input);
      expect(v).not.toBe(0);
      expect(rt.dumpJson(v)).toBe(output);
      // The output is JSON that means the same as the input.
      expect(JSON.parse(rt.dumpJson(v))).toEqual(JSON.parse(output));
    });
  }

  const invalid = [
    '', ' ', '{', '[1,', '[1 2]', '{"a" 1}', '{"a":}', '{1: 2}', 'tru', 'nul', '01', '1.', '.5', '-', '1e', '+1',
    '"abc', '"\\x"', '"\\u12"', '"a\nb"', '[1]]', '{} {}', 'NaN', 'Infinity', '1e400', '{"a":1,}', '[,]',
  ];
  for (const input of invalid) {
    it(`rejects ${JSON.stringify(input)} with 0`, () => {
      expect(instantiate().json(input)).toBe(0);
    });
  }

  it('parses and dumps deep nesting, and refuses absurd depth without trapping', () => {
    const rt = instantiate();
    const deep = '['.repeat(500) + '1' + ']'.repeat(500);
    expect(rt.dumpJson(rt.json(deep))).toBe(deep);
    const deepObject = '{"a":'.repeat(500) + '1' + '}'.repeat(500);
    expect(rt.dumpJson(rt.json(deepObject))).toBe(deepObject);
    expect(rt.json('['.repeat(100000) + ']'.repeat(100000))).toBe(0);
    expect(rt.json('['.repeat(100000))).toBe(0);
  });

  it('parses a large document with many keys', () => {
    const rt = instantiate();
    const doc: Record<string, number[]> = {};
    for (let i = 0; i < 5000; i++) doc[`key${i}`] = [i, i * 2];
    const out = JSON.parse(rt.dumpJson(rt.json(JSON.stringify(doc))));
    expect(out).toEqual(doc);
  });

  it('dumps sets as sorted arrays and non-string keys as their JSON text', () => {
    const rt = instantiate();
    expect(rt.dumpJson(rt.rego('{3, 1, "a", [1], 2}'))).toBe('[1,2,3,"a",[1]]');
    expect(rt.dumpJson(rt.rego('{1: "x", "b": 2, [1, "q"]: 3}'))).toBe('{"1":"x","b":2,"[1,\\"q\\"]":3}');
  });

  it('dumps Rego syntax: sets, empty set, non-string keys', () => {
    const rt = instantiate();
    expect(rt.dumpRego(rt.rego('{3, 1, 2}'))).toBe('{1,2,3}');
    expect(rt.dumpRego(rt.rego('set()'))).toBe('set()');
    expect(rt.dumpRego(rt.rego('{1: {2}, "a": []}'))).toBe('{1:{2},"a":[]}');
    expect(rt.dumpRego(rt.rego('{}'))).toBe('{}');
  });
});

/** The runtime linked with a hand-written entrypoint function in place of the emitter's: entrypoint 0 returns
 * the input, 1 returns data, anything else is undefined. */
async function linkedPolicy(): Promise<Uint8Array> {
  const binaryen = (await import('binaryen')).default;
  const mod = binaryen.readBinary(readFileSync(WASM_PATH));
  const F = binaryen.Features;
  mod.setFeatures(F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.SignExt);
  let linkName = '';
  for (let i = 0; i < mod.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
    if (info.module === 'taskgate' && info.base === 'run_entrypoint') linkName = info.name;
  }
  expect(linkName).not.toBe('');
  mod.removeFunction(linkName);
  const i32 = binaryen.i32;
  const id = () => mod.local.get(0, i32);
  mod.addFunction(
    linkName,
    binaryen.createType([i32, i32, i32]),
    i32,
    [],
    mod.if(
      mod.i32.eqz(id()),
      mod.local.get(1, i32),
      mod.if(mod.i32.eq(id(), mod.i32.const(1)), mod.local.get(2, i32), mod.i32.const(0)),
    ),
  );
  expect(mod.validate()).toBeTruthy();
  const bytes = mod.emitBinary();
  mod.dispose();
  return bytes;
}

describe('evaluation ABI', () => {
  it('eval with a context builds the result set from the entrypoint value', () => {
    const rt = instantiate((x, id, input, data) => (id === 0 ? x.opa_value_get(input, rt.rego('"a"')) : data));
    const ctx = rt.x.opa_eval_ctx_new();
    rt.x.opa_eval_ctx_set_input(ctx, rt.json('{"a": [1, {"b": 2}]}'));
    rt.x.opa_eval_ctx_set_data(ctx, rt.json('{"d": 1}'));
    rt.x.opa_eval_ctx_set_entrypoint(ctx, 0);
    expect(rt.x.eval(ctx)).toBe(0);
    expect(rt.dumpJson(rt.x.opa_eval_ctx_get_result(ctx))).toBe('[{"result":[1,{"b":2}]}]');
    rt.x.opa_eval_ctx_set_entrypoint(ctx, 1);
    rt.x.eval(ctx);
    expect(rt.dumpJson(rt.x.opa_eval_ctx_get_result(ctx))).toBe('[{"result":{"d":1}}]');
  });

  it('opa_eval parses the input in place and returns the result set text; undefined gives []', () => {
    let seen = -1;
    const rt = instantiate((_x, id, input) => {
      seen = id;
      return id === 7 ? 0 : input;
    });
    const text = new TextEncoder().encode('{"user": "alice", "n": 12345678901234567890123}');
    const base = rt.x.opa_heap_ptr_get();
    writeAt(rt.memory, base, text);
    const out = rt.x.opa_eval(0, 3, 0, base, text.length, base + text.length, 0);
    expect(seen).toBe(3);
    expect(cstring(rt.memory, out)).toBe('[{"result":{"n":12345678901234567890123,"user":"alice"}}]');
    const undef = rt.x.opa_eval(0, 7, 0, base, text.length, base + text.length, 0);
    expect(cstring(rt.memory, undef)).toBe('[]');
    const rego = rt.x.opa_eval(0, 1, 0, base, text.length, base + text.length, 1);
    expect(cstring(rt.memory, rego)).toBe('{{"result":{"n":12345678901234567890123,"user":"alice"}}}');
  });

  it('opa_eval aborts with a message on invalid input JSON', () => {
    const rt = instantiate((_x, _id, input) => input);
    const base = rt.x.opa_heap_ptr_get();
    writeAt(rt.memory, base, new TextEncoder().encode('{"a"'));
    expect(() => rt.x.opa_eval(0, 0, 0, base, 4, base + 4, 0)).toThrow(/opa_abort: opa_eval: input is not valid JSON/);
  });

  it('runs under the official SDK, with data, input and heap resets', async () => {
    const { loadPolicy } = require('@open-policy-agent/opa-wasm');
    const policy = await loadPolicy(await linkedPolicy());
    expect(policy.evaluate({ a: 1, b: [1.5, 'x', null] }, 0)).toEqual([{ result: { a: 1, b: [1.5, 'x', null] } }]);
    expect(policy.evaluate(undefined, 2)).toEqual([]);
    policy.setData({ roles: { admin: ['alice'] } });
    expect(policy.evaluate(null, 1)).toEqual([{ result: { roles: { admin: ['alice'] } } }]);
    const input = { user: 'alice', groups: Array.from({ length: 50 }, (_, i) => `group-${i}`) };
    policy.evaluate(input, 0);
    const pages = policy.mem.buffer.byteLength;
    const runs = 20000;
    for (let i = 0; i < runs; i++) expect(policy.evaluate(input, 0)[0].result.groups.length).toBe(50);
    // The heap is reset by every evaluation, so memory does not grow with the number of evaluations.
    expect(policy.mem.buffer.byteLength).toBe(pages);
    expect(policy.evaluate(null, 1)).toEqual([{ result: { roles: { admin: ['alice'] } } }]);
  });
});

describe('memory', () => {
  it('grows memory on demand and aborts cleanly when it cannot', () => {
    const rt = instantiate();
    const before = rt.memory.buffer.byteLength;
    const p = rt.x.opa_malloc(1 << 20);
    expect(p % 8).toBe(0);
    expect(rt.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(() => rt.x.opa_malloc(0xfffffff0)).toThrow(/out of memory/);
  });

  it('aligns allocations after an unaligned heap pointer and refuses one below the heap base', () => {
    const rt = instantiate();
    const base = rt.x.opa_heap_ptr_get();
    rt.x.opa_heap_ptr_set(base + 3);
    expect(rt.x.opa_malloc(4) % 8).toBe(0);
    expect(() => rt.x.opa_heap_ptr_set(8)).toThrow(/opa_abort/);
  });
});

describe('compare order and equality', () => {
  it('orders values as OPA does: null < boolean < number < string < array < object < set', () => {
    const rt = instantiate();
    const ascending = [
      'null', 'false', 'true', '-12345678901234567890', '-1.5', '-1', '0', '0.5', '1', '1.5', '2',
      '12345678901234567890', '""', '"A"', '"a"', '"ab"', '"é"', '[]', '[1]', '[1, 2]', '[2]', '{}', '{"a": 1}',
      '{"a": 1, "b": 1}', '{"a": 2}', '{"b": 0}', 'set()', '{1}', '{1, 2}', '{2}',
    ];
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        const c = Math.sign(rt.x.opa_value_compare(rt.rego(ascending[i]), rt.rego(ascending[j])));
        expect([ascending[i], ascending[j], c]).toEqual([ascending[i], ascending[j], Math.sign(i - j)]);
      }
    }
  });

  it('treats equal numbers of different spelling as equal and hashes them alike', () => {
    const rt = instantiate();
    expect(rt.x.opa_value_equal(rt.rego('1.0'), rt.rego('1'))).toBe(1);
    expect(rt.x.opa_value_equal(rt.rego('100e-2'), rt.rego('1'))).toBe(1);
    expect(rt.x.opa_value_equal(rt.rego('28857836529306024611913'), rt.rego('28857836529306024611912'))).toBe(0);
    expect(rt.call('equal', '{1.0: "a"}', '{1: "a"}')).toBe('true');
    expect(rt.call('internal.member_2', '2.0', '{1, 2, 3}')).toBe('true');
  });

  it('compares objects key by key, then by size; sets element by element', () => {
    const rt = instantiate();
    const cmp = (a: string, b: string) => Math.sign(rt.x.opa_value_compare(rt.rego(a), rt.rego(b)));
    expect(cmp('{"a": 1, "c": 0}', '{"b": 0}')).toBe(-1);
    expect(cmp('{"a": 2}', '{"a": 1, "b": 1}')).toBe(1);
    expect(cmp('{"a": 1}', '{"a": 1, "b": 1}')).toBe(-1);
    expect(cmp('{1, 5}', '{2}')).toBe(-1);
    expect(cmp('{3, 2, 1}', '{1, 2, 3}')).toBe(0);
  });
});

describe('collections', () => {
  it('objects replace on insert, sets ignore duplicates, lookups find structured keys', () => {
    const rt = instantiate();
    const obj = rt.x.opa_object();
    rt.x.opa_object_insert(obj, rt.rego('"k"'), rt.rego('1'));
    rt.x.opa_object_insert(obj, rt.rego('"k"'), rt.rego('2'));
    rt.x.opa_object_insert(obj, rt.rego('[1, {"x": {2}}]'), rt.rego('3'));
    expect(rt.x.opa_value_length(obj)).toBe(2);
    expect(rt.dumpRego(rt.x.opa_value_get(obj, rt.rego('"k"')))).toBe('2');
    expect(rt.dumpRego(rt.x.opa_value_get(obj, rt.rego('[1.0, {"x": {2}}]')))).toBe('3');
    expect(rt.x.opa_value_get(obj, rt.rego('"missing"'))).toBe(0);
    const set = rt.x.opa_set();
    for (const v of ['3', '1', '3', '"x"', '1.0']) rt.x.opa_set_add(set, rt.rego(v));
    expect(rt.dumpRego(set)).toBe('{1,3,"x"}');
    expect(rt.dumpRego(rt.x.opa_value_get(set, rt.rego('3')))).toBe('3');
    expect(rt.x.opa_value_get(set, rt.rego('4'))).toBe(0);
  });

  it('iterates arrays by index and objects and sets in sorted order, also while they grow', () => {
    const rt = instantiate();
    const keys = (v: number) => {
      const out: string[] = [];
      for (let k = rt.x.opa_value_iter(v, 0); k !== 0; k = rt.x.opa_value_iter(v, k)) out.push(rt.dumpRego(k));
      return out;
    };
    expect(keys(rt.rego('["a", "b", "c"]'))).toEqual(['0', '1', '2']);
    expect(keys(rt.rego('[]'))).toEqual([]);
    expect(keys(rt.rego('{"b": 1, "a": 2, 3: 0}'))).toEqual(['3', '"a"', '"b"']);
    expect(keys(rt.rego('{"z", "y", 1, [0]}'))).toEqual(['1', '"y"', '"z"', '[0]']);
    const obj = rt.x.opa_object();
    for (let i = 999; i >= 0; i--) rt.x.opa_object_insert(obj, rt.x.opa_number_int(BigInt(i)), rt.x.opa_null());
    const seen = keys(obj);
    expect(seen.length).toBe(1000);
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
    rt.x.opa_object_insert(obj, rt.x.opa_number_int(-1n), rt.x.opa_null());
    expect(keys(obj)[0]).toBe('-1');
  });

  it('measures length: elements of collections, code points of strings', () => {
    const rt = instantiate();
    expect(rt.x.opa_value_length(rt.rego('[1, 2]'))).toBe(2);
    expect(rt.x.opa_value_length(rt.rego('{"a": 1}'))).toBe(1);
    expect(rt.x.opa_value_length(rt.rego('{1, 2, 3}'))).toBe(3);
    expect(rt.x.opa_value_length(rt.rego('"héllo😀"'))).toBe(6);
  });

  it('merges objects deeply and reports conflicts as 0', () => {
    const rt = instantiate();
    const merged = rt.x.opa_value_merge(rt.rego('{"a": {"b": 1}, "c": 2}'), rt.rego('{"a": {"d": 3}, "e": 4}'));
    expect(rt.dumpRego(merged)).toBe('{"a":{"b":1,"d":3},"c":2,"e":4}');
    expect(rt.x.opa_value_merge(rt.rego('{"a": 1}'), rt.rego('{"a": 2}'))).toBe(0);
    expect(rt.dumpRego(rt.x.opa_value_merge(0, rt.rego('{"a": 1}')))).toBe('{"a":1}');
  });

  it('shallow-copies collections so that changes to the copy leave the original alone', () => {
    const rt = instantiate();
    const original = rt.rego('{"a": 1}');
    const copy = rt.x.opa_value_shallow_copy(original);
    rt.x.opa_object_insert(copy, rt.rego('"b"'), rt.rego('2'));
    expect(rt.dumpRego(original)).toBe('{"a":1}');
    expect(rt.dumpRego(copy)).toBe('{"a":1,"b":2}');
  });

  it('adds and removes paths', () => {
    const rt = instantiate();
    const base = rt.rego('{"a": {"b": 1}}');
    expect(rt.x.opa_value_add_path(base, rt.rego('["a", "c", "d"]'), rt.rego('2'))).toBe(0);
    expect(rt.dumpRego(base)).toBe('{"a":{"b":1,"c":{"d":2}}}');
    expect(rt.x.opa_value_remove_path(base, rt.rego('["a", "b"]'))).toBe(0);
    expect(rt.dumpRego(base)).toBe('{"a":{"c":{"d":2}}}');
    expect(rt.x.opa_value_add_path(base, rt.rego('["a", "c", "d", "e"]'), rt.rego('1'))).toBe(3);
    expect(rt.x.opa_value_add_path(rt.rego('[]'), rt.rego('["a"]'), rt.rego('1'))).toBe(2);
  });

  it('keeps a sorted view of long-lived data valid across heap resets', () => {
    const rt = instantiate();
    const data = rt.json('{"c": 3, "a": 1, "b": 2}');
    const base = rt.x.opa_heap_ptr_get();
    for (let i = 0; i < 3; i++) {
      rt.x.opa_heap_ptr_set(base + i * 8);
      // Fill the heap with other values between reads.
      for (let j = 0; j < 50; j++) rt.json('{"z": [1, 2, 3], "y": "overwrite"}');
      expect(rt.dumpJson(data)).toBe('{"a":1,"b":2,"c":3}');
    }
    const built = rt.x.opa_object();
    rt.x.opa_object_insert(built, rt.rego('"b"'), rt.rego('1'));
    rt.x.opa_object_insert(built, rt.rego('"a"'), rt.rego('2'));
    const top = rt.x.opa_heap_ptr_get();
    expect(rt.dumpJson(built)).toBe('{"a":2,"b":1}');
    rt.x.opa_heap_ptr_set(top);
    for (let j = 0; j < 50; j++) rt.json('[9, 9, 9, 9, 9, 9]');
    expect(rt.dumpJson(built)).toBe('{"a":2,"b":1}');
  });
});

type Case = [string, string[], string | undefined];

function runCases(cases: Case[]): void {
  for (const [name, args, want] of cases) {
    it(`${name}(${args.join(', ')}) = ${want ?? 'undefined'}`, () => {
      expect(instantiate().call(name, ...args)).toBe(want);
    });
  }
}

describe('natives: comparison and arithmetic', () => {
  runCases([
    ['equal', ['1', '1.0'], 'true'],
    ['equal', ['"a"', '"b"'], 'false'],
    ['neq', ['[1]', '[1]'], 'false'],
    ['lt', ['1', '"a"'], 'true'],
    ['lte', ['2', '2'], 'true'],
    ['gt', ['{1}', '{"a": 1}'], 'true'],
    ['gte', ['null', 'false'], 'false'],
    ['plus', ['1', '2'], '3'],
    ['plus', ['1.5', '2.5'], '4'],
    ['plus', ['1', '2.5'], '3.5'],
    ['plus', ['0.1', '0.2'], '0.30000000000000004'],
    ['plus', ['18446744073709551617', '1'], '18446744073709551618'],
    ['plus', ['9223372036854775807', '1'], '9223372036854775808'],
    ['plus', ['123456789012345678901234567890', '1'], '123456789012345678901234567891'],
    ['plus', ['"a"', '1'], undefined],
    ['minus', ['18446744073709551617', '1'], '18446744073709551616'],
    ['minus', ['-18446744073709551617', '1'], '-18446744073709551618'],
    ['minus', ['-9223372036854775808', '1'], '-9223372036854775809'],
    ['minus', ['18446744073709551616', '18446744073709551615'], '1'],
    ['minus', ['{1, 2, 3}', '{2}'], '{1,3}'],
    ['minus', ['{1}', '1'], undefined],
    ['mul', ['18446744073709551617', '2'], '36893488147419103234'],
    ['mul', ['2.5', '2'], '5'],
    ['mul', ['4294967296', '4294967296'], '18446744073709551616'],
    ['mul', ['-3', '7'], '-21'],
    ['mul', ['1e308', '10'], undefined],
    ['div', ['4', '2'], '2'],
    ['div', ['1', '3'], '0.3333333333333333'],
    ['div', ['5', '2'], '2.5'],
    ['div', ['1', '0'], undefined],
    ['div', ['1.5', '0.0'], undefined],
    ['div', ['36893488147419103234', '2'], '18446744073709551617'],
    ['rem', ['10', '3'], '1'],
    ['rem', ['-10', '3'], '-1'],
    ['rem', ['10', '18446744073709551616'], '10'],
    ['rem', ['5', '55340232221128654848'], '5'],
    ['rem', ['7', '340282366920938463463374607431768211456'], '7'],
    ['rem', ['100', '-18446744073709551616'], '100'],
    ['rem', ['18446744073709551617', '18446744073709551616'], '1'],
    ['rem', ['10', '18446744073709551617'], '10'],
    ['rem', ['1', '0'], undefined],
    ['rem', ['1.5', '1'], undefined],
    ['abs', ['-5'], '5'],
    ['abs', ['-1.5'], '1.5'],
    ['abs', ['-18446744073709551617'], '18446744073709551617'],
    ['ceil', ['1.2'], '2'],
    ['ceil', ['-1.5'], '-1'],
    ['floor', ['1.9'], '1'],
    ['floor', ['-1.5'], '-2'],
    ['floor', ['99'], '99'],
    ['round', ['1.5'], '2'],
    ['round', ['-1.5'], '-2'],
    ['round', ['1.49'], '1'],
    ['numbers.range', ['1', '4'], '[1,2,3,4]'],
    ['numbers.range', ['2', '-1'], '[2,1,0,-1]'],
    ['numbers.range', ['3', '3'], '[3]'],
    ['numbers.range', ['1.5', '3'], undefined],
    ['numbers.range_step', ['0', '10', '2'], '[0,2,4,6,8,10]'],
    ['numbers.range_step', ['0', '-10', '2'], '[0,-2,-4,-6,-8,-10]'],
    ['numbers.range_step', ['10', '3', '2'], '[10,8,6,4]'],
    ['numbers.range_step', ['2', '2', '2'], '[2]'],
    ['numbers.range_step', ['0', '10', '-2'], undefined],
    ['numbers.range_step', ['0', '10', '0'], undefined],
    ['numbers.range_step', ['0', '10', '99999999999999999999'], '[0]'],
    ['numbers.range_step', ['0', '10', '1.5'], undefined],
    ['and', ['{1, 2, 3}', '{2, 3, 4}'], '{2,3}'],
    ['or', ['{1, 2}', '{2, 3}'], '{1,2,3}'],
    ['and', ['[1]', '{1}'], undefined],
    ['internal.member_2', ['2', '[1, 2]'], 'true'],
    ['internal.member_2', ['"v"', '{"k": "v"}'], 'true'],
    ['internal.member_2', ['"k"', '{"k": "v"}'], 'false'],
    ['internal.member_2', ['1', '"1"'], 'false'],
    ['internal.member_3', ['1', '"b"', '["a", "b"]'], 'true'],
    ['internal.member_3', ['"k"', '"v"', '{"k": "v"}'], 'true'],
    ['internal.member_3', ['2', '2', '{2}'], 'true'],
    ['internal.member_3', ['0', '"b"', '["a", "b"]'], 'false'],
    ['to_number', ['"-42.0"'], '-42'],
    ['to_number', ['false'], '0'],
    ['to_number', ['true'], '1'],
    ['to_number', ['null'], '0'],
    ['to_number', ['100.1'], '100.1'],
    ['to_number', ['"3"'], '3'],
    ['to_number', ['"+3"'], '3'],
    ['to_number', ['"12345678901234567890123"'], '12345678901234567890123'],
    ['to_number', ['"broken"'], undefined],
    ['to_number', ['"nan"'], undefined],
    ['to_number', ['"-Infinity"'], undefined],
    ['to_number', ['[]'], undefined],
    ['format_int', ['15.5', '16'], '"f"'],
    ['format_int', ['-15', '2'], '"-1111"'],
    ['format_int', ['8', '8'], '"10"'],
    ['format_int', ['255', '10'], '"255"'],
    ['format_int', ['18446744073709551616', '16'], '"10000000000000000"'],
    ['format_int', ['1', '3'], undefined],
  ]);
});

describe('natives: aggregates and collections', () => {
  runCases([
    ['count', ['[1, 2, 3]'], '3'],
    ['count', ['{"a": 1}'], '1'],
    ['count', ['{1, 2}'], '2'],
    ['count', ['"héllo"'], '5'],
    ['count', ['1'], undefined],
    ['sum', ['[1, 2, 3.5]'], '6.5'],
    ['sum', ['{1, 2}'], '3'],
    ['sum', ['[]'], '0'],
    ['sum', ['[1, "a"]'], undefined],
    ['sum', ['[9223372036854775807, 1]'], '9223372036854775808'],
    ['product', ['[2, 3, 4]'], '24'],
    ['product', ['[]'], '1'],
    ['max', ['[1, 3, 2]'], '3'],
    ['max', ['[1, "a", null]'], '"a"'],
    ['max', ['[]'], undefined],
    ['min', ['{3, 1, 2}'], '1'],
    ['sort', ['[3, 1, "a", null, [1], 2]'], '[null,1,2,3,"a",[1]]'],
    ['sort', ['{3, 1, 2}'], '[1,2,3]'],
    ['sort', ['"abc"'], undefined],
    ['all', ['[true, true]'], 'true'],
    ['all', ['[true, 1]'], 'false'],
    ['all', ['[]'], 'true'],
    ['any', ['{false, true}'], 'true'],
    ['any', ['[]'], 'false'],
    ['array.concat', ['[1, 2]', '[3]'], '[1,2,3]'],
    ['array.concat', ['[1]', '{2}'], undefined],
    ['array.slice', ['[1, 2, 3, 4]', '1', '3'], '[2,3]'],
    ['array.slice', ['[1, 2, 3, 4]', '-5', '10'], '[1,2,3,4]'],
    ['array.slice', ['[1, 2, 3, 4]', '3', '1'], '[]'],
    ['array.reverse', ['[1, 2, 3]'], '[3,2,1]'],
    ['array.reverse', ['[]'], '[]'],
    ['intersection', ['{{1, 2, 3}, {2, 3, 4}, {3, 2}}'], '{2,3}'],
    ['intersection', ['set()'], 'set()'],
    ['union', ['{{1, 2}, {2, 3}, set()}'], '{1,2,3}'],
    ['union', ['{[1]}'], undefined],
    ['set_diff', ['{1, 2}', '{2}'], '{1}'],
    ['object.get', ['{"a": "b"}', '"a"', '"c"'], '"b"'],
    ['object.get', ['{"a": "b"}', '"c"', '"c"'], '"c"'],
    ['object.get', ['{1: 2}', '2', '3'], '3'],
    ['object.get', ['{"a": 1}', '[]', '2'], '{"a":1}'],
    ['object.get', ['{"a": {"b": [5, 6]}}', '["a", "b", 1]', '0'], '6'],
    ['object.get', ['{"a": {"b": 1}}', '["a", "x"]', '0'], '0'],
    ['object.get', ['[1]', '0', '0'], undefined],
    ['object.keys', ['{"a": 1, 2: 3}'], '{2,"a"}'],
    ['object.remove', ['{"a": 1, "b": 2, "c": 3}', '["a", "c"]'], '{"b":2}'],
    ['object.remove', ['{"a": 1, "b": 2}', '{"b"}'], '{"a":1}'],
    ['object.remove', ['{"a": 1, "b": 2}', '{"a": 0}'], '{"b":2}'],
    ['object.remove', ['{1: 1, "b": 2}', '[1]'], '{"b":2}'],
    ['object.remove', ['{"a": 1}', '"a"'], undefined],
    ['object.filter', ['{"a": 1, "b": 2, "c": 3}', '["a", "c"]'], '{"a":1,"c":3}'],
    ['object.filter', ['{1: 1, "b": 2}', '{1}'], '{1:1}'],
    ['object.union', ['{"a": 1, "b": {"c": 2}}', '{"b": {"d": 3}, "a": 4}'], '{"a":4,"b":{"c":2,"d":3}}'],
    ['object.union', ['{"a": {"b": 1}}', '{"a": 2}'], '{"a":2}'],
    ['object.union_n', ['[{"a": 1}, {"b": 2}, {"a": 3}]'], '{"a":3,"b":2}'],
    ['object.union_n', ['[]'], '{}'],
    ['object.union_n', ['[{"a": 1}, 2]'], undefined],
    ['object.subset', ['{"a": 5, "b": 7, "c": 15}', '{"a": 5}'], 'true'],
    ['object.subset', ['{"a": 5}', '{"a": 5, "b": 7}'], 'false'],
    ['object.subset', ['{"a": 5, "b": 7}', '{"a": 5, "b": 10}'], 'false'],
    ['object.subset', ['{"n": {"s": {1, 2, 3, 4}, "a": [6, 7, 8, 9], "x": 1}}', '{"n": {"s": {4, 1}, "a": [6, 7]}}'], 'true'],
    ['object.subset', ['{1, 2, 3, {"a", "b"}}', '{3, 2, {"a", "b"}}'], 'true'],
    ['object.subset', ['[1, 2, 3, 4, 5, 6]', '[3, 4, 5]'], 'true'],
    ['object.subset', ['[1, 2, 3, 4, 5, 6]', '[4, 5, 6, 8]'], 'false'],
    ['object.subset', ['[1, 2, 3, 4, 5, 6]', '{4, 3, 2}'], 'true'],
    ['object.subset', ['[1, 2, 3, 4, 5, 6]', '{9, 8}'], 'false'],
    ['object.subset', ['{4, 3, 2}', '[1, 2]'], undefined],
    ['json.filter', ['{"a": {"b": {"c": 7, "d": 8}}, "e": 9}', '{"a/b/c"}'], '{"a":{"b":{"c":7}}}'],
    ['json.filter', ['{"a": {"b": {"c": 7, "d": 8}}, "e": 9}', '{"a/b/c", "e"}'], '{"a":{"b":{"c":7}},"e":9}'],
    ['json.filter', ['{"a": {"b": {"c": 7, "d": 8}}, "e": 9}', '[["a", "b", "d"]]'], '{"a":{"b":{"d":8}}}'],
    ['json.filter', ['{"a": [{"b": 1, "c": 2}, {"b": 3}]}', '["a/0/b", "a/1"]'], '{"a":[{"b":1},{"b":3}]}'],
    ['json.filter', ['{"a": 1, "b": 2}', '["a", "a/x"]'], '{"a":1}'],
    ['json.filter', ['{"a~b": 1, "c/d": 2}', '["a~0b", "/c~1d"]'], '{"a~b":1,"c/d":2}'],
    ['json.remove', ['{"a": {"b": {"c": 7, "d": 8}}, "e": 9}', '{"a/b/c"}'], '{"a":{"b":{"d":8}},"e":9}'],
    ['json.remove', ['{"a": {"b": {"c": 7, "d": 8}}, "e": 9}', '["a", "e"]'], '{}'],
    ['json.remove', ['{"a": [1, 2, 3]}', '["a/1"]'], '{"a":[1,3]}'],
    ['json.remove', ['{"a": 1}', '[1]'], undefined],
    ['walk', ['[1, {"a": 2}]'], '[[[],[1,{"a":2}]],[[0],1],[[1],{"a":2}],[[1,"a"],2]]'],
    ['walk', ['{"b": 1, "a": {2}}'], '[[[],{"a":{2},"b":1}],[["a"],{2}],[["a",2],2],[["b"],1]]'],
    ['walk', ['1'], '[[[],1]]'],
    ['internal.walk_no_path', ['[1, 2, [3]]'], '[[[],1],[[],2],[[],3],[[],[3]],[[],[1,2,[3]]]]'],
    ['internal.walk_no_path', ['{"b": 1, "a": {2}}'], '[[[],2],[[],{2}],[[],1],[[],{"a":{2},"b":1}]]'],
  ]);
});

describe('natives: strings', () => {
  runCases([
    ['concat', ['", "', '["a", "b", "c"]'], '"a, b, c"'],
    ['concat', ['"-"', '{"b", "a"}'], '"a-b"'],
    ['concat', ['"-"', '[]'], '""'],
    ['concat', ['"-"', '["a", 1]'], undefined],
    ['contains', ['"abcdef"', '"cde"'], 'true'],
    ['contains', ['"abc"', '""'], 'true'],
    ['contains', ['"abc"', '"x"'], 'false'],
    ['startswith', ['"abc"', '"ab"'], 'true'],
    ['startswith', ['"abc"', '"b"'], 'false'],
    ['endswith', ['"abc"', '"bc"'], 'true'],
    ['endswith', ['"abc"', '"abcd"'], 'false'],
    ['indexof', ['"héllo"', '"l"'], '2'],
    ['indexof', ['"abc"', '"x"'], '-1'],
    ['indexof', ['"abc"', '""'], '0'],
    ['lower', ['"AbC ÀÉ ΣΑ Дом"'], '"abc àé σα дом"'],
    ['upper', ['"abc àé σα дом ß"'], '"ABC ÀÉ ΣΑ ДОМ ß"'],
    ['upper', ['1'], undefined],
    ['replace', ['"a.b.c"', '"."', '"::"'], '"a::b::c"'],
    ['replace', ['"abc"', '""', '"-"'], '"-a-b-c-"'],
    ['replace', ['"abc"', '"x"', '"y"'], '"abc"'],
    ['split', ['"a,b,,c"', '","'], '["a","b","","c"]'],
    ['split', ['"héy"', '""'], '["h","é","y"]'],
    ['split', ['""', '","'], '[""]'],
    ['substring', ['"héllo"', '1', '3'], '"éll"'],
    ['substring', ['"abc"', '1', '-1'], '"bc"'],
    ['substring', ['"abc"', '5', '2'], '""'],
    ['substring', ['"abc"', '1', '100'], '"bc"'],
    ['substring', ['"abc"', '-1', '2'], undefined],
    ['trim', ['"  xx  "', '" "'], '"xx"'],
    ['trim', ['"!!a!b!!"', '"!"'], '"a!b"'],
    ['trim', ['"ééaéé"', '"é"'], '"a"'],
    ['trim_left', ['"xxaxx"', '"x"'], '"axx"'],
    ['trim_right', ['"xxaxx"', '"x"'], '"xxa"'],
    ['trim_prefix', ['"prefix-rest"', '"prefix-"'], '"rest"'],
    ['trim_prefix', ['"rest"', '"x"'], '"rest"'],
    ['trim_suffix', ['"file.txt"', '".txt"'], '"file"'],
    ['trim_space', ['" \\t\\n hello \\r\\n"'], '"hello"'],
    ['trim_space', ['"\u00a0x\u3000"'], '"x"'],
    ['strings.reverse', ['"héllo😀"'], '"😀olléh"'],
    ['strings.count', ['"cheese"', '"e"'], '3'],
    ['strings.count', ['"aaaa"', '"aa"'], '2'],
    ['strings.count', ['"five"', '""'], '5'],
    ['strings.any_prefix_match', ['"foo/bar"', '["x", "foo"]'], 'true'],
    ['strings.any_prefix_match', ['["a", "b"]', '"c"'], 'false'],
    ['strings.any_prefix_match', ['{"ab", "cd"}', '{"c"}'], 'true'],
    ['strings.any_prefix_match', ['"a"', '[1]'], undefined],
    ['strings.any_suffix_match', ['"foo.bar"', '".bar"'], 'true'],
    ['strings.any_suffix_match', ['["foo.baz"]', '[".bar"]'], 'false'],
  ]);
});

describe('natives: types, bits, encodings', () => {
  runCases([
    ['is_number', ['1.5'], 'true'],
    ['is_number', ['"1"'], 'false'],
    ['is_string', ['"a"'], 'true'],
    ['is_boolean', ['false'], 'true'],
    ['is_array', ['[]'], 'true'],
    ['is_set', ['set()'], 'true'],
    ['is_set', ['{}'], 'false'],
    ['is_object', ['{}'], 'true'],
    ['is_null', ['null'], 'true'],
    ['type_name', ['null'], '"null"'],
    ['type_name', ['true'], '"boolean"'],
    ['type_name', ['1'], '"number"'],
    ['type_name', ['"s"'], '"string"'],
    ['type_name', ['[1]'], '"array"'],
    ['type_name', ['{"a": 1}'], '"object"'],
    ['type_name', ['{1}'], '"set"'],
    ['bits.and', ['12', '10'], '8'],
    ['bits.or', ['12', '10'], '14'],
    ['bits.xor', ['12', '10'], '6'],
    ['bits.negate', ['12'], '-13'],
    ['bits.lsh', ['1', '3'], '8'],
    ['bits.lsh', ['1', '64'], '18446744073709551616'],
    ['bits.lsh', ['-3', '70'], '-3541774862152233910272'],
    ['bits.rsh', ['-9', '1'], '-5'],
    ['bits.rsh', ['1024', '3'], '128'],
    ['bits.rsh', ['5', '100'], '0'],
    ['bits.and', ['1.5', '1'], undefined],
    ['json.marshal', ['{"b": [1, {2}], "a": "x\\"y"}'], '"{\\"a\\":\\"x\\\\\\"y\\",\\"b\\":[1,[2]]}"'],
    ['json.unmarshal', ['"{\\"a\\": [1, 2.5, \\"x\\"]}"'], '{"a":[1,2.5,"x"]}'],
    ['json.marshal', ['"<b>&\u2028\u2029é"'], '"\\"\\\\u003cb\\\\u003e\\\\u0026\\\\u2028\\\\u2029é\\""'],
    ['json.unmarshal', ['"{"'], undefined],
    ['json.is_valid', ['"[1, 2]"'], 'true'],
    ['json.is_valid', ['"[1, 2"'], 'false'],
    ['json.is_valid', ['1'], 'false'],
    ['base64.encode', ['"hello"'], '"aGVsbG8="'],
    ['base64.encode', ['""'], '""'],
    ['base64.encode', ['"ab?>"'], '"YWI/Pg=="'],
    ['base64.decode', ['"aGVsbG8="'], '"hello"'],
    ['base64.decode', ['"YWI/Pg=="'], '"ab?>"'],
    ['base64.decode', ['"aGVsbG8"'], undefined],
    ['base64.decode', ['"a$=="'], undefined],
    ['base64.is_valid', ['"aGVsbG8="'], 'true'],
    ['base64.is_valid', ['"aGVsbG8"'], 'false'],
    ['base64url.encode', ['"ab?>"'], '"YWI_Pg=="'],
    ['base64url.encode_no_pad', ['"ab?>"'], '"YWI_Pg"'],
    ['base64url.decode', ['"YWI_Pg=="'], '"ab?>"'],
    ['base64url.decode', ['"YWI_Pg"'], '"ab?>"'],
    ['base64url.decode', ['"aGVsbG8"'], '"hello"'],
    ['base64url.decode', ['"a"'], undefined],
    ['hex.encode', ['"hello"'], '"68656c6c6f"'],
    ['hex.decode', ['"68656C6c6f"'], '"hello"'],
    ['hex.decode', ['"6"'], undefined],
    ['hex.decode', ['"zz"'], undefined],
  ]);
});

describe('natives: time.parse_rfc3339_ns', () => {
  const parse = (text: string): string | undefined => instantiate().call('time.parse_rfc3339_ns', JSON.stringify(text));
  it('gives exact nanoseconds since the epoch, with fractions and offsets', () => {
    expect(parse('1970-01-01T00:00:00Z')).toBe('0');
    expect(parse('2024-02-29T12:00:00.5+01:00')).toBe('1709204400500000000');
    expect(parse('1969-12-31T23:59:59.999999999Z')).toBe('-1');
    expect(parse('2262-04-11T23:47:16.854775807Z')).toBe('9223372036854775807');
    expect(parse('1677-09-21T00:12:43.145224192Z')).toBe('-9223372036854775808');
  });
  it('follows Go time.Parse leniencies', () => {
    expect(parse('2024-01-02T3:04:05Z')).toBe(parse('2024-01-02T03:04:05Z'));
    expect(parse('2024-01-02T03:04:05,25Z')).toBe(parse('2024-01-02T03:04:05.25Z'));
    expect(parse('2024-01-02T03:04:05.1234567891Z')).toBe(parse('2024-01-02T03:04:05.123456789Z'));
    expect(parse('2024-01-02T03:04:05+24:00')).toBe(parse('2024-01-01T03:04:05Z'));
  });
  it('is undefined for anything Go rejects or beyond int64 nanoseconds', () => {
    for (const bad of [
      '', '2024-01-02', '2024-01-02t03:04:05Z', '2024-01-02T03:04:05z', '2024-01-02T03:04:05', '2024-1-02T03:04:05Z',
      '2023-02-29T00:00:00Z', '2024-02-30T00:00:00Z', '2024-04-31T00:00:00Z', '2024-13-01T00:00:00Z',
      '2024-00-01T00:00:00Z', '2024-01-00T00:00:00Z', '2024-01-02T24:00:00Z', '2024-01-02T03:60:00Z',
      '2024-01-02T03:04:60Z', '2024-01-02T03:04:05.Z', '2024-01-02T03:04:05+25:00', '2024-01-02T03:04:05+0100',
      '2024-01-02T03:04:05Z ', '3000-01-01T00:00:00Z', '1677-09-21T00:12:43.145224191Z', '+024-01-02T03:04:05Z',
    ]) {
      expect([bad, parse(bad)]).toEqual([bad, undefined]);
    }
    expect(instantiate().call('time.parse_rfc3339_ns', '1')).toBeUndefined();
  });
  it('agrees with the Go layout parser on leap years and random instants', () => {
    const rt = instantiate();
    const texts = ['2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2100-02-28T23:59:59-00:30', '1904-02-29T12:00:00+05:45'];
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    for (let i = 0; i < 300; i++) {
      const fraction = next(3) === 0 ? '' : `.${pad(next(1000000000), 9).slice(0, 1 + next(9))}`;
      const zone = next(2) === 0 ? 'Z' : `${next(2) ? '+' : '-'}${pad(next(24), 2)}:${pad(next(60), 2)}`;
      texts.push(
        `${pad(1680 + next(580), 4)}-${pad(1 + next(12), 2)}-${pad(1 + next(31), 2)}T` +
          `${pad(next(24), 2)}:${pad(next(60), 2)}:${pad(next(60), 2)}${fraction}${zone}`,
      );
    }
    for (const text of texts) {
      let expected: string | undefined;
      try {
        expected = String(parseTime(NAMED_LAYOUTS.RFC3339, text));
      } catch {
        expected = undefined;
      }
      expect([text, rt.call('time.parse_rfc3339_ns', JSON.stringify(text))]).toEqual([text, expected]);
    }
  });
});

describe('big integers', () => {
  it('divide and take remainders exactly, as BigInt does', () => {
    const rt = instantiate();
    const base = rt.x.opa_heap_ptr_get();
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const big = (): bigint => {
      let v = 0n;
      for (let i = 1 + (next() % 6); i > 0; i--) v = (v << 32n) | BigInt(next() * 2 + (next() % 2));
      // All-ones limbs exercise the quotient estimate's corrections.
      if (next() % 4 === 0) v = (v << 32n) | 0xffffffffn;
      return next() % 3 === 0 ? -v : v;
    };
    for (let i = 0; i < 3000; i++) {
      rt.x.opa_heap_ptr_set(base);
      const [a, b] = [big(), big()];
      if (b === 0n) continue;
      const [va, vb] = [rt.json(a.toString()), rt.json(b.toString())];
      expect(rt.dumpJson(rt.x.opa_builtin_rem(va, vb))).toBe((a % b).toString());
      expect(rt.dumpJson(rt.x.opa_builtin_mul(va, vb))).toBe((a * b).toString());
      expect(rt.dumpJson(rt.x.opa_builtin_minus(va, vb))).toBe((a - b).toString());
      if (a % b === 0n) expect(rt.dumpJson(rt.x.opa_builtin_div(va, vb))).toBe((a / b).toString());
    }
  });
});

describe('doubles', () => {
  /** A deterministic stream of arbitrary doubles (all exponents), from their bit patterns. */
  function* doubles(count: number): Generator<number> {
    let seed = 0x2545f491;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const view = new DataView(new ArrayBuffer(8));
    for (let produced = 0; produced < count; ) {
      view.setUint32(0, next());
      view.setUint32(4, next());
      const x = view.getFloat64(0);
      if (!Number.isFinite(x) || (Number.isInteger(x) && Math.abs(x) < 2 ** 63)) continue;
      produced++;
      yield x;
    }
  }

  it('parse exactly and print the shortest text that reads back, as JavaScript prints it', () => {
    const rt = instantiate();
    const base = rt.x.opa_heap_ptr_get();
    for (const x of doubles(3000)) {
      rt.x.opa_heap_ptr_set(base);
      expect(rt.dumpJson(rt.json(String(x)))).toBe(String(x));
      expect(rt.dumpJson(rt.x.opa_number_float(x))).toBe(String(x));
    }
  });

  it('handle the edges of the double range', () => {
    const rt = instantiate();
    const cases: Array<[string, string]> = [
      ['5e-324', '5e-324'],
      ['3e-324', '5e-324'],
      ['2e-324', '0'],
      ['1e-400', '0'],
      ['2.2250738585072014e-308', '2.2250738585072014e-308'],
      ['2.2250738585072011e-308', '2.225073858507201e-308'],
      ['1.7976931348623157e308', '1.7976931348623157e+308'],
      ['0.000001', '0.000001'],
      ['1e-7', '1e-7'],
      ['9007199254740993.0', '9007199254740992'],
      ['123456789012345678901234567890.5', '1.2345678901234568e+29'],
    ];
    for (const [input, output] of cases) expect(rt.dumpJson(rt.json(input))).toBe(output);
    for (const overflow of ['1.7976931348623159e308', '1e400', '1e999999999999']) expect(rt.json(overflow)).toBe(0);
  });

  it('round correctly however many digits the text has, in bounded time', () => {
    const rt = instantiate();
    const long = [
      `0.${'1'.repeat(1000)}`, `0.${'0'.repeat(500)}${'1'.repeat(900)}e400`, `${'1'.repeat(900)}.5e-700`,
      `2.${'4'.repeat(1200)}e-310`, `${'9'.repeat(850)}e-600`, `0.${'9'.repeat(2000)}`,
    ];
    for (const text of long) expect(rt.dumpJson(rt.json(text))).toBe(String(Number(text)));
    const started = performance.now();
    expect(rt.dumpJson(rt.json(`0.${'7'.repeat(200000)}`))).toBe('0.7777777777777778');
    expect(rt.dumpJson(rt.json('1'.repeat(4096)))).toBe('1'.repeat(4096));
    // Integers longer than that are refused rather than making every later operation on them slow.
    expect(rt.json('1'.repeat(4097))).toBe(0);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('natives never trap', () => {
  it('return undefined for undefined arguments and survive arguments of every type', () => {
    const rt = instantiate();
    const natives = WebAssembly.Module.exports(module)
      .map((e) => e.name)
      .filter((n) => n.startsWith('opa_builtin_'));
    expect(natives.length).toBeGreaterThan(90);
    const samples = ['null', 'true', '-1', '1.5', '""', '"a/b"', '[1, "x"]', '{"k": [1]}', 'set()', '{1, "a"}'];
    for (const name of natives) {
      const fn = rt.x[name] as (...a: number[]) => number;
      expect([name, fn(0, 0, 0)]).toEqual([name, 0]);
      for (const sample of samples) {
        const v = rt.rego(sample);
        fn(v, v, v);
      }
    }
  });
});
