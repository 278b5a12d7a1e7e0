// A direct interpreter of the planner's IR, for tests only: it checks that plans mean what Rego means without
// needing the WASM emitter and runtime, and gives the emitter a reference to compare against. Values are plain
// JS (numbers as doubles); only the few builtins the planner tests call are implemented.
import type { Block, ConstValue, Func, Plan } from '../rego/plan/ir.js';

export type Value = null | boolean | number | string | Value[] | ObjectValue | SetValue;

export class ObjectValue {
  readonly entries = new Map<string, [Value, Value]>();
  get(k: Value): Value | undefined {
    return this.entries.get(keyOf(k))?.[1];
  }
  set(k: Value, v: Value): void {
    this.entries.set(keyOf(k), [k, v]);
  }
}

export class SetValue {
  readonly items = new Map<string, Value>();
  add(v: Value): void {
    this.items.set(keyOf(v), v);
  }
}

/** A canonical text: equal values (objects and sets in any order) give the same text. */
export function keyOf(v: Value): string {
  if (v instanceof ObjectValue) {
    return `{${[...v.entries.values()].map(([k, x]) => `${keyOf(k)}:${keyOf(x)}`).sort().join(',')}}`;
  }
  if (v instanceof SetValue) return `set(${[...v.items.keys()].sort().join(',')})`;
  if (Array.isArray(v)) return `[${v.map(keyOf).join(',')}]`;
  return JSON.stringify(v);
}

export function fromJSON(x: unknown): Value {
  if (x === null || typeof x === 'boolean' || typeof x === 'number' || typeof x === 'string') return x;
  if (Array.isArray(x)) return x.map(fromJSON);
  const o = new ObjectValue();
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) o.set(k, fromJSON(v));
  return o;
}

/** JSON-like output; sets become sorted arrays, as OPA prints them. */
export function toJSON(v: Value): unknown {
  if (v instanceof ObjectValue) {
    return Object.fromEntries([...v.entries.values()].map(([k, x]) => [typeof k === 'string' ? k : JSON.stringify(toJSON(k)), toJSON(x)]));
  }
  if (v instanceof SetValue) return [...v.items.values()].sort((a, b) => compare(a, b)).map(toJSON);
  if (Array.isArray(v)) return v.map(toJSON);
  return v;
}

function typeRank(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  if (v instanceof ObjectValue) return 5;
  return 6;
}

function compare(a: Value, b: Value): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean') return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
  const ka = keyOf(a);
  const kb = keyOf(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function fromConst(c: ConstValue): Value {
  switch (c.type) {
    case 'null':
      return null;
    case 'boolean':
      return c.value;
    case 'number':
      return Number(c.text);
    case 'string':
      return c.value;
    case 'array':
      return c.items.map(fromConst);
    case 'set': {
      const s = new SetValue();
      c.items.forEach((i) => s.add(fromConst(i)));
      return s;
    }
    case 'object': {
      const o = new ObjectValue();
      c.entries.forEach(([k, v]) => o.set(fromConst(k), fromConst(v)));
      return o;
    }
  }
}

type Builtin = (...args: Value[]) => Value | undefined;

const num = (f: (a: number, b: number) => number | boolean): Builtin => (a, b) =>
  typeof a === 'number' && typeof b === 'number' ? f(a, b) : undefined;

function sizeOf(v: Value): number | undefined {
  if (Array.isArray(v)) return v.length;
  if (v instanceof ObjectValue) return v.entries.size;
  if (v instanceof SetValue) return v.items.size;
  if (typeof v === 'string') return [...v].length;
  return undefined;
}

function member(x: Value, coll: Value): boolean {
  if (Array.isArray(coll)) return coll.some((e) => keyOf(e) === keyOf(x));
  if (coll instanceof SetValue) return coll.items.has(keyOf(x));
  if (coll instanceof ObjectValue) return [...coll.entries.values()].some(([, v]) => keyOf(v) === keyOf(x));
  return false;
}

const BUILTINS: Record<string, Builtin> = {
  equal: (a, b) => keyOf(a) === keyOf(b),
  neq: (a, b) => keyOf(a) !== keyOf(b),
  lt: (a, b) => compare(a, b) < 0,
  lte: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  gte: (a, b) => compare(a, b) >= 0,
  plus: num((a, b) => a + b),
  minus: num((a, b) => a - b),
  mul: num((a, b) => a * b),
  count: (a) => sizeOf(a),
  'internal.member_2': (x, c) => member(x, c),
  concat: (sep, xs) => (typeof sep === 'string' && Array.isArray(xs) ? xs.join(sep) : undefined),
};

class Abort extends Error {}

class Return {
  constructor(readonly value: Value | undefined) {}
}

export class Interpreter {
  private readonly consts: Value[];
  private readonly funcs: Map<string, Func>;
  private memo = new Map<number, Value | undefined>();
  readonly printed: string[] = [];

  constructor(
    private readonly plan: Plan,
    private readonly builtins: Record<string, Builtin> = {},
  ) {
    this.consts = plan.consts.map(fromConst);
    this.funcs = new Map(plan.funcs.map((f) => [f.name, f]));
  }

  /** The entrypoint's value, or undefined; throws Error("...conflict...") where the module would abort. */
  evaluate(entrypoint: string, input: Value | undefined, data: Value): Value | undefined {
    const e = this.plan.entrypoints.find((x) => x.name === entrypoint);
    if (!e) throw new Error(`no entrypoint ${entrypoint}`);
    this.memo = new Map();
    return this.call(e.func, [input as Value, data]);
  }

  private call(name: string, args: Array<Value | undefined>): Value | undefined {
    const f = this.funcs.get(name);
    if (!f) throw new Error(`no function ${name}`);
    if (args.length !== f.params) throw new Error(`${name} takes ${f.params} arguments, got ${args.length}`);
    const locals: Array<Value | undefined> = new Array(f.locals).fill(undefined);
    args.forEach((a, i) => (locals[i] = a));
    try {
      this.block(f.body, locals);
    } catch (e) {
      if (e instanceof Return) return e.value;
      throw e;
    }
    return locals[f.result];
  }

  private block(block: Block, locals: Array<Value | undefined>): boolean {
    for (const s of block) {
      if (!this.stmt(s, locals)) return false;
    }
    return true;
  }

  private stmt(s: Block[number], L: Array<Value | undefined>): boolean {
    const get = (i: number): Value | undefined => L[i];
    switch (s.op) {
      case 'const':
        L[s.target] = this.consts[s.index];
        return true;
      case 'assign':
        L[s.target] = L[s.source];
        return true;
      case 'reset':
        L[s.target] = undefined;
        return true;
      case 'dot': {
        const v = dot(get(s.source), get(s.key));
        if (v === undefined) return false;
        L[s.target] = v;
        return true;
      }
      case 'len': {
        const src = get(s.source);
        const n = src === undefined ? undefined : sizeOf(src);
        if (n === undefined) return false;
        L[s.target] = n;
        return true;
      }
      case 'makeArray':
        L[s.target] = [];
        return true;
      case 'makeObject':
        L[s.target] = new ObjectValue();
        return true;
      case 'makeSet':
        L[s.target] = new SetValue();
        return true;
      case 'arrayAppend':
        (get(s.array) as Value[]).push(defined(get(s.value)));
        return true;
      case 'setAdd':
        (get(s.set) as SetValue).add(defined(get(s.value)));
        return true;
      case 'objectInsert':
        (get(s.object) as ObjectValue).set(defined(get(s.key)), defined(get(s.value)));
        return true;
      case 'objectInsertOnce': {
        const o = get(s.object) as ObjectValue;
        const k = defined(get(s.key));
        const v = defined(get(s.value));
        const old = o.get(k);
        if (old !== undefined && keyOf(old) !== keyOf(v)) throw new Abort(`${s.loc}: object insert conflict`);
        o.set(k, v);
        return true;
      }
      case 'objectMerge': {
        const merged = merge(get(s.target), get(s.source));
        if (merged === undefined) throw new Abort(`${s.loc}: object merge conflict`);
        L[s.target] = merged;
        return true;
      }
      case 'assignOnce': {
        const old = get(s.target);
        const v = get(s.source);
        if (old !== undefined && v !== undefined && keyOf(old) !== keyOf(v)) throw new Abort(`${s.loc}: var assignment conflict`);
        if (old === undefined) L[s.target] = v;
        return true;
      }
      case 'equal':
      case 'notEqual': {
        const a = get(s.a);
        const b = get(s.b);
        if (a === undefined || b === undefined) return false;
        return (keyOf(a) === keyOf(b)) === (s.op === 'equal');
      }
      case 'isTrue': {
        const v = get(s.source);
        return v !== undefined && v !== false;
      }
      case 'isDefined':
        return get(s.source) !== undefined;
      case 'isUndefined':
        return get(s.source) === undefined;
      case 'isType': {
        const v = get(s.source);
        if (v === undefined) return false;
        const names = ['null', 'boolean', 'number', 'string', 'array', 'object', 'set'];
        return names[typeRank(v)] === s.type;
      }
      case 'block':
        this.block(s.body, L);
        return true;
      case 'scan': {
        for (const [k, v] of entries(get(s.source))) {
          L[s.key] = k;
          L[s.value] = v;
          this.block(s.body, L);
        }
        return true;
      }
      case 'not':
        return !this.block(s.body, L);
      case 'return':
        throw new Return(get(s.source));
      case 'call': {
        const v = this.call(s.func, s.args.map(get));
        if (v === undefined) return false;
        L[s.target] = v;
        return true;
      }
      case 'callBuiltin': {
        const f = this.builtins[s.name] ?? BUILTINS[s.name];
        if (!f) throw new Error(`interpreter: no builtin ${s.name}`);
        const args = s.args.map(get);
        if (args.some((a) => a === undefined)) return false;
        const v = f(...(args as Value[]));
        if (v === undefined) return false;
        L[s.target] = v;
        return true;
      }
      case 'print':
        this.printed.push(s.args.map((a) => (get(a) === undefined ? '<undefined>' : JSON.stringify(toJSON(get(a) as Value)))).join(' '));
        return true;
      case 'memoGet':
        if (!this.memo.has(s.slot)) return false;
        L[s.target] = this.memo.get(s.slot);
        return true;
      case 'memoSet':
        this.memo.set(s.slot, get(s.source));
        return true;
    }
  }
}

function defined(v: Value | undefined): Value {
  if (v === undefined) throw new Error('interpreter: undefined value stored in a collection');
  return v;
}

function dot(src: Value | undefined, key: Value | undefined): Value | undefined {
  if (src === undefined || key === undefined) return undefined;
  if (Array.isArray(src)) return typeof key === 'number' && Number.isInteger(key) ? src[key] : undefined;
  if (src instanceof ObjectValue) return src.get(key);
  if (src instanceof SetValue) return src.items.has(keyOf(key)) ? key : undefined;
  return undefined;
}

function entries(src: Value | undefined): Array<[Value, Value]> {
  if (Array.isArray(src)) return src.map((v, i) => [i, v]);
  if (src instanceof ObjectValue) return [...src.entries.values()];
  if (src instanceof SetValue) return [...src.items.values()].map((v) => [v, v]);
  return [];
}

function merge(a: Value | undefined, b: Value | undefined): Value | undefined {
  if (!(a instanceof ObjectValue) || !(b instanceof ObjectValue)) return undefined;
  const out = new ObjectValue();
  for (const [k, v] of a.entries.values()) out.set(k, v);
  for (const [k, v] of b.entries.values()) {
    const old = out.get(k);
    if (old === undefined) out.set(k, v);
    else if (old instanceof ObjectValue && v instanceof ObjectValue) {
      const m = merge(old, v);
      if (m === undefined) return undefined;
      out.set(k, m);
    } else if (keyOf(old) !== keyOf(v)) return undefined;
  }
  return out;
}
