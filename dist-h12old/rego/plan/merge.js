import { FuncBuilder } from './builder.js';
export const MERGE_BASE_FUNC = 'internal.merge_base';
/** (input, data, virtual, base) -> the merged document */
export function mergeBaseFunc() {
    const fb = new FuncBuilder(MERGE_BASE_FUNC, 4, 'base data merged with virtual documents');
    const virtual = fb.param(2);
    const base = fb.param(3);
    fb.block(() => {
        fb.emit({ op: 'isType', source: virtual, type: 'object' });
        fb.emit({ op: 'isType', source: base, type: 'object' });
        const out = fb.local();
        fb.emit({ op: 'makeObject', target: out });
        const key = fb.local();
        const value = fb.local();
        const copyVirtual = [];
        fb.emit({ op: 'scan', source: virtual, key, value, body: copyVirtual });
        fb.inside(copyVirtual, () => fb.emit({ op: 'objectInsert', object: out, key, value }));
        const baseKey = fb.local();
        const baseValue = fb.local();
        const addBase = [];
        fb.emit({ op: 'scan', source: base, key: baseKey, value: baseValue, body: addBase });
        fb.inside(addBase, () => {
            const both = fb.local();
            fb.emit({ op: 'reset', target: both });
            fb.block(() => fb.emit({ op: 'dot', source: virtual, key: baseKey, target: both }));
            fb.block(() => {
                fb.emit({ op: 'isDefined', source: both });
                const merged = fb.local();
                fb.emit({ op: 'call', func: MERGE_BASE_FUNC, args: [fb.param(0), fb.param(1), both, baseValue], target: merged });
                fb.emit({ op: 'objectInsert', object: out, key: baseKey, value: merged });
            });
            fb.block(() => {
                fb.emit({ op: 'isUndefined', source: both });
                fb.emit({ op: 'objectInsert', object: out, key: baseKey, value: baseValue });
            });
        });
        fb.emit({ op: 'return', source: out });
    });
    return fb.finish(base);
}
//# sourceMappingURL=merge.js.map