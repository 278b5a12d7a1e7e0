// `expr with target as value`: input and data are patched copies passed on to everything the expression calls;
// replaced rules and mocked functions switch the expression into a `with` context (see context.ts).
import { RegoError } from '../errors.js';
import { BUILTINS } from '../builtins/catalog.js';
import { deriveContext } from './context.js';
export function planWith(bp, expr, plan) {
    let input = bp.scope.input;
    let data = bp.scope.data;
    const replaced = [];
    const mocks = new Map();
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
        }
        else {
            mocks.set(target.name, { kind: 'value', carried: carried.length });
            carried.push(bp.evalTerm(w.value));
        }
    }
    const ctx = deriveContext(bp.scope.ctx, replaced, mocks, carried.length);
    const scope = { vars: bp.scope.vars, input, data, ctx, carried };
    bp.withScope(scope, plan);
}
function targetOf(w) {
    const t = w.target;
    const name = dottedName(t);
    if (name === undefined)
        throw new RegoError('rego_compile_error', 'with keyword target must be a ref', w.loc);
    if (t.type === 'var') {
        if (t.name === 'input' || t.name === 'data')
            return { root: t.name, path: [], name };
        return { root: 'builtin', path: [], name };
    }
    if (t.type !== 'ref' || t.head.type !== 'var')
        throw new RegoError('rego_compile_error', 'with keyword target must be a ref', w.loc);
    const head = t.head.name;
    if (head === 'input' || head === 'data')
        return { root: head, path: t.path, name };
    return { root: 'builtin', path: [], name };
}
/** `a.b.c` for a var or a ref of a var and strings; undefined for anything else. */
function dottedName(t) {
    if (t.type === 'var')
        return t.name;
    if (t.type !== 'ref' || t.head.type !== 'var')
        return undefined;
    const segs = [t.head.name];
    for (const p of t.path) {
        if (p.type !== 'string')
            return undefined;
        segs.push(p.value);
    }
    return segs.join('.');
}
function staticPath(path, w) {
    return path.map((t) => {
        if (t.type !== 'string')
            throw new RegoError('rego_compile_error', 'with keyword data target must be a ref of strings', w.loc);
        return t.value;
    });
}
/** The function a `with` value names (a user function or a builtin), if it names one. */
function functionName(bp, value) {
    const name = dottedName(value);
    if (name === undefined)
        return undefined;
    if (bp.unit.tree.functions.has(name))
        return name;
    if (value.type === 'var' && bp.isBound(name))
        return undefined;
    return BUILTINS.has(name) ? name : undefined;
}
/** A copy of `source` with the value at `keys` replaced; the copies are shallow, only along the path. */
function patch(bp, source, keys, value) {
    if (keys.length === 0)
        return value;
    const fb = bp.fb;
    const copy = fb.local();
    fb.emit({ op: 'makeObject', target: copy });
    const k = fb.local();
    const v = fb.local();
    const body = [];
    fb.emit({ op: 'scan', source, key: k, value: v, body });
    fb.inside(body, () => fb.emit({ op: 'objectInsert', object: copy, key: k, value: v }));
    const child = fb.local();
    fb.emit({ op: 'reset', target: child });
    fb.block(() => fb.emit({ op: 'dot', source, key: keys[0], target: child }));
    fb.emit({ op: 'objectInsert', object: copy, key: keys[0], value: patch(bp, child, keys.slice(1), value) });
    return copy;
}
//# sourceMappingURL=with.js.map