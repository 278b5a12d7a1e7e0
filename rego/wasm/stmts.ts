// IR statements to binaryen expressions. Every IR block becomes a labelled wasm block and a failing statement
// branches to the innermost one, which is exactly the IR's rule "a failure leaves the innermost block".
import binaryen from 'binaryen';
import type { Block, Func, Local, Stmt } from '../plan/ir.js';
import { builtinCall } from './builtin-call.js';
import { abort, type EmitContext } from './context.js';
import { cachedLookups } from './lookup-cache.js';
import { printStatement } from './print.js';
import { constGlobal, planFunction } from './names.js';

const i32 = binaryen.i32;
type Expr = binaryen.ExpressionRef;

/** OPA's type codes, as the runtime's opa_value_type returns them. */
const TYPE_CODE = { null: 1, boolean: 2, number: 3, string: 4, array: 5, object: 6, set: 7 } as const;

/** Adds the wasm function for one planned function. */
export function compileFunction(ctx: EmitContext, func: Func): void {
  if (!Number.isInteger(func.params) || func.params < 0 || func.params > func.locals) {
    throw new Error(`emitter: function ${func.name} has ${func.params} params but ${func.locals} locals`);
  }
  const compiler = new FuncCompiler(ctx, func);
  const body = compiler.functionBody();
  const params = binaryen.createType(new Array<binaryen.Type>(func.params).fill(i32));
  const vars = new Array<binaryen.Type>(func.locals - func.params + compiler.scratchLocals).fill(i32);
  ctx.module.addFunction(planFunction(func.name), params, i32, vars, body);
}

/** A lookup cache slot's value before its path's first lookup in a call: no value pointer is 1 (they are aligned). */
const NOT_LOOKED_UP = 1;

class FuncCompiler {
  scratchLocals = 0;
  private readonly labels: string[] = [];
  private labelCount = 0;
  private readonly m: binaryen.Module;
  /** dot statement to the scratch local caching its path's value (see lookup-cache.ts) */
  private readonly lookupSlots = new Map<Stmt, number>();
  private readonly slotLocals: number[] = [];

  constructor(
    private readonly ctx: EmitContext,
    private readonly func: Func,
  ) {
    this.m = ctx.module;
    for (const [stmt, ordinal] of ctx.cacheLookups ? cachedLookups(func) : []) {
      while (this.slotLocals.length <= ordinal) this.slotLocals.push(this.scratch());
      this.lookupSlots.set(stmt, this.slotLocals[ordinal]);
    }
  }

  functionBody(): Expr {
    const m = this.m;
    const clearSlots = this.slotLocals.map((l) => m.local.set(l, m.i32.const(NOT_LOOKED_UP)));
    return m.block(null, [...clearSlots, this.block(this.func.body), this.get(this.func.result)], i32);
  }

  /** A labelled block that a failure inside `body` leaves; `tail` runs after body when nothing failed. */
  private block(body: Block, tail: Expr[] = []): Expr {
    const label = `L${this.labelCount++}`;
    this.labels.push(label);
    const children = body.map((s) => this.stmt(s));
    this.labels.pop();
    return this.m.block(label, [...children, ...tail]);
  }

  private get failLabel(): string {
    return this.labels[this.labels.length - 1];
  }

  private failIf(condition: Expr): Expr {
    return this.m.br(this.failLabel, condition);
  }

  private local(l: Local): number {
    if (!Number.isInteger(l) || l < 0 || l >= this.func.locals) {
      throw new Error(`emitter: function ${this.func.name} uses local ${l} of ${this.func.locals}`);
    }
    return l;
  }

  private get(l: Local): Expr {
    return this.m.local.get(this.local(l), i32);
  }

  private set(l: Local, value: Expr): Expr {
    return this.m.local.set(this.local(l), value);
  }

  /** A fresh wasm local beyond the IR's, for values the IR does not name (scan cursors, lookups). */
  private scratch(): number {
    return this.func.locals + this.scratchLocals++;
  }

  /** 1 when any of the locals is undefined. */
  private anyUndefined(locals: Local[]): Expr {
    return locals.map((l) => this.m.i32.eqz(this.get(l))).reduce((a, b) => this.m.i32.or(a, b));
  }

  /** `call` when every argument is defined, else 0; runtime functions are not asked to handle undefined. */
  private whenDefined(locals: Local[], call: Expr): Expr {
    if (locals.length === 0) return call;
    return this.m.if(this.anyUndefined(locals), this.m.i32.const(0), call);
  }

  /** target := value; fails when it is undefined. The target is set first: later code may test it. */
  private setOrFail(target: Local, value: Expr): Expr {
    return this.m.block(null, [this.set(target, value), this.failIf(this.m.i32.eqz(this.get(target)))]);
  }

  private runtime(name: string, args: Expr[]): Expr {
    return this.ctx.runtime.call(name, args);
  }

  private effect(name: string, args: Expr[]): Expr {
    return this.ctx.runtime.callForEffect(name, args);
  }

  private stmt(s: Stmt): Expr {
    const m = this.m;
    switch (s.op) {
      case 'const':
        if (!Number.isInteger(s.index) || s.index < 0 || s.index >= this.ctx.constCount) {
          throw new Error(`emitter: function ${this.func.name} uses constant ${s.index} of ${this.ctx.constCount}`);
        }
        return this.set(s.target, m.global.get(constGlobal(s.index), i32));
      case 'assign':
        return this.set(s.target, this.get(s.source));
      case 'reset':
        return this.set(s.target, m.i32.const(0));
      case 'dot':
        return this.dot(s);
      case 'len':
        // `count` is the builtin with exactly this meaning (code points for strings, undefined for scalars).
        return this.setOrFail(s.target, this.whenDefined([s.source], builtinCall(this.ctx, 'count', [this.get(s.source)])));
      case 'makeArray':
        if (!Number.isInteger(s.capacity) || s.capacity < 0) throw new Error(`emitter: bad array capacity ${s.capacity}`);
        return this.set(s.target, this.runtime('opa_array_with_cap', [m.i32.const(s.capacity)]));
      case 'makeObject':
        return this.set(s.target, this.runtime('opa_object', []));
      case 'makeSet':
        return this.set(s.target, this.runtime('opa_set', []));
      case 'arrayAppend':
        return this.mutation([s.array, s.value], 'opa_array_append');
      case 'setAdd':
        return this.mutation([s.set, s.value], 'opa_set_add');
      case 'objectInsert':
        return this.mutation([s.object, s.key, s.value], 'opa_object_insert');
      case 'objectInsertOnce':
        return this.objectInsertOnce(s.object, s.key, s.value, s.loc);
      case 'objectMerge':
        return this.objectMerge(s.target, s.source, s.loc);
      case 'assignOnce':
        return this.assignOnce(s.target, s.source, s.loc);
      case 'equal':
        return this.failIf(m.if(this.anyUndefined([s.a, s.b]), m.i32.const(1), m.i32.eqz(this.equal(s.a, s.b))));
      case 'notEqual':
        return this.failIf(m.if(this.anyUndefined([s.a, s.b]), m.i32.const(1), this.equal(s.a, s.b)));
      case 'isTrue':
        return this.failIf(m.if(m.i32.eqz(this.get(s.source)), m.i32.const(1), this.isFalse(s.source)));
      case 'isDefined':
        return this.failIf(m.i32.eqz(this.get(s.source)));
      case 'isUndefined':
        return this.failIf(this.get(s.source));
      case 'isType':
        return this.failIf(
          m.if(
            m.i32.eqz(this.get(s.source)),
            m.i32.const(1),
            m.i32.ne(this.typeCode(s.source), m.i32.const(TYPE_CODE[s.type])),
          ),
        );
      case 'block':
        return this.block(s.body);
      case 'scan':
        return this.scan(s.source, s.key, s.value, s.body);
      case 'not':
        // The body's own block catches its failure, which lets execution go on; reaching the end fails outside.
        return this.block(s.body, [m.br(this.failLabel)]);
      case 'return':
        return m.return(this.get(s.source));
      case 'call':
        return this.call(s.func, s.args, s.target);
      case 'callBuiltin':
        return this.setOrFail(s.target, this.whenDefined(s.args, builtinCall(this.ctx, s.name, s.args.map((a) => this.get(a)))));
      case 'print':
        return printStatement(this.ctx, s.args.map((a) => this.get(a)));
      case 'memoGet':
        return this.ctx.memo.get(s.slot, this.local(s.target), this.failLabel);
      case 'memoSet':
        return this.ctx.memo.set(s.slot, this.local(s.source));
    }
  }

  // Conditions and type tests are the commonest statements: they read the value's header inline (the runtime's
  // layout, README "For the emitter": the type code is the first byte, a boolean's value the word at offset 4)
  // instead of calling opa_value_type / opa_value_is_false. The local must hold a defined value.
  private typeCode(value: Local): Expr {
    return this.m.i32.load8_u(0, 1, this.get(value));
  }

  private isFalse(value: Local): Expr {
    const m = this.m;
    return m.if(
      m.i32.eq(this.typeCode(value), m.i32.const(TYPE_CODE.boolean)),
      m.i32.eqz(m.i32.load(4, 4, this.get(value))),
      m.i32.const(0),
    );
  }

  /** A lookup; through its path's cache slot when the path is looked up more than once in the function. */
  private dot(s: Extract<Stmt, { op: 'dot' }>): Expr {
    const m = this.m;
    const lookup = this.whenDefined([s.source, s.key], this.runtime('opa_value_get', [this.get(s.source), this.get(s.key)]));
    const slot = this.lookupSlots.get(s);
    if (slot === undefined) return this.setOrFail(s.target, lookup);
    return m.block(null, [
      m.if(m.i32.eq(m.local.get(slot, i32), m.i32.const(NOT_LOOKED_UP)), m.local.set(slot, lookup)),
      this.setOrFail(s.target, m.local.get(slot, i32)),
    ]);
  }

  private equal(a: Local, b: Local): Expr {
    return this.runtime('opa_value_equal', [this.get(a), this.get(b)]);
  }

  /** Collection updates fail when a part is undefined rather than store a null pointer. */
  private mutation(parts: Local[], runtimeExport: string): Expr {
    return this.m.block(null, [
      this.failIf(this.anyUndefined(parts)),
      this.effect(runtimeExport, parts.map((p) => this.get(p))),
    ]);
  }

  private objectInsertOnce(object: Local, key: Local, value: Local, loc: string): Expr {
    const m = this.m;
    const existing = this.scratch();
    return m.block(null, [
      this.failIf(this.anyUndefined([object, key, value])),
      m.local.set(existing, this.runtime('opa_value_get', [this.get(object), this.get(key)])),
      m.if(
        m.local.get(existing, i32),
        m.if(
          m.i32.eqz(this.runtime('opa_value_equal', [m.local.get(existing, i32), this.get(value)])),
          abort(this.ctx, conflictMessage(loc, 'object insert conflict')),
        ),
        this.effect('opa_object_insert', [this.get(object), this.get(key), this.get(value)]),
      ),
    ]);
  }

  private objectMerge(target: Local, source: Local, loc: string): Expr {
    const m = this.m;
    const merged = this.scratch();
    return m.if(
      this.get(source),
      m.if(
        m.i32.eqz(this.get(target)),
        this.set(target, this.get(source)),
        m.block(null, [
          m.local.set(merged, this.runtime('opa_value_merge', [this.get(target), this.get(source)])),
          m.if(m.i32.eqz(m.local.get(merged, i32)), abort(this.ctx, conflictMessage(loc, 'object insert conflict'))),
          this.set(target, m.local.get(merged, i32)),
        ]),
      ),
    );
  }

  private assignOnce(target: Local, source: Local, loc: string): Expr {
    const m = this.m;
    return m.if(
      this.get(source),
      m.if(
        m.i32.eqz(this.get(target)),
        this.set(target, this.get(source)),
        m.if(m.i32.eqz(this.equal(target, source)), abort(this.ctx, conflictMessage(loc, 'var assignment conflict'))),
      ),
    );
  }

  /**
   * for (i = 0; entry = scan_entry(coll, i); i++) { key = entry.key; value = entry.value; body }
   * Positions, not keys, drive the walk (see the runtime's taskgate_scan_entry, which is 0 past the end and for
   * scalars). The collection and the position live in scratch locals, so a body that reassigns key, value or
   * source cannot derail the iteration.
   */
  private scan(source: Local, key: Local, value: Local, body: Block): Expr {
    const m = this.m;
    const coll = this.scratch();
    const position = this.scratch();
    const entry = this.scratch();
    const next = `L${this.labelCount++}`;
    const iteration = m.loop(next, m.block(null, [
      m.local.set(entry, this.runtime('taskgate_scan_entry', [m.local.get(coll, i32), m.local.get(position, i32)])),
      m.if(m.local.get(entry, i32), m.block(null, [
        this.set(key, m.i32.load(0, 4, m.local.get(entry, i32))),
        this.set(value, m.i32.load(4, 4, m.local.get(entry, i32))),
        m.local.set(position, m.i32.add(m.local.get(position, i32), m.i32.const(1))),
        this.block(body),
        m.br(next),
      ])),
    ]));
    return m.block(null, [
      m.local.set(coll, this.get(source)),
      m.if(m.local.get(coll, i32), m.block(null, [m.local.set(position, m.i32.const(0)), iteration])),
    ]);
  }

  private call(name: string, args: Local[], target: Local): Expr {
    const callee = this.ctx.funcs.get(name);
    if (!callee) throw new Error(`emitter: function ${this.func.name} calls unknown function ${name}`);
    if (callee.params !== args.length) {
      throw new Error(`emitter: function ${this.func.name} calls ${name} with ${args.length} arguments, it takes ${callee.params}`);
    }
    return this.setOrFail(target, this.m.call(callee.internal, args.map((a) => this.get(a)), i32));
  }
}

/** The SDK throws the abort text; the conformance checks look for the conflict words, people for the place. */
function conflictMessage(loc: string, what: string): string {
  return loc ? `${loc}: ${what}` : what;
}
