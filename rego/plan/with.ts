// `expr with target as value`: input and data are patched copies passed on to everything the expression calls;
// replaced rules and mocked functions switch the expression into a `with` context (see context.ts).
import { RegoError } from '../errors.js';
import { BUILTINS } from '../builtins/catalog.js';
import type { Expr, Term, With } from '../syntax/ast.js';
import type { Block, Local } from './ir.js';
import type { BodyPlanner } from './body.js';
import { deriveContext, type FunctionMock } from './context.js';
import type { Scope } from './scope.js';

interface Target {
  root: 'input' | 'data' | 'builtin';
  /** path below input/data; the dotted name for a builtin */
  path: Term[];
  name: string;
}

export function planWith(bp: BodyPlanner, expr: Expr, plan: () => void): void {
  let input = bp.scope.input;
  let data = bp.scope.data;
  const replaced: string[][] = [];
  const mocks = new Map<string, FunctionMock>();
  const carried = [...bp.scope.carried];
  for (const w of expr.with) {
    const target = targetOf(w);
    if (target.root === 'input') {
      input = patch(bp, input, target.path.map((t) => bp.evalTerm(t)), bp.evalTerm(w.value));
      continue;
    }
    if (target.root === 'data' && !bp.unit.tree.functions.has(target.name)) {
      replaced.push(staticPath(target.path, w));
      data = patch(bp, data, target.path.map((t) => bp.evalTerm(t)), bp.evalTerm(w.value));
      continue;
    }
    if (target.root === 'builtin' && !BUILTINS.has(target.name)) {
      throw new RegoError('rego_compile_error', `with keyword target ${target.name} is not a function or document`, w.loc);
    }
    const replacement = functionName(bp, w.value);
    if (replacement) {
      mocks.set(target.name, { kind: 'function', target: replacement });
    } else {
      mocks.set(target.name, { kind: 'value', carried: carried.length });
      carried.push(bp.evalTerm(w.value));
    }
  }
  const ctx = deriveContext(bp.scope.ctx, replaced, mocks, carried.length);
  const scope: Scope = { vars: bp.scope.vars, input, data, ctx, carried };
  bp.withScope(scope, plan);
}

function targetOf(w: With): Target {
  const t = w.target;
  const name = dottedName(t);
  if (name === undefined) throw new RegoError('rego_compile_error', 'with keyword target must be a ref', w.loc);
  if (t.type === 'var') {
    if (t.name === 'input' || t.name === 'data') return { root: t.name, path: [], name };
    return { root: 'builtin', path: [], name };
  }
  if (t.type !== 'ref' || t.head.type !== 'var') throw new RegoError('rego_compile_error', 'with keyword target must be a ref', w.loc);
  const head = t.head.name;
  if (head === 'input' || head === 'data') return { root: head, path: t.path, name };
  return { root: 'builtin', path: [], name };
}

/** `a.b.c` for a var or a ref of a var and strings; undefined for anything else. */
function dottedName(t: Term): string | undefined {
  if (t.type === 'var') return t.name;
  if (t.type !== 'ref' || t.head.type !== 'var') return undefined;
  const segs = [t.head.name];
  for (const p of t.path) {
    if (p.type !== 'string') return undefined;
    segs.push(p.value);
  }
  return segs.join('.');
}

function staticPath(path: Term[], w: With): string[] {
  return path.map((t) => {
    if (t.type !== 'string') throw new RegoError('rego_compile_error', 'with keyword data target must be a ref of strings', w.loc);
    return t.value;
  });
}

/** The function a `with` value names (a user function or a builtin), if it names one. */
function functionName(bp: BodyPlanner, value: Term): string | undefined {
  const name = dottedName(value);
  if (name === undefined) return undefined;
  if (bp.unit.tree.functions.has(name)) return name;
  if (value.type === 'var' && bp.isBound(name)) return undefined;
  return BUILTINS.has(name) ? name : undefined;
}

/** A copy of `source` with the value at `keys` replaced; the copies are shallow, only along the path. */
function patch(bp: BodyPlanner, source: Local, keys: Local[], value: Local): Local {
  if (keys.length === 0) return value;
  const fb = bp.fb;
  const copy = fb.local();
  fb.emit({ op: 'makeObject', target: copy });
  const k = fb.local();
  const v = fb.local();
  const body: Block = [];
  fb.emit({ op: 'scan', source, key: k, value: v, body });
  fb.inside(body, () => fb.emit({ op: 'objectInsert', object: copy, key: k, value: v }));
  const child = fb.local();
  fb.emit({ op: 'reset', target: child });
  fb.block(() => fb.emit({ op: 'dot', source, key: keys[0], target: child }));
  fb.emit({ op: 'objectInsert', object: copy, key: keys[0], value: patch(bp, child, keys.slice(1), value) });
  return copy;
}
