// What a body planner knows at one point of a function: bound variables and where input and data are.
import type { Local } from './ir.js';
import type { WithContext } from './context.js';
import type { ConstPool } from './consts.js';
import type { DocTree, FunctionGroup, RuleGroup } from './tree.js';

export interface Scope {
  /** Bound variables. Shared along one body (iteration binds in place); copied for nested bodies. */
  vars: Map<string, Local>;
  input: Local;
  data: Local;
  ctx: WithContext;
  /** The locals holding the context's carried values (function mocks by value), by index. */
  carried: Local[];
}

/** Services of the whole plan that a function's planner calls: naming (and queueing) the functions it calls. */
export interface PlanUnit {
  consts: ConstPool;
  tree: DocTree;
  /** (input, data, ...carried) -> the group's value */
  groupValue(group: RuleGroup, ctx: WithContext): string;
  /** (input, data, ...carried, target) -> target, after the group's rules inserted their leaves into it */
  groupInserter(group: RuleGroup, ctx: WithContext): string;
  /** (input, data, ...carried, ...args) -> the function's value */
  userFunction(fn: FunctionGroup, ctx: WithContext): string;
  /** (input, data, doc) -> doc without its leaf wrappers (see leaves.ts) */
  unwrapLeaves(): string;
  /** (input, data, virtual, base) -> both documents merged (see merge.ts) */
  mergeBase(): string;
}
