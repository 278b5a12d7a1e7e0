// The planner: checked AST -> IR. Each rule group becomes a function per `with` context that reaches it, each
// entrypoint a function evaluating its ref; functions are planned on demand from a queue, so only what the
// entrypoints reach is planned.
import { RegoError, RegoErrors } from '../errors.js';
import type { CheckedPolicy, Term } from '../syntax/ast.js';
import type { Func, Local, Plan } from './ir.js';
import { FuncBuilder } from './builder.js';
import { BodyPlanner } from './body.js';
import { ConstPool } from './consts.js';
import { PLAIN_CONTEXT, type WithContext } from './context.js';
import { walkData } from './docs.js';
import { UNWRAP_FUNC, unwrapLeavesFunc } from './leaves.js';
import { MERGE_BASE_FUNC, mergeBaseFunc } from './merge.js';
import { planCompleteGroup, planFunction, planInserter } from './rules.js';
import type { PlanUnit, Scope } from './scope.js';
import { findCallCycle } from './cycles.js';
import type { Location } from '../syntax/ast.js';
import { buildTree, dotted, type DocTree, type FunctionGroup, type RuleGroup } from './tree.js';

const ENTRY_LOC = { file: '<entrypoint>', row: 1, col: 1 };

export function plan(policy: CheckedPolicy, entrypoints: string[]): Plan {
  let tree: DocTree;
  try {
    tree = buildTree(policy);
  } catch (e) {
    throw e instanceof RegoError ? new RegoErrors([e]) : e;
  }
  const planner = new Planner(tree);
  const entries = entrypoints.map((name) => ({ name, func: planner.entrypoint(name) }));
  planner.drain();
  if (planner.errors.length > 0) throw new RegoErrors(planner.errors);
  const funcs = planner.funcs();
  const cycle = findCallCycle(funcs, new Set([UNWRAP_FUNC, MERGE_BASE_FUNC]));
  if (cycle) {
    const message = `rule ${cycle[0]} is recursive: ${cycle.join(' -> ')}`;
    throw new RegoErrors([new RegoError('rego_recursion_error', message, planner.locationOf(cycle[0]))]);
  }
  return { consts: planner.consts.values, funcs, entrypoints: entries, memoSlots: planner.memoSlots };
}

class Planner implements PlanUnit {
  readonly consts = new ConstPool();
  readonly errors: RegoError[] = [];
  memoSlots = 0;
  private readonly planned = new Map<string, Func | undefined>();
  private readonly queue: Array<() => Func> = [];
  private readonly contextNumbers = new Map<string, number>();
  private readonly locations = new Map<string, Location>();

  constructor(readonly tree: DocTree) {}

  locationOf(func: string): Location {
    return this.locations.get(func) ?? ENTRY_LOC;
  }

  funcs(): Func[] {
    return [...this.planned.values()].filter((f): f is Func => f !== undefined);
  }

  /** Plans queued functions until none is left (planning one may queue others). */
  drain(): void {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      const func = next();
      this.planned.set(func.name, func);
    }
  }

  entrypoint(name: string): string {
    const segments = name.split('/').filter((s) => s.length > 0);
    const funcName = `entrypoint ${name}`;
    return this.request(funcName, () => {
      const fb = new FuncBuilder(funcName, 2, `data.${dotted(segments)}`);
      const bp = new BodyPlanner(this, fb, this.scope(fb, PLAIN_CONTEXT));
      const path: Term[] = segments.map((value) => ({ type: 'string', value, loc: ENTRY_LOC }));
      const result = fb.local();
      this.guard(() => fb.block(() => fb.emit({ op: 'assign', source: walkData(bp, path), target: result })));
      return fb.finish(result);
    });
  }

  groupValue(group: RuleGroup, ctx: WithContext): string {
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
          const remember = (value: Local) => {
            if (slot !== undefined) fb.emit({ op: 'memoSet', slot, source: value });
          };
          fb.emit({ op: 'assign', source: planCompleteGroup(bp, group, remember), target: result });
          return;
        }
        const doc = fb.local();
        fb.emit(group.mode === 'set' ? { op: 'makeSet', target: doc } : { op: 'makeObject', target: doc });
        bp.callFunc(this.groupInserter(group, ctx), [doc]);
        if (group.mode === 'set') fb.emit({ op: 'assign', source: doc, target: result });
        else fb.emit({ op: 'assign', source: bp.callFunc(this.unwrapLeaves(), [doc]), target: result });
      });
      if (slot !== undefined) fb.emit({ op: 'memoSet', slot, source: result });
      return fb.finish(result);
    });
  }

  groupInserter(group: RuleGroup, ctx: WithContext): string {
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

  userFunction(fn: FunctionGroup, ctx: WithContext): string {
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

  unwrapLeaves(): string {
    return this.request(UNWRAP_FUNC, () => unwrapLeavesFunc(this.consts));
  }

  mergeBase(): string {
    return this.request(MERGE_BASE_FUNC, mergeBaseFunc);
  }

  private scope(fb: FuncBuilder, ctx: WithContext): Scope {
    const carried = Array.from({ length: ctx.carried }, (_, i) => fb.param(2 + i));
    return { vars: new Map(), input: fb.param(0), data: fb.param(1), ctx, carried };
  }

  /** The function's name in a context: the plain name outside `with`, a numbered variant inside. */
  private funcName(base: string, ctx: WithContext): string {
    if (ctx.id === '') return base;
    let n = this.contextNumbers.get(ctx.id);
    if (n === undefined) {
      n = this.contextNumbers.size + 1;
      this.contextNumbers.set(ctx.id, n);
    }
    return `${base}@with${n}`;
  }

  private request(name: string, build: () => Func): string {
    if (!this.planned.has(name)) {
      this.planned.set(name, undefined);
      this.queue.push(build);
    }
    return name;
  }

  /** Records a planning error and goes on, so that one run reports every problem. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof RegoError) this.errors.push(e);
      else if (e instanceof RegoErrors) this.errors.push(...e.errors);
      else throw e;
    }
  }
}
