// IR statements to binaryen expressions. Every IR block becomes a labelled wasm block and a failing statement
// branches to the innermost one, which is exactly the IR's rule "a failure leaves the innermost block".
import binaryen from 'binaryen';
import { builtinCall } from './builtin-call.js';
import { abort } from './context.js';
import { printStatement } from './print.js';
import { constGlobal, planFunction } from './names.js';
const i32 = binaryen.i32;
/** OPA's type codes, as the runtime's opa_value_type returns them. */
const TYPE_CODE = { null: 1, boolean: 2, number: 3, string: 4, array: 5, object: 6, set: 7 };
/** Adds the wasm function for one planned function. */
export function compileFunction(ctx, func) {
    if (!Number.isInteger(func.params) || func.params < 0 || func.params > func.locals) {
        throw new Error(`emitter: function ${func.name} has ${func.params} params but ${func.locals} locals`);
    }
    const compiler = new FuncCompiler(ctx, func);
    const body = compiler.functionBody();
    const params = binaryen.createType(new Array(func.params).fill(i32));
    const vars = new Array(func.locals - func.params + compiler.scratchLocals).fill(i32);
    ctx.module.addFunction(planFunction(func.name), params, i32, vars, body);
}
class FuncCompiler {
    ctx;
    func;
    scratchLocals = 0;
    labels = [];
    labelCount = 0;
    m;
    constructor(ctx, func) {
        this.ctx = ctx;
        this.func = func;
        this.m = ctx.module;
    }
    functionBody() {
        return this.m.block(null, [this.block(this.func.body), this.get(this.func.result)], i32);
    }
    /** A labelled block that a failure inside `body` leaves; `tail` runs after body when nothing failed. */
    block(body, tail = []) {
        const label = `L${this.labelCount++}`;
        this.labels.push(label);
        const children = body.map((s) => this.stmt(s));
        this.labels.pop();
        return this.m.block(label, [...children, ...tail]);
    }
    get failLabel() {
        return this.labels[this.labels.length - 1];
    }
    failIf(condition) {
        return this.m.br(this.failLabel, condition);
    }
    local(l) {
        if (!Number.isInteger(l) || l < 0 || l >= this.func.locals) {
            throw new Error(`emitter: function ${this.func.name} uses local ${l} of ${this.func.locals}`);
        }
        return l;
    }
    get(l) {
        return this.m.local.get(this.local(l), i32);
    }
    set(l, value) {
        return this.m.local.set(this.local(l), value);
    }
    /** A fresh wasm local beyond the IR's, for values the IR does not name (scan cursors, lookups). */
    scratch() {
        return this.func.locals + this.scratchLocals++;
    }
    /** 1 when any of the locals is undefined. */
    anyUndefined(locals) {
        return locals.map((l) => this.m.i32.eqz(this.get(l))).reduce((a, b) => this.m.i32.or(a, b));
    }
    /** `call` when every argument is defined, else 0; runtime functions are not asked to handle undefined. */
    whenDefined(locals, call) {
        if (locals.length === 0)
            return call;
        return this.m.if(this.anyUndefined(locals), this.m.i32.const(0), call);
    }
    /** target := value; fails when it is undefined. The target is set first: later code may test it. */
    setOrFail(target, value) {
        return this.m.block(null, [this.set(target, value), this.failIf(this.m.i32.eqz(this.get(target)))]);
    }
    runtime(name, args) {
        return this.ctx.runtime.call(name, args);
    }
    effect(name, args) {
        return this.ctx.runtime.callForEffect(name, args);
    }
    stmt(s) {
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
                return this.setOrFail(s.target, this.whenDefined([s.source, s.key], this.runtime('opa_value_get', [this.get(s.source), this.get(s.key)])));
            case 'len':
                // `count` is the builtin with exactly this meaning (code points for strings, undefined for scalars).
                return this.setOrFail(s.target, this.whenDefined([s.source], builtinCall(this.ctx, 'count', [this.get(s.source)])));
            case 'makeArray':
                if (!Number.isInteger(s.capacity) || s.capacity < 0)
                    throw new Error(`emitter: bad array capacity ${s.capacity}`);
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
                return this.failIf(m.if(m.i32.eqz(this.get(s.source)), m.i32.const(1), this.runtime('opa_value_is_false', [this.get(s.source)])));
            case 'isDefined':
                return this.failIf(m.i32.eqz(this.get(s.source)));
            case 'isUndefined':
                return this.failIf(this.get(s.source));
            case 'isType':
                return this.failIf(m.if(m.i32.eqz(this.get(s.source)), m.i32.const(1), m.i32.ne(this.runtime('opa_value_type', [this.get(s.source)]), m.i32.const(TYPE_CODE[s.type]))));
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
    equal(a, b) {
        return this.runtime('opa_value_equal', [this.get(a), this.get(b)]);
    }
    /** Collection updates fail when a part is undefined rather than store a null pointer. */
    mutation(parts, runtimeExport) {
        return this.m.block(null, [
            this.failIf(this.anyUndefined(parts)),
            this.effect(runtimeExport, parts.map((p) => this.get(p))),
        ]);
    }
    objectInsertOnce(object, key, value, loc) {
        const m = this.m;
        const existing = this.scratch();
        return m.block(null, [
            this.failIf(this.anyUndefined([object, key, value])),
            m.local.set(existing, this.runtime('opa_value_get', [this.get(object), this.get(key)])),
            m.if(m.local.get(existing, i32), m.if(m.i32.eqz(this.runtime('opa_value_equal', [m.local.get(existing, i32), this.get(value)])), abort(this.ctx, conflictMessage(loc, 'object insert conflict'))), this.effect('opa_object_insert', [this.get(object), this.get(key), this.get(value)])),
        ]);
    }
    objectMerge(target, source, loc) {
        const m = this.m;
        const merged = this.scratch();
        return m.if(this.get(source), m.if(m.i32.eqz(this.get(target)), this.set(target, this.get(source)), m.block(null, [
            m.local.set(merged, this.runtime('opa_value_merge', [this.get(target), this.get(source)])),
            m.if(m.i32.eqz(m.local.get(merged, i32)), abort(this.ctx, conflictMessage(loc, 'object insert conflict'))),
            this.set(target, m.local.get(merged, i32)),
        ])));
    }
    assignOnce(target, source, loc) {
        const m = this.m;
        return m.if(this.get(source), m.if(m.i32.eqz(this.get(target)), this.set(target, this.get(source)), m.if(m.i32.eqz(this.equal(target, source)), abort(this.ctx, conflictMessage(loc, 'var assignment conflict')))));
    }
    /**
     * for (cursor = iter(coll, 0); cursor; cursor = iter(coll, cursor)) { key = cursor; value = coll[cursor]; body }
     * The collection and the cursor live in scratch locals, so a body that reassigns key, value or source cannot
     * derail the iteration.
     */
    scan(source, key, value, body) {
        const m = this.m;
        const coll = this.scratch();
        const cursor = this.scratch();
        const next = `L${this.labelCount++}`;
        const isCollection = m.i32.lt_u(m.i32.sub(this.runtime('opa_value_type', [m.local.get(coll, i32)]), m.i32.const(TYPE_CODE.array)), m.i32.const(3));
        const iteration = m.loop(next, m.block(null, [
            m.local.set(cursor, this.runtime('opa_value_iter', [m.local.get(coll, i32), m.local.get(cursor, i32)])),
            m.if(m.local.get(cursor, i32), m.block(null, [
                this.set(key, m.local.get(cursor, i32)),
                this.set(value, this.runtime('opa_value_get', [m.local.get(coll, i32), m.local.get(cursor, i32)])),
                this.block(body),
                m.br(next),
            ])),
        ]));
        return m.block(null, [
            m.local.set(coll, this.get(source)),
            m.if(m.local.get(coll, i32), m.if(isCollection, m.block(null, [m.local.set(cursor, m.i32.const(0)), iteration]))),
        ]);
    }
    call(name, args, target) {
        const callee = this.ctx.funcs.get(name);
        if (!callee)
            throw new Error(`emitter: function ${this.func.name} calls unknown function ${name}`);
        if (callee.params !== args.length) {
            throw new Error(`emitter: function ${this.func.name} calls ${name} with ${args.length} arguments, it takes ${callee.params}`);
        }
        return this.setOrFail(target, this.m.call(callee.internal, args.map((a) => this.get(a)), i32));
    }
}
/** The SDK throws the abort text; the conformance checks look for the conflict words, people for the place. */
function conflictMessage(loc, what) {
    return loc ? `${loc}: ${what}` : what;
}
//# sourceMappingURL=stmts.js.map