// The start function: runs the runtime's own start, copies the static data into memory taken from the runtime's
// heap, then builds the constants and the values of the `builtins` and `entrypoints` exports. Everything it
// allocates sits below the heap pointer the SDK records after instantiation, so it survives every evaluation.
import binaryen from 'binaryen';
import { abort, staticAddress } from './context.js';
import { addPassiveSegment, memoryName } from './static-data.js';
import { BUILTINS_VALUE, DATA_BASE, DATA_SEGMENT, ENTRYPOINTS_VALUE, START } from './names.js';
const i32 = binaryen.i32;
/** Globals the start function fills; they must exist before generated code refers to them. */
export function addStartGlobals(module) {
    for (const name of [DATA_BASE, BUILTINS_VALUE, ENTRYPOINTS_VALUE])
        module.addGlobal(name, i32, true, module.i32.const(0));
}
/** Must run last: the data segment's size is known only once all code that interns bytes has been generated. */
export function addStart(ctx, constants, entrypointsJson) {
    const m = ctx.module;
    const exportValues = [
        parsedJson(ctx, BUILTINS_VALUE, ctx.hostBuiltins.json()),
        parsedJson(ctx, ENTRYPOINTS_VALUE, entrypointsJson),
    ];
    // Everything that interns static bytes has run: the segment is complete.
    const bytes = ctx.data.contents();
    const memory = memoryName(m);
    const runtimeStart = m.getStart();
    const body = [];
    if (runtimeStart)
        body.push(m.call(binaryen.getFunctionInfo(runtimeStart).name, [], binaryen.none));
    body.push(m.global.set(DATA_BASE, ctx.runtime.call('opa_malloc', [m.i32.const(bytes.length)])), m.memory.init(DATA_SEGMENT, m.global.get(DATA_BASE, i32), m.i32.const(0), m.i32.const(bytes.length), memory), m.data.drop(DATA_SEGMENT), ...constants, ...exportValues);
    addPassiveSegment(m, memory, DATA_SEGMENT, bytes);
    m.setStart(m.addFunction(START, binaryen.none, binaryen.none, [], m.block(null, body)));
}
function parsedJson(ctx, global, jsonText) {
    const m = ctx.module;
    const json = ctx.data.utf8(jsonText);
    return m.block(null, [
        m.global.set(global, ctx.runtime.call('opa_json_parse', [staticAddress(ctx, json.offset), m.i32.const(json.length)])),
        m.if(m.i32.eqz(m.global.get(global, i32)), abort(ctx, `runtime cannot parse the generated ${global}`)),
    ]);
}
//# sourceMappingURL=start.js.map