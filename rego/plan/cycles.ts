// A plan must not call itself in a loop: a rule that reads a document containing itself (`p := data.pkg` inside
// package pkg) would recurse until the WASM stack overflows. The checker rejects recursion between rules; this
// catches what only the planner sees, the calls that document reads expand into.
import type { Block, Func } from './ir.js';

/** The first cycle of calls found, as function names (first repeated at the end); undefined when there is none.
 * `selfRecursive` names functions allowed to call themselves (walks of a finite value). */
export function findCallCycle(funcs: readonly Func[], selfRecursive: ReadonlySet<string>): string[] | undefined {
  const callees = new Map(funcs.map((f) => [f.name, calledBy(f.body)]));
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'active') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'active');
    stack.push(name);
    for (const callee of callees.get(name) ?? []) {
      if (callee === name && selfRecursive.has(name)) continue;
      const cycle = visit(callee);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const f of funcs) {
    const cycle = visit(f.name);
    if (cycle) return cycle;
  }
  return undefined;
}

function calledBy(block: Block, out = new Set<string>()): Set<string> {
  for (const s of block) {
    if (s.op === 'call') out.add(s.func);
    else if (s.op === 'block' || s.op === 'scan' || s.op === 'not') calledBy(s.body, out);
  }
  return out;
}
