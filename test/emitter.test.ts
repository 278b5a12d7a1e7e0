// The emitter on hand-written IR plans, and at the end on plans from Rego text, run through OPA's own JavaScript
// SDK: what the SDK sees is what a user of taskgate's policies sees.
import { describe, expect, it } from 'vitest';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import binaryen from 'binaryen';
import { emit } from '../rego/wasm/emitter.js';
import { changesOnlyNewCollections } from '../rego/wasm/lookup-cache.js';
import { RuntimeLink } from '../rego/wasm/link.js';
import { validationRequested } from '../rego/wasm/validation.js';
import { compilePolicy } from '../rego/compile.js';
import type { Block, ConstValue, Func, Plan, Stmt } from '../rego/plan/ir.js';

// -- plan building helpers: a rule is a function of (input = local 0, data = local 1)
const INPUT = 0;
const DATA = 1;

const str = (value: string): ConstValue => ({ type: 'string', value });
const num = (text: string): ConstValue => ({ type: 'number', text });
const bool = (value: boolean): ConstValue => ({ type: 'boolean', value });

function rule(name: string, locals: number, result: number, body: Block): Func {
  return { name, params: 2, locals, result, body, origin: `data.test.${name}` };
}

function single(consts: ConstValue[], func: Func, memoSlots = 0, extra: Func[] = []): Plan {
  return { consts, funcs: [func, ...extra], entrypoints: [{ name: `test/${func.name}`, func: func.name }], memoSlots };
}

type Builtins = Record<string, (...args: any[]) => unknown>;

async function load(plan: Plan, builtins: Builtins = {}): Promise<LoadedPolicy> {
  const { wasm } = await emit(plan);
  return loadPolicy(wasm, undefined, builtins);
}

/** The entrypoint's value, or undefined when the result set is empty. */
function value(policy: LoadedPolicy, input?: unknown, entrypoint: number | string = 0): unknown {
  const rs = policy.evaluate(input, entrypoint) as Array<{ result: unknown }>;
  return rs.length === 0 ? undefined : rs[0].result;
}

/** The result set's JSON text as opa_eval writes it, before the SDK's JSON.parse. */
function rawResult(policy: LoadedPolicy, entrypoint = 0): string {
  const { wasmInstance, mem, dataAddr } = policy as unknown as {
    wasmInstance: WebAssembly.Instance; mem: WebAssembly.Memory; dataAddr: number;
  };
  const abi = wasmInstance.exports as Record<string, (...args: number[]) => number>;
  const noInput = 0;
  const at = abi.opa_eval(0, entrypoint, dataAddr, noInput, 0, abi.opa_heap_ptr_get(), 0);
  const bytes = new Uint8Array(mem.buffer, at);
  return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
}

// `<input>.<key>`: const key -> local k, dot into target
const dotInput = (keyConst: number, keyLocal: number, target: number): Block => [
  { op: 'const', index: keyConst, target: keyLocal },
  { op: 'dot', source: INPUT, key: keyLocal, target },
];

describe('emitter: module', () => {
  it('produces a module WebAssembly accepts, with only the ABI exports and the SDK imports', async () => {
    const emitted = await emit(single([bool(true)], rule('p', 3, 2, [{ op: 'const', index: 0, target: 2 }])));
    const wasm = new Uint8Array(emitted.wasm);
    expect(WebAssembly.validate(wasm)).toBe(true);
    expect(emitted.entrypoints).toEqual({ 'test/p': 0 });
    const mod = new WebAssembly.Module(wasm);
    const exports = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
    expect(exports).toEqual([
      'builtins', 'entrypoints', 'eval', 'opa_eval', 'opa_eval_ctx_get_result', 'opa_eval_ctx_new',
      'opa_eval_ctx_set_data', 'opa_eval_ctx_set_entrypoint', 'opa_eval_ctx_set_input', 'opa_free',
      'opa_heap_ptr_get', 'opa_heap_ptr_set', 'opa_json_dump', 'opa_json_parse', 'opa_malloc', 'opa_value_add_path',
      'opa_value_dump', 'opa_value_parse', 'opa_value_remove_path', 'opa_wasm_abi_minor_version', 'opa_wasm_abi_version',
    ]);
    for (const imp of WebAssembly.Module.imports(mod)) {
      expect(imp.module).toBe('env');
      expect(imp.name).toMatch(/^(memory|opa_abort|opa_println|opa_builtin[0-4])$/);
    }
  });

  it('compiles a chain of a few hundred rules that call each other', async () => {
    const callPrevious = (i: number): Stmt => ({ op: 'call', func: `r${i - 1}`, args: [INPUT, DATA], target: 5 });
    const consts = [str('k'), num('1')];
    const funcs: Func[] = [];
    for (let i = 0; i < 300; i++) {
      funcs.push(rule(`r${i}`, 6, 5, [
        ...dotInput(0, 2, 3),
        { op: 'const', index: 1, target: 4 },
        { op: 'equal', a: 3, b: 4 },
        ...(i > 0 ? [callPrevious(i)] : []),
        { op: 'assign', source: 4, target: 5 },
      ]));
    }
    const plan: Plan = { consts, funcs, entrypoints: [{ name: 'test/r299', func: 'r299' }], memoSlots: 0 };
    const { wasm } = await emit(plan);
    const policy = await loadPolicy(wasm);
    expect(value(policy, { k: 1 })).toBe(1);
    expect(value(policy, { k: 2 })).toBeUndefined();
  });

  it('validates every module it emits under the test runner, and production only on request', () => {
    expect(validationRequested()).toBe(true);
    expect(validationRequested({})).toBe(false);
    expect(validationRequested({ TASKGATE_VALIDATE_WASM: '1' })).toBe(true);
  });
});

describe('emitter: runtime link', () => {
  /** A module whose export `f` calls `g` with `forwarded` as arguments. */
  function moduleWithWrapper(forwarded: number[]): binaryen.Module {
    const m = new binaryen.Module();
    const i32 = binaryen.i32;
    const pair = binaryen.createType([i32, i32]);
    m.addFunction('g', pair, i32, [], m.i32.sub(m.local.get(0, i32), m.local.get(1, i32)));
    m.addFunction('f', pair, i32, [], m.call('g', forwarded.map((l) => m.local.get(l, i32)), i32));
    m.addFunctionExport('f', 'f');
    return m;
  }

  /** The function a generated call to export `f` targets. */
  function callTarget(m: binaryen.Module): string {
    const call = new RuntimeLink(m).call('f', [m.i32.const(5), m.i32.const(3)]);
    return (binaryen.getExpressionInfo(call) as binaryen.CallInfo).target;
  }

  it('calls the function an export wrapper forwards to, skipping the wrapper', () => {
    const m = moduleWithWrapper([0, 1]);
    try {
      expect(callTarget(m)).toBe('g');
    } finally {
      m.dispose();
    }
  });

  it('keeps the export when it does more than forward its parameters in order', () => {
    const m = moduleWithWrapper([1, 0]);
    try {
      expect(callTarget(m)).toBe('f');
    } finally {
      m.dispose();
    }
  });
});

describe('emitter: values', () => {
  it('builds constants of every type once', async () => {
    const nested: ConstValue = {
      type: 'object',
      entries: [
        [str('null'), { type: 'null' }],
        [str('bools'), { type: 'array', items: [bool(true), bool(false)] }],
        [str('numbers'), { type: 'array', items: [num('0'), num('-7'), num('1.5'), num('12345678901234567890123'), num('9007199254740993')] }],
        [str('text'), str('héllo "quoted"\n')],
        [str('set'), { type: 'set', items: [str('b'), str('a')] }],
        [str('deep'), { type: 'object', entries: [[str('x'), { type: 'array', items: [{ type: 'object', entries: [] }] }]] }],
      ],
    };
    const policy = await load(single([nested], rule('p', 3, 2, [{ op: 'const', index: 0, target: 2 }])));
    const rs = policy.evaluate(undefined) as Array<{ result: Record<string, unknown> }>;
    expect(rs[0].result).toEqual({
      null: null,
      bools: [true, false],
      numbers: [0, -7, 1.5, 12345678901234567890123, 9007199254740993],
      text: 'héllo "quoted"\n',
      set: ['a', 'b'],
      deep: { x: [{}] },
    });
  });

  it('keeps big integers exact', async () => {
    const policy = await load(single([num('12345678901234567890123')], rule('p', 3, 2, [{ op: 'const', index: 0, target: 2 }])));
    // The SDK's JSON.parse would round the number, so read the result text opa_eval writes.
    expect(rawResult(policy)).toBe('[{"result":12345678901234567890123}]');
  });

  it('looks up members with dot and fails when they are missing', async () => {
    const policy = await load(single([str('user'), str('name')], rule('p', 6, 5, [
      ...dotInput(0, 2, 3),
      { op: 'const', index: 1, target: 4 },
      { op: 'dot', source: 3, key: 4, target: 5 },
    ])));
    expect(value(policy, { user: { name: 'alice' } })).toBe('alice');
    expect(value(policy, { user: {} })).toBeUndefined();
    expect(value(policy, {})).toBeUndefined();
    expect(value(policy, undefined)).toBeUndefined();
  });

  it('builds arrays, objects and sets and measures them', async () => {
    const policy = await load(single([str('a'), num('1'), str('b')], rule('p', 10, 8, [
      { op: 'const', index: 0, target: 2 },
      { op: 'const', index: 1, target: 3 },
      { op: 'const', index: 2, target: 4 },
      { op: 'makeArray', capacity: 1, target: 5 },
      { op: 'arrayAppend', array: 5, value: 2 },
      { op: 'arrayAppend', array: 5, value: 3 },
      { op: 'makeSet', target: 6 },
      { op: 'setAdd', set: 6, value: 4 },
      { op: 'setAdd', set: 6, value: 4 },
      { op: 'makeObject', target: 9 },
      { op: 'objectInsert', object: 9, key: 2, value: 5 },
      { op: 'objectInsert', object: 9, key: 4, value: 6 },
      { op: 'len', source: 9, target: 7 },
      { op: 'objectInsert', object: 9, key: 2, value: 7 },
      { op: 'makeArray', capacity: 0, target: 8 },
      { op: 'arrayAppend', array: 8, value: 9 },
      { op: 'arrayAppend', array: 8, value: 7 },
      { op: 'len', source: 5, target: 7 },
      { op: 'arrayAppend', array: 8, value: 7 },
    ])));
    expect(value(policy)).toEqual([{ a: 2, b: ['b'] }, 2, 2]);
  });
});

describe('emitter: control flow', () => {
  // p = xs where every element of input.xs that equals input.want is collected (array, object values and set)
  const collectPlan = (): Plan => single([str('xs'), str('want')], rule('p', 10, 4, [
    ...dotInput(0, 2, 3),
    ...dotInput(1, 5, 6),
    { op: 'makeArray', capacity: 0, target: 4 },
    { op: 'scan', source: 3, key: 7, value: 8, body: [
      { op: 'equal', a: 8, b: 6 },
      { op: 'arrayAppend', array: 4, value: 7 },
    ] },
  ]));

  it('scans arrays, objects and sets; a failure moves on to the next element', async () => {
    const policy = await load(collectPlan());
    expect(value(policy, { xs: ['a', 'b', 'a'], want: 'a' })).toEqual([0, 2]);
    expect(value(policy, { xs: { k1: 1, k2: 2, k3: 1 }, want: 1 })).toEqual(['k1', 'k3']);
    expect(value(policy, { xs: [], want: 1 })).toEqual([]);
    expect(value(policy, { xs: 'not a collection', want: 1 })).toEqual([]);
  });

  it('scans sets (built from constants)', async () => {
    const set: ConstValue = { type: 'set', items: [num('3'), num('1'), num('2')] };
    const policy = await load(single([set], rule('p', 7, 3, [
      { op: 'const', index: 0, target: 2 },
      { op: 'makeArray', capacity: 0, target: 3 },
      { op: 'scan', source: 2, key: 4, value: 5, body: [
        { op: 'equal', a: 4, b: 5 },
        { op: 'arrayAppend', array: 3, value: 5 },
      ] },
    ])));
    expect(value(policy)).toEqual([1, 2, 3]);
  });

  it('nests scans and leaves only the innermost block on failure', async () => {
    // pairs of (x, y) from input.xs with x != y
    const policy = await load(single([str('xs')], rule('p', 10, 4, [
      ...dotInput(0, 2, 3),
      { op: 'makeArray', capacity: 0, target: 4 },
      { op: 'scan', source: 3, key: 5, value: 6, body: [
        { op: 'scan', source: 3, key: 7, value: 8, body: [
          { op: 'notEqual', a: 6, b: 8 },
          { op: 'makeArray', capacity: 2, target: 9 },
          { op: 'arrayAppend', array: 9, value: 6 },
          { op: 'arrayAppend', array: 9, value: 8 },
          { op: 'arrayAppend', array: 4, value: 9 },
        ] },
      ] },
    ])));
    expect(value(policy, { xs: [1, 2] })).toEqual([[1, 2], [2, 1]]);
  });

  it('negates with not and contains failures in blocks', async () => {
    // p = "no x" if not input.x, and p stays defined when a nested block fails
    const policy = await load(single([str('x'), str('no x'), bool(true)], rule('p', 6, 5, [
      { op: 'block', body: [{ op: 'const', index: 2, target: 4 }, { op: 'isUndefined', source: 4 }] },
      { op: 'not', body: dotInput(0, 2, 3) },
      { op: 'const', index: 1, target: 5 },
    ])));
    expect(value(policy, {})).toBe('no x');
    expect(value(policy, { x: false })).toBeUndefined();
  });

  it('tests truth, definedness and types', async () => {
    const policy = await load(single([str('x'), str('ok')], rule('p', 6, 5, [
      ...dotInput(0, 2, 3),
      { op: 'isDefined', source: 3 },
      { op: 'isTrue', source: 3 },
      { op: 'isType', source: 3, type: 'object' },
      { op: 'const', index: 1, target: 5 },
    ])));
    expect(value(policy, { x: {} })).toBe('ok');
    expect(value(policy, { x: false })).toBeUndefined();
    expect(value(policy, { x: true })).toBeUndefined();
    expect(value(policy, {})).toBeUndefined();
  });

  it('returns early with return', async () => {
    const policy = await load(single([str('early'), str('late')], rule('p', 4, 3, [
      { op: 'const', index: 0, target: 2 },
      { op: 'return', source: 2 },
      { op: 'const', index: 1, target: 3 },
    ])));
    expect(value(policy)).toBe('early');
  });

  it('calls other functions with arguments; an undefined result fails the caller', async () => {
    // wrap(input, data, x) = [x] when x is not "skip"
    const wrap: Func = { name: 'wrap', params: 3, locals: 5, result: 4, origin: 'data.test.wrap', body: [
      { op: 'const', index: 1, target: 3 },
      { op: 'notEqual', a: 2, b: 3 },
      { op: 'makeArray', capacity: 1, target: 4 },
      { op: 'arrayAppend', array: 4, value: 2 },
    ] };
    const policy = await load(single([str('x'), str('skip'), str('fallback')], rule('p', 6, 5, [
      ...dotInput(0, 2, 3),
      { op: 'const', index: 2, target: 5 },
      { op: 'call', func: 'wrap', args: [INPUT, DATA, 3], target: 4 },
      { op: 'assign', source: 4, target: 5 },
    ]), 0, [wrap]));
    expect(value(policy, { x: 1 })).toEqual([1]);
    expect(value(policy, { x: 'skip' })).toBe('fallback');
  });

  it('rejects plans that name unknown functions or locals', async () => {
    await expect(emit(single([], rule('p', 3, 2, [{ op: 'call', func: 'nope', args: [], target: 2 }])))).rejects.toThrow(/unknown function nope/);
    await expect(emit(single([], rule('p', 3, 2, [{ op: 'assign', source: 7, target: 2 }])))).rejects.toThrow(/local 7/);
    await expect(emit(single([], rule('p', 3, 2, [{ op: 'const', index: 0, target: 2 }])))).rejects.toThrow(/constant 0/);
    await expect(emit(single([], rule('p', 3, 2, [{ op: 'memoGet', slot: 1, target: 2 }]), 1))).rejects.toThrow(/memo slot 1/);
    const twice: Plan = { ...single([], rule('p', 3, 2, [])), entrypoints: [{ name: 'a/p', func: 'p' }, { name: 'a/p', func: 'p' }] };
    await expect(emit(twice)).rejects.toThrow(/planned twice/);
    const dangling: Plan = { ...single([], rule('p', 3, 2, [])), entrypoints: [{ name: 'a/q', func: 'q' }] };
    await expect(emit(dangling)).rejects.toThrow(/unknown function q/);
  });
});

describe('emitter: repeated lookups', () => {
  // A path looked up more than once in a function is kept in a local for the rest of the call (lookup-cache.ts).
  it('looks a path up once per call, never answering for another evaluation or a `with` override', async () => {
    const text = [
      'package l',
      'kind := input.operation.kind',
      'both := [input.operation.kind, k] if k := kind with input.operation.kind as "ssh"',
      'seen contains x if { some x in input.items; input.operation.kind == "postgres" }',
      'seen contains "no kind" if not input.operation.kind',
    ].join('\n');
    const compiled = await compilePolicy([{ file: 'l.rego', text }], ['l/both', 'l/seen']);
    const policy = await loadPolicy(compiled.wasm);
    const postgres = { operation: { kind: 'postgres' }, items: [1, 2] };
    expect(value(policy, postgres, 'l/both')).toEqual(['postgres', 'ssh']);
    expect(value(policy, postgres, 'l/seen')).toEqual([1, 2]);
    expect(value(policy, { operation: { kind: 'http' }, items: [1] }, 'l/both')).toEqual(['http', 'ssh']);
    expect(value(policy, { operation: { kind: 'http' }, items: [1] }, 'l/seen')).toEqual([]);
    expect(value(policy, { items: [1] }, 'l/both')).toBeUndefined();
    expect(value(policy, { items: [1] }, 'l/seen')).toEqual(['no kind']);
    expect(value(policy, postgres, 'l/seen')).toEqual([1, 2]);
  });

  it('keeps no lookups at all when the plan changes a collection it did not just make', () => {
    // g adds to its parameter; f passes g either a set it has just made or its own input.
    const g: Func = { name: 'g', params: 3, locals: 4, result: 2, origin: 'g', body: [
      { op: 'const', index: 0, target: 3 },
      { op: 'setAdd', set: 2, value: 3 },
    ] };
    const f = (passed: 'fresh' | 'input'): Func => rule('f', 4, 3, [
      { op: 'makeSet', target: 2 },
      { op: 'call', func: 'g', args: [0, 1, passed === 'fresh' ? 2 : 0], target: 3 },
    ]);
    const plan = (passed: 'fresh' | 'input') => single([{ type: 'string', value: 'x' }], f(passed), 0, [g]);
    expect(changesOnlyNewCollections(plan('fresh'))).toBe(true);
    expect(changesOnlyNewCollections(plan('input'))).toBe(false);
  });
});

describe('emitter: builtins', () => {
  it('calls native builtins in the runtime', async () => {
    const policy = await load(single([str('xs')], rule('p', 5, 4, [
      ...dotInput(0, 2, 3),
      { op: 'callBuiltin', name: 'count', args: [3], target: 4 },
    ])));
    expect(value(policy, { xs: [1, 2, 3] })).toBe(3);
    expect(value(policy, { xs: 'héllo' })).toBe(5);
    expect(value(policy, { xs: 7 })).toBeUndefined();
  });

  it('calls host builtins through opa_builtin<N> with the ids the builtins export announces', async () => {
    const calls: unknown[][] = [];
    const builtins: Builtins = {
      'custom.zero': () => 'zero',
      'custom.pair': (a, b) => { calls.push([a, b]); return [a, b]; },
      'custom.four': (a, b, c, d) => a + b + c + d,
      'custom.nothing': () => undefined,
    };
    const policy = await load(single([str('a'), num('2')], rule('p', 9, 8, [
      { op: 'const', index: 0, target: 2 },
      { op: 'const', index: 1, target: 3 },
      { op: 'callBuiltin', name: 'custom.zero', args: [], target: 4 },
      { op: 'callBuiltin', name: 'custom.pair', args: [2, 3], target: 5 },
      { op: 'callBuiltin', name: 'custom.four', args: [3, 3, 3, 3], target: 6 },
      { op: 'makeArray', capacity: 3, target: 8 },
      { op: 'arrayAppend', array: 8, value: 4 },
      { op: 'arrayAppend', array: 8, value: 5 },
      { op: 'arrayAppend', array: 8, value: 6 },
      { op: 'block', body: [
        { op: 'callBuiltin', name: 'custom.nothing', args: [], target: 7 },
        { op: 'arrayAppend', array: 8, value: 7 },
      ] },
    ])), builtins);
    expect(value(policy)).toEqual(['zero', ['a', 2], 8]);
    expect(calls).toEqual([['a', 2]]);
  });

  it('does not pass undefined arguments to builtins', async () => {
    let called = false;
    const policy = await load(single([str('missing'), str('ok')], rule('p', 6, 5, [
      { op: 'const', index: 1, target: 5 },
      { op: 'block', body: [
        ...dotInput(0, 2, 3),
        { op: 'callBuiltin', name: 'custom.f', args: [3], target: 4 },
        { op: 'reset', target: 5 },
      ] },
    ])), { 'custom.f': () => { called = true; return 1; } });
    expect(value(policy, {})).toBe('ok');
    expect(called).toBe(false);
  });

  it('refuses host builtins with more arguments than the ABI passes', async () => {
    await expect(emit(single([], rule('p', 8, 2, [
      { op: 'callBuiltin', name: 'custom.five', args: [0, 1, 3, 4, 5], target: 2 },
    ])))).rejects.toThrow(/at most 4/);
  });

  it('prints values, strings unquoted and undefined as <undefined>', async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const policy = await load(single([str('hi "there"\n\t\u0001\\'), { type: 'array', items: [num('1'), str('x')] }, bool(true)], rule('p', 6, 5, [
        { op: 'const', index: 0, target: 2 },
        { op: 'const', index: 1, target: 3 },
        { op: 'print', args: [2, 3, 4] },
        { op: 'print', args: [] },
        { op: 'const', index: 2, target: 5 },
      ])));
      expect(value(policy)).toBe(true);
    } finally {
      console.log = original;
    }
    expect(lines).toEqual(['hi "there"\n\t\u0001\\ [1,"x"] <undefined>', '']);
  });
});

describe('emitter: memo', () => {
  // f = tick() memoized in slot 0; p = [f, f]
  const memoPlan = (): Plan => {
    const f: Func = { name: 'f', params: 2, locals: 4, result: 2, origin: 'data.test.f', body: [
      { op: 'block', body: [{ op: 'memoGet', slot: 0, target: 3 }, { op: 'return', source: 3 }] },
      { op: 'block', body: [{ op: 'callBuiltin', name: 'test.tick', args: [], target: 2 }] },
      { op: 'memoSet', slot: 0, source: 2 },
    ] };
    return single([], rule('p', 5, 4, [
      { op: 'call', func: 'f', args: [INPUT, DATA], target: 2 },
      { op: 'call', func: 'f', args: [INPUT, DATA], target: 3 },
      { op: 'makeArray', capacity: 2, target: 4 },
      { op: 'arrayAppend', array: 4, value: 2 },
      { op: 'arrayAppend', array: 4, value: 3 },
    ]), 1, [f]);
  };

  it('computes a memoized value once per evaluation and again in the next one', async () => {
    let ticks = 0;
    const policy = await load(memoPlan(), { 'test.tick': () => ++ticks });
    expect(value(policy)).toEqual([1, 1]);
    expect(value(policy)).toEqual([2, 2]);
    expect(ticks).toBe(2);
  });

  it('remembers an undefined value as computed', async () => {
    let ticks = 0;
    const policy = await load(memoPlan(), { 'test.tick': () => { ticks++; return undefined; } });
    expect(value(policy)).toBeUndefined();
    expect(ticks).toBe(1);
  });
});

describe('emitter: conflicts', () => {
  it('aborts with "var assignment conflict" and the location when a complete rule has two values', async () => {
    const policy = await load(single([str('xs')], rule('p', 7, 4, [
      ...dotInput(0, 2, 3),
      { op: 'scan', source: 3, key: 5, value: 6, body: [
        { op: 'assignOnce', source: 6, target: 4, loc: 'policy.rego:3:1' },
      ] },
    ])));
    expect(value(policy, { xs: [1, 1] })).toBe(1);
    expect(() => policy.evaluate({ xs: [1, 2] })).toThrow(/policy\.rego:3:1: var assignment conflict/);
    // the instance stays usable after an abort
    expect(value(policy, { xs: [5] })).toBe(5);
  });

  it('aborts with "object insert conflict" for two values under one key', async () => {
    const policy = await load(single([str('xs'), str('k')], rule('p', 8, 4, [
      ...dotInput(0, 2, 3),
      { op: 'const', index: 1, target: 7 },
      { op: 'makeObject', target: 4 },
      { op: 'scan', source: 3, key: 5, value: 6, body: [
        { op: 'objectInsertOnce', object: 4, key: 7, value: 6, loc: 'policy.rego:4:1' },
      ] },
    ])));
    expect(value(policy, { xs: ['a', 'a'] })).toEqual({ k: 'a' });
    expect(() => policy.evaluate({ xs: ['a', 'b'] })).toThrow(/policy\.rego:4:1: object insert conflict/);
  });

  it('merges objects and aborts on a merge conflict', async () => {
    const policy = await load(single([str('a'), str('b')], rule('p', 6, 4, [
      ...dotInput(0, 2, 4),
      { op: 'const', index: 1, target: 3 },
      { op: 'dot', source: INPUT, key: 3, target: 5 },
      { op: 'objectMerge', target: 4, source: 5, loc: 'policy.rego:5:1' },
    ])));
    expect(value(policy, { a: { x: 1 }, b: { y: { z: 2 } } })).toEqual({ x: 1, y: { z: 2 } });
    expect(() => policy.evaluate({ a: { x: 1 }, b: { x: 2 } })).toThrow(/object insert conflict/);
  });
});

describe('emitter: entrypoints and evaluations', () => {
  it('dispatches several entrypoints by id and by name', async () => {
    const plan: Plan = {
      consts: [str('one'), str('two')],
      funcs: [rule('a', 3, 2, [{ op: 'const', index: 0, target: 2 }]), rule('b', 3, 2, [{ op: 'const', index: 1, target: 2 }])],
      entrypoints: [{ name: 'test/a', func: 'a' }, { name: 'test/b', func: 'b' }],
      memoSlots: 0,
    };
    const { entrypoints } = await emit(plan);
    expect(entrypoints).toEqual({ 'test/a': 0, 'test/b': 1 });
    const policy = await load(plan);
    expect(policy.entrypoints).toEqual({ 'test/a': 0, 'test/b': 1 });
    expect(value(policy, undefined, 'test/a')).toBe('one');
    expect(value(policy, undefined, 'test/b')).toBe('two');
    expect(value(policy, undefined, 1)).toBe('two');
    expect(() => policy.evaluate(undefined, 2)).toThrow(/invalid entrypoint id/);
  });

  it('reads data set with setData', async () => {
    const policy = await load(single([str('roles')], rule('p', 4, 3, [
      { op: 'const', index: 0, target: 2 },
      { op: 'dot', source: DATA, key: 2, target: 3 },
    ])));
    expect(value(policy)).toBeUndefined();
    policy.setData({ roles: ['admin'] });
    expect(value(policy)).toEqual(['admin']);
  });

  it('evaluates many times without growing memory, and constants survive large inputs', async () => {
    const list: ConstValue = { type: 'array', items: [str('keep'), { type: 'object', entries: [[str('me'), num('1')]] }] };
    const policy = await load(single([list, str('xs')], rule('p', 8, 4, [
      // copy the constant before appending to it, as the planner does, then add input.xs's elements
      { op: 'const', index: 0, target: 2 },
      { op: 'makeArray', capacity: 0, target: 4 },
      { op: 'scan', source: 2, key: 5, value: 6, body: [{ op: 'arrayAppend', array: 4, value: 6 }] },
      ...dotInput(1, 7, 3),
      { op: 'scan', source: 3, key: 5, value: 6, body: [{ op: 'arrayAppend', array: 4, value: 6 }] },
    ])));
    const big = { xs: Array.from({ length: 2000 }, (_, i) => `item-${i}`) };
    const bigResult = value(policy, big) as unknown[];
    expect(bigResult.length).toBe(2002);
    const { mem } = policy as unknown as { mem: WebAssembly.Memory };
    const pages = mem.buffer.byteLength;
    for (let i = 0; i < 5000; i++) value(policy, { xs: [i] });
    expect(mem.buffer.byteLength).toBe(pages);
    expect(value(policy, { xs: ['x'] })).toEqual(['keep', { me: 1 }, 'x']);
  });
});

describe('emitter: end to end from Rego text', () => {
  async function compileRego(text: string, entrypoints: string[], builtins: Builtins = {}): Promise<LoadedPolicy> {
    const { wasm } = await compilePolicy([{ file: 'policy.rego', text }], entrypoints);
    return loadPolicy(wasm, undefined, builtins);
  }

  it('evaluates rules, partial sets, comprehensions and functions', async () => {
    const policy = await compileRego(`package authz

default allow := false

allow if input.user == "admin"

roles contains r if {
  some r in input.roles
  r != "guest"
}

names := [u.name | some u in input.users]

double(x) := x * 2

doubled := double(input.n)
`, ['authz/allow', 'authz/roles', 'authz/names', 'authz/doubled', 'authz']);
    const input = { user: 'admin', roles: ['a', 'guest', 'b'], users: [{ name: 'x' }, { name: 'y' }], n: 21 };
    expect(value(policy, input, 'authz/allow')).toBe(true);
    expect(value(policy, { user: 'eve' }, 'authz/allow')).toBe(false);
    expect(value(policy, input, 'authz/roles')).toEqual(['a', 'b']);
    expect(value(policy, input, 'authz/names')).toEqual(['x', 'y']);
    expect(value(policy, input, 'authz/doubled')).toBe(42);
    expect(value(policy, input, 'authz')).toEqual({ allow: true, doubled: 42, names: ['x', 'y'], roles: ['a', 'b'] });
  });

  it('reports a complete rule with two values as a var assignment conflict at the rule', async () => {
    const policy = await compileRego(`package t

p := 1 if input.a

p := 2 if input.b
`, ['t/p']);
    expect(value(policy, { a: true }, 't/p')).toBe(1);
    expect(() => policy.evaluate({ a: true, b: true }, 't/p')).toThrow(/policy\.rego:\d+:\d+: var assignment conflict/);
  });

  it('reports two values for one object key as an object insert conflict', async () => {
    const policy = await compileRego(`package t

o[k] := v if {
  some item in input.items
  k := item.k
  v := item.v
}
`, ['t/o']);
    expect(value(policy, { items: [{ k: 'a', v: 1 }, { k: 'b', v: 2 }] }, 't/o')).toEqual({ a: 1, b: 2 });
    expect(() => policy.evaluate({ items: [{ k: 'a', v: 1 }, { k: 'a', v: 2 }] }, 't/o')).toThrow(/object insert conflict/);
  });

  it('prints through opa_println and calls host builtins', async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const policy = await compileRego(`package t

greeting := g if {
  g := semver.compare(input.a, input.b)
  print("compared", input.a, g, input.missing)
}
`, ['t/greeting'], { 'semver.compare': (a: string, b: string) => a.localeCompare(b) });
      expect(value(policy, { a: '1.0.0', b: '2.0.0' }, 't/greeting')).toBe(-1);
    } finally {
      console.log = original;
    }
    expect(lines).toEqual(['compared 1.0.0 -1 <undefined>']);
  });
});

describe('emitter: constants stay constant', () => {
  it('leaves everything below the heap base untouched while rules copy and extend constants', async () => {
    const { wasm } = await compilePolicy([{ file: 'policy.rego', text: `package t

base := {"a": [1, 2], "b": {"c": 3}, "s": {"x", "y"}}

extended := object.union(base, {"d": input.d})

appended := array.concat(base.a, [input.x])

grown := base.s | {input.x}

rebuilt[k] := v if {
  some k, v in base
}
` }], ['t/extended', 't/appended', 't/grown', 't/rebuilt', 't/base']);
    const policy = await loadPolicy(wasm);
    const input = { d: 4, x: 'z' };
    const evaluateAll = () => ['t/extended', 't/appended', 't/grown', 't/rebuilt'].map((e) => value(policy, input, e));
    const first = evaluateAll(); // lets the runtime fill its lazy caches (string hashes) once
    const { mem, dataHeapPtr } = policy as unknown as { mem: WebAssembly.Memory; dataHeapPtr: number };
    const before = new Uint8Array(mem.buffer, 0, dataHeapPtr).slice();
    for (let i = 0; i < 50; i++) expect(evaluateAll()).toEqual(first);
    expect(new Uint8Array(mem.buffer, 0, dataHeapPtr)).toEqual(before);
    expect(value(policy, input, 't/base')).toEqual({ a: [1, 2], b: { c: 3 }, s: ['x', 'y'] });
    expect(first).toEqual([
      { a: [1, 2], b: { c: 3 }, s: ['x', 'y'], d: 4 },
      [1, 2, 'z'],
      ['x', 'y', 'z'],
      { a: [1, 2], b: { c: 3 }, s: ['x', 'y'] },
    ]);
  });
});
