// The planner: checked AST -> IR. Each rule group becomes a function per `with` context that reaches it, each
// entrypoint a function evaluating its ref; functions are planned on demand from a queue, so only what the
// entrypoints reach is planned.
import { RegoError, RegoErrors } from '../errors.js';
import { FuncBuilder } from './builder.js';
import { BodyPlanner } from './body.js';
import { ConstPool } from './consts.js';
import { PLAIN_CONTEXT } from './context.js';
import { walkData } from './docs.js';
import { UNWRAP_FUNC, unwrapLeavesFunc } from './leaves.js';
import { MERGE_BASE_FUNC, mergeBaseFunc } from './merge.js';
import { planCompleteGroup, planFunction, planInserter } from './rules.js';
import { findCallCycle } from './cycles.js';
import { buildTree, dotted } from './tree.js';
const ENTRY_LOC = { file: '<entrypoint>', row: 1, col: 1 };
export function plan(policy, entrypoints) {
    let tree;
    try {
        tree = buildTree(policy);
    }
    catch (e) {
        throw e instanceof RegoError ? new RegoErrors([e]) : e;
    }
    const planner = new Planner(tree);
    const entries = entrypoints.map((name) => ({ name, func: planner.entrypoint(name) }));
    planner.drain();
    if (planner.errors.length > 0)
        throw new RegoErrors(planner.errors);
    const funcs = planner.funcs();
    const cycle = findCallCycle(funcs, new Set([UNWRAP_FUNC, MERGE_BASE_FUNC]));
    if (cycle) {
        const message = `rule ${cycle[0]} is recursive: ${cycle.join(' -> ')}`;
        throw new RegoErrors([new RegoError('rego_recursion_error', message, planner.locationOf(cycle[0]))]);
    }
    return { consts: planner.consts.values, funcs, entrypoints: entries, memoSlots: planner.memoSlots };
}
class Planner {
    tree;
    consts = new ConstPool();
    errors = [];
    memoSlots = 0;
    planned = new Map();
    queue = [];
    contextNumbers = new Map();
    locations = new Map();
    constructor(tree) {
        this.tree = tree;
    }
    locationOf(func) {
        return this.locations.get(func) ?? ENTRY_LOC;
    }
    funcs() {
        return [...this.planned.values()].filter((f) => f !== undefined);
    }
    /** Plans queued functions until none is left (planning one may queue others). */
    drain() {
        for (let next = this.queue.shift(); next; next = this.queue.shift()) {
            const func = next();
            this.planned.set(func.name, func);
        }
    }
    entrypoint(name) {
        const segments = name.split('/').filter((s) => s.length > 0);
        const funcName = `entrypoint ${name}`;
        return this.request(funcName, () => {
            const fb = new FuncBuilder(funcName, 2, `data.${dotted(segments)}`);
            const bp = new BodyPlanner(this, fb, this.scope(fb, PLAIN_CONTEXT));
            const path = segments.map((value) => ({ type: 'string', value, loc: ENTRY_LOC }));
            const result = fb.local();
            this.guard(() => fb.block(() => fb.emit({ op: 'assign', source: walkData(bp, path), target: result })));
            return fb.finish(result);
        });
    }
    groupValue(group, ctx) {
        const name = this.funcName(`data.${dotted(group.path)}`, ctx);
        this.locations.set(name, group.rules[0].loc);
        return this.request(name, () => {
            const fb = new FuncBuilder(name, 2 + ctx.carried, `data.${dotted(group.path)}`);
            const bp = new BodyPlanner(this, fb, this.scope(fb, ctx));
            const slot = ctx.memo ? this.memoSlots++ : undefined;
            if (slot !== undefined) {
                fb.block(() => {
                    const cached = fb.local();
                    fb.emit({ op: 'memoGet', slot, target: cached });
                    fb.emit({ op: 'return', source: cached });
                });
            }
            const result = fb.local();
            this.guard(() => {
                if (group.mode === 'complete') {
                    fb.emit({ op: 'assign', source: planCompleteGroup(bp, group), target: result });
                    return;
                }
                const doc = fb.local();
                fb.emit(group.mode === 'set' ? { op: 'makeSet', target: doc } : { op: 'makeObject', target: doc });
                bp.callFunc(this.groupInserter(group, ctx), [doc]);
                if (group.mode === 'set')
                    fb.emit({ op: 'assign', source: doc, target: result });
                else
                    fb.emit({ op: 'assign', source: bp.callFunc(this.unwrapLeaves(), [doc]), target: result });
            });
            if (slot !== undefined)
                fb.emit({ op: 'memoSet', slot, source: result });
            return fb.finish(result);
        });
    }
    groupInserter(group, ctx) {
        const name = this.funcName(`data.${dotted(group.path)}#insert`, ctx);
        this.locations.set(name, group.rules[0].loc);
        return this.request(name, () => {
            const params = 2 + ctx.carried + 1;
            const fb = new FuncBuilder(name, params, `data.${dotted(group.path)}`);
            const bp = new BodyPlanner(this, fb, this.scope(fb, ctx));
            const target = fb.param(params - 1);
            this.guard(() => planInserter(bp, group, target));
            return fb.finish(target);
        });
    }
    userFunction(fn, ctx) {
        const name = this.funcName(`data.${dotted(fn.path)}`, ctx);
        this.locations.set(name, fn.rules[0].loc);
        return this.request(name, () => {
            const params = 2 + ctx.carried + fn.arity;
            const fb = new FuncBuilder(name, params, `data.${dotted(fn.path)}`);
            const bp = new BodyPlanner(this, fb, this.scope(fb, ctx));
            const args = Array.from({ length: fn.arity }, (_, i) => fb.param(2 + ctx.carried + i));
            const result = fb.local();
            this.guard(() => fb.emit({ op: 'assign', source: planFunction(bp, fn, args), target: result }));
            return fb.finish(result);
        });
    }
    unwrapLeaves() {
        return this.request(UNWRAP_FUNC, () => unwrapLeavesFunc(this.consts));
    }
    mergeBase() {
        return this.request(MERGE_BASE_FUNC, mergeBaseFunc);
    }
    scope(fb, ctx) {
        const carried = Array.from({ length: ctx.carried }, (_, i) => fb.param(2 + i));
        return { vars: new Map(), input: fb.param(0), data: fb.param(1), ctx, carried };
    }
    /** The function's name in a context: the plain name outside `with`, a numbered variant inside. */
    funcName(base, ctx) {
        if (ctx.id === '')
            return base;
        let n = this.contextNumbers.get(ctx.id);
        if (n === undefined) {
            n = this.contextNumbers.size + 1;
            this.contextNumbers.set(ctx.id, n);
        }
        return `${base}@with${n}`;
    }
    request(name, build) {
        if (!this.planned.has(name)) {
            this.planned.set(name, undefined);
            this.queue.push(build);
        }
        return name;
    }
    /** Records a planning error and goes on, so that one run reports every problem. */
    guard(fn) {
        try {
            fn();
        }
        catch (e) {
            if (e instanceof RegoError)
                this.errors.push(e);
            else if (e instanceof RegoErrors)
                this.errors.push(...e.errors);
            else
                throw e;
        }
    }
}
//# sourceMappingURL=planner.js.map