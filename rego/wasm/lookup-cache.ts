// Which lookups of a function are worth doing once per call. Rule bodies repeat the same paths: every rule of
// taskgate.shape asks for input.operation.kind, and each `dot` is a hash lookup. A path here is a chain of `dot`s
// with constant keys from a parameter the function never reassigns (input, data, a function argument); the
// emitter keeps a path's value in a local after its first lookup in a call.
//
// That is sound when no collection reachable from a parameter can change during the call. The plan must show it:
// every collection it changes in place (append, add, insert) is one it has just made, either in the same function
// or in the caller that passes it (a partial rule's `#insert` function fills its caller's new set). Such a
// collection is younger than the call, and nothing older ever gets a reference to it, since nothing older is
// changed. A plan that changes anything else gets no cache at all.
//
// Within a function the analysis stays simple: a path goes only through locals assigned by exactly one statement
// (the `dot` itself), and keys are locals assigned only by `const`.
import type { Block, Func, Local, Plan, Stmt } from '../plan/ir.js';

type DotStmt = Extract<Stmt, { op: 'dot' }>;

/** The locals a statement assigns (not the collections it mutates). */
function assignedBy(s: Stmt): Local[] {
  switch (s.op) {
    case 'const':
    case 'assign':
    case 'reset':
    case 'dot':
    case 'len':
    case 'makeArray':
    case 'makeObject':
    case 'makeSet':
    case 'assignOnce':
    case 'objectMerge':
    case 'call':
    case 'callBuiltin':
    case 'memoGet':
      return [s.target];
    case 'scan':
      return [s.key, s.value];
    case 'arrayAppend':
    case 'setAdd':
    case 'objectInsert':
    case 'objectInsertOnce':
    case 'equal':
    case 'notEqual':
    case 'isTrue':
    case 'isDefined':
    case 'isUndefined':
    case 'isType':
    case 'block':
    case 'not':
    case 'return':
    case 'print':
    case 'memoSet':
      return [];
    default:
      return unknownStatement(s);
  }
}

/** The collection a statement changes in place, if any. */
function mutatedBy(s: Stmt): Local | undefined {
  switch (s.op) {
    case 'arrayAppend':
      return s.array;
    case 'setAdd':
      return s.set;
    case 'objectInsert':
    case 'objectInsertOnce':
      return s.object;
    default:
      return undefined;
  }
}

function unknownStatement(s: never): never {
  throw new Error(`emitter: lookup cache does not know statement ${JSON.stringify(s)}`);
}

function forEachStmt(block: Block, visit: (s: Stmt) => void): void {
  for (const s of block) {
    visit(s);
    if (s.op === 'block' || s.op === 'scan' || s.op === 'not') forEachStmt(s.body, visit);
  }
}

const FRESH_COLLECTION = new Set(['makeArray', 'makeObject', 'makeSet']);

/** Every local of func with the statements that assign it. */
function definitionsOf(func: Func): Map<Local, Stmt[]> {
  const definitions = new Map<Local, Stmt[]>();
  forEachStmt(func.body, (s) => {
    for (const l of assignedBy(s)) definitions.set(l, [...(definitions.get(l) ?? []), s]);
  });
  return definitions;
}

/** The local holds only collections made by this very function. */
function freshIn(definitions: Map<Local, Stmt[]>, l: Local): boolean {
  const defs = definitions.get(l) ?? [];
  return defs.length > 0 && defs.every((d) => FRESH_COLLECTION.has(d.op));
}

/** Whether every in-place change in the plan is to a collection made by the changing function or, through a
 * parameter, by every caller that passes it. */
export function changesOnlyNewCollections(plan: Plan): boolean {
  const byName = new Map(plan.funcs.map((f) => [f.name, f]));
  const definitions = new Map(plan.funcs.map((f) => [f.name, definitionsOf(f)]));
  // Parameters that some function changes in place: every caller must pass a collection it has just made there.
  const changedParams = new Map<string, Set<Local>>();
  for (const f of plan.funcs) {
    const defs = definitions.get(f.name)!;
    const changed = new Set<Local>();
    let ok = true;
    forEachStmt(f.body, (s) => {
      const m = mutatedBy(s);
      if (m === undefined) return;
      if (m < f.params && !defs.has(m)) changed.add(m);
      else if (!freshIn(defs, m)) ok = false;
    });
    if (!ok) return false;
    changedParams.set(f.name, changed);
  }
  for (const f of plan.funcs) {
    const defs = definitions.get(f.name)!;
    let ok = true;
    forEachStmt(f.body, (s) => {
      if (s.op !== 'call') return;
      const changed = changedParams.get(s.func);
      if (changed === undefined && !byName.has(s.func)) ok = false;
      for (const p of changed ?? []) if (!freshIn(defs, s.args[p])) ok = false;
    });
    if (!ok) return false;
  }
  return true;
}

/**
 * The `dot` statements of func whose path is looked up more than once, each mapped to the ordinal of the cache
 * slot for its path (statements of one path share a slot). Only for plans where changesOnlyNewCollections holds.
 */
export function cachedLookups(func: Func): Map<DotStmt, number> {
  const definitions = definitionsOf(func);
  const mutated = new Set<Local>();
  forEachStmt(func.body, (s) => {
    const m = mutatedBy(s);
    if (m !== undefined) mutated.add(m);
  });
  const isParam = (l: Local): boolean => l < func.params;
  const single = (l: Local): Stmt | undefined => {
    const defs = definitions.get(l);
    return defs?.length === 1 ? defs[0] : undefined;
  };
  const paths = new Map<Local, string | undefined>();
  const pathOf = (l: Local): string | undefined => {
    if (paths.has(l)) return paths.get(l);
    let path: string | undefined;
    if (isParam(l)) {
      path = !definitions.has(l) && !mutated.has(l) ? `param${l}` : undefined;
    } else {
      const def = single(l);
      path = def?.op === 'dot' && !mutated.has(l) ? dotPath(def) : undefined;
    }
    paths.set(l, path);
    return path;
  };
  const dotPath = (s: DotStmt): string | undefined => {
    const source = pathOf(s.source);
    const key = single(s.key);
    return source !== undefined && key?.op === 'const' ? `${source}/${key.index}` : undefined;
  };

  const byPath = new Map<string, DotStmt[]>();
  forEachStmt(func.body, (s) => {
    if (s.op !== 'dot') return;
    const path = dotPath(s);
    if (path !== undefined) byPath.set(path, [...(byPath.get(path) ?? []), s]);
  });
  const slots = new Map<DotStmt, number>();
  let next = 0;
  for (const stmts of byPath.values()) {
    if (stmts.length < 2) continue;
    for (const s of stmts) slots.set(s, next);
    next++;
  }
  return slots;
}
