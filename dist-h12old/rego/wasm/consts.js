// Constants are built once, by the start function, into one global each. The SDK records the heap pointer after
// instantiation and resets the heap to it before every evaluation, so what the start function allocates lives as
// long as the instance; generated code only reads the globals and never mutates what they point to.
//
// Collections are parsed from their Rego text by the runtime's opa_value_parse rather than built element by
// element: one call instead of one per element, and the runtime pins the sorted views of parsed objects and sets
// at parse time, so iterating a constant never sorts it again nor writes into it.
import binaryen from 'binaryen';
import { i64Const } from './binaryen-api.js';
import { abort, staticAddress } from './context.js';
import { constGlobal } from './names.js';
const i32 = binaryen.i32;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NUMBER_LITERAL = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;
/** Statements for the start function that fill the constant globals; to run once static data is in place. */
export function buildConstants(ctx, consts) {
    return consts.map((c, i) => {
        ctx.module.addGlobal(constGlobal(i), i32, true, ctx.module.i32.const(0));
        return constant(ctx, c, constGlobal(i));
    });
}
function constant(ctx, c, global) {
    const { module: m, runtime } = ctx;
    switch (c.type) {
        case 'null':
            return m.global.set(global, runtime.call('opa_null', []));
        case 'boolean':
            return m.global.set(global, runtime.call('opa_boolean', [m.i32.const(c.value ? 1 : 0)]));
        case 'number':
            return m.global.set(global, number(ctx, c.text));
        case 'string': {
            const bytes = ctx.data.utf8(c.value);
            return m.global.set(global, runtime.call('opa_string', [staticAddress(ctx, bytes.offset), m.i32.const(bytes.length)]));
        }
        case 'array':
        case 'set':
        case 'object': {
            const text = ctx.data.utf8(regoText(c));
            return m.block(null, [
                m.global.set(global, runtime.call('opa_value_parse', [staticAddress(ctx, text.offset), m.i32.const(text.length)])),
                m.if(m.i32.eqz(m.global.get(global, i32)), abort(ctx, `runtime cannot parse constant ${global}`)),
            ]);
        }
    }
}
/** Integers that fit an i64 skip the runtime's literal parser; anything else is parsed from its text. */
function number(ctx, text) {
    const { module: m, runtime } = ctx;
    checkNumber(text);
    if (/^-?(0|[1-9][0-9]*)$/.test(text)) {
        const n = BigInt(text);
        if (n >= INT64_MIN && n <= INT64_MAX)
            return runtime.call('opa_number_int', [i64Const(m, n)]);
    }
    const bytes = ctx.data.utf8(text);
    return runtime.call('opa_number_ref', [staticAddress(ctx, bytes.offset), m.i32.const(bytes.length)]);
}
function checkNumber(text) {
    if (!NUMBER_LITERAL.test(text))
        throw new Error(`emitter: bad number literal ${text}`);
}
/** The value in the Rego syntax opa_value_parse reads: JSON plus sets (`{1, 2}`, `set()`) and any-valued keys. */
export function regoText(c) {
    switch (c.type) {
        case 'null':
            return 'null';
        case 'boolean':
            return c.value ? 'true' : 'false';
        case 'number':
            checkNumber(c.text);
            return c.text;
        case 'string':
            return JSON.stringify(c.value);
        case 'array':
            return `[${c.items.map(regoText).join(',')}]`;
        case 'set':
            return c.items.length === 0 ? 'set()' : `{${c.items.map(regoText).join(',')}}`;
        case 'object':
            return `{${c.entries.map(([k, v]) => `${regoText(k)}:${regoText(v)}`).join(',')}}`;
    }
}
//# sourceMappingURL=consts.js.map