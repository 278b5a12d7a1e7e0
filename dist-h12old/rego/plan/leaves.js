import { FuncBuilder } from './builder.js';
import { numberConst } from './consts.js';
/**
 * container[key], created empty when missing; aborts with an insert conflict when it holds something other than a
 * container of `type` (a rule value, or the other kind of container).
 */
export function childContainer(bp, container, key, type, loc) {
    const fb = bp.fb;
    const child = fb.local();
    const make = (target) => fb.emit(type === 'set' ? { op: 'makeSet', target } : { op: 'makeObject', target });
    fb.emit({ op: 'reset', target: child });
    fb.block(() => fb.emit({ op: 'dot', source: container, key, target: child }));
    fb.block(() => {
        fb.emit({ op: 'isUndefined', source: child });
        make(child);
        fb.emit({ op: 'objectInsert', object: container, key, value: child });
    });
    fb.block(() => {
        const notBody = [{ op: 'isType', source: child, type }];
        fb.emit({ op: 'not', body: notBody });
        const fresh = fb.local();
        make(fresh);
        fb.emit({ op: 'objectInsertOnce', object: container, key, value: fresh, loc });
    });
    return child;
}
/** Walks (creating) the objects along `keys` from `container`. */
export function containerAt(bp, container, keys, last, loc) {
    let current = container;
    keys.forEach((key, i) => {
        current = childContainer(bp, current, key, i === keys.length - 1 ? last : 'object', loc);
    });
    return current;
}
/** container[key] := value as a wrapped leaf; a different value already there is an insert conflict. */
export function insertLeaf(bp, container, key, value, loc) {
    const wrapped = bp.fb.local();
    bp.fb.emit({ op: 'makeArray', capacity: 1, target: wrapped });
    bp.fb.emit({ op: 'arrayAppend', array: wrapped, value });
    bp.fb.emit({ op: 'objectInsertOnce', object: container, key, value: wrapped, loc });
}
export const UNWRAP_FUNC = 'internal.unwrap_leaves';
/** (input, data, doc) -> doc with every wrapped leaf replaced by its value; planner-made containers are copied. */
export function unwrapLeavesFunc(consts) {
    const fb = new FuncBuilder(UNWRAP_FUNC, 3, 'documents built from several rules');
    const doc = fb.param(2);
    const zero = fb.local();
    fb.block(() => {
        fb.emit({ op: 'isType', source: doc, type: 'array' });
        const leaf = fb.local();
        fb.emit({ op: 'const', index: consts.intern(numberConst(0)), target: zero });
        fb.emit({ op: 'dot', source: doc, key: zero, target: leaf });
        fb.emit({ op: 'return', source: leaf });
    });
    fb.block(() => {
        fb.emit({ op: 'isType', source: doc, type: 'set' });
        fb.emit({ op: 'return', source: doc });
    });
    const out = fb.local();
    fb.emit({ op: 'makeObject', target: out });
    const key = fb.local();
    const member = fb.local();
    const body = [];
    fb.emit({ op: 'scan', source: doc, key, value: member, body });
    fb.inside(body, () => {
        const plain = fb.local();
        fb.emit({ op: 'call', func: UNWRAP_FUNC, args: [fb.param(0), fb.param(1), member], target: plain });
        fb.emit({ op: 'objectInsert', object: out, key, value: plain });
    });
    return fb.finish(out);
}
//# sourceMappingURL=leaves.js.map