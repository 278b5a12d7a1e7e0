// `print`: the values' text joined by spaces, handed to env.opa_println as a C string. Strings print without
// their JSON quotes, as OPA prints them; other values print as JSON; undefined prints as `<undefined>`.
// Two small helper functions are generated on first use; print is for debugging, so it may allocate freely.
import binaryen from 'binaryen';
import { staticAddress } from './context.js';
import { CSTR_JOIN, JSON_UNQUOTE, PRINT_PART } from './names.js';
const i32 = binaryen.i32;
const STRING_TYPE = 4;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const [CHAR_0, CHAR_9, CHAR_A] = [0x30, 0x39, 0x61];
const [CHAR_B, CHAR_F, CHAR_N, CHAR_R, CHAR_T, CHAR_U] = [0x62, 0x66, 0x6e, 0x72, 0x74, 0x75];
export function printStatement(ctx, args) {
    const m = ctx.module;
    addHelpers(ctx);
    const println = ctx.runtime.importFunction('env', 'opa_println', 1, false);
    const parts = args.map((a) => m.call(PRINT_PART, [a], i32));
    const text = parts.length === 0
        ? staticAddress(ctx, ctx.data.cString(''))
        : parts.reduce((joined, part) => m.call(CSTR_JOIN, [joined, part], i32));
    return m.call(println, [text], binaryen.none);
}
function addHelpers(ctx) {
    if (ctx.module.getFunction(PRINT_PART))
        return;
    addJsonUnquote(ctx);
    addPrintPart(ctx);
    addCStringJoin(ctx);
}
/** A C expression's length: the bytes before the NUL at `ptr` (local `ptr`, counting into local `len`). */
function strlen(m, ptr, len, label) {
    return m.block(null, [
        m.local.set(len, m.i32.const(0)),
        m.loop(label, m.if(m.i32.load8_u(0, 1, m.i32.add(m.local.get(ptr, i32), m.local.get(len, i32))), m.block(null, [m.local.set(len, m.i32.add(m.local.get(len, i32), m.i32.const(1))), m.br(label)]))),
    ]);
}
/** print_part(value) -> C string of the value as print shows it. */
function addPrintPart(ctx) {
    const m = ctx.module;
    const [value, dumped] = [0, 1];
    const body = m.block(null, [
        m.if(m.i32.eqz(m.local.get(value, i32)), m.return(staticAddress(ctx, ctx.data.cString('<undefined>')))),
        m.local.set(dumped, ctx.runtime.call('opa_value_dump', [m.local.get(value, i32)])),
        m.if(m.i32.eq(ctx.runtime.call('opa_value_type', [m.local.get(value, i32)]), m.i32.const(STRING_TYPE)), m.call(JSON_UNQUOTE, [m.local.get(dumped, i32)], binaryen.none)),
        m.local.get(dumped, i32),
    ], i32);
    m.addFunction(PRINT_PART, i32, i32, [i32], body);
}
/**
 * json_unquote(p): rewrites the JSON string literal at p (a fresh dump) in place as its text, NUL-terminated.
 * The text is never longer than the literal, so writing trails reading.
 */
function addJsonUnquote(ctx) {
    const m = ctx.module;
    const [p, src, dst, c, code] = [0, 1, 2, 3, 4];
    const get = (l) => m.local.get(l, i32);
    const byteAt = (at) => m.i32.load8_u(0, 1, at);
    const put = (b) => m.block(null, [
        m.i32.store8(0, 1, get(dst), b),
        m.local.set(dst, m.i32.add(get(dst), m.i32.const(1))),
    ]);
    const hexDigit = (at) => {
        const digit = () => byteAt(m.i32.add(get(src), m.i32.const(at)));
        // '0'-'9' -> 0-9, 'a'-'f' and 'A'-'F' -> 10-15
        return m.if(m.i32.le_u(digit(), m.i32.const(CHAR_9)), m.i32.sub(digit(), m.i32.const(CHAR_0)), m.i32.sub(m.i32.or(digit(), m.i32.const(0x20)), m.i32.const(CHAR_A - 10)));
    };
    const unicodeEscape = m.block(null, [
        m.local.set(code, [0, 1, 2, 3].map(hexDigit).reduce((acc, d) => m.i32.or(m.i32.shl(acc, m.i32.const(4)), d))),
        m.local.set(src, m.i32.add(get(src), m.i32.const(4))),
        // UTF-8: the runtime only escapes control characters, but any code point below 0x10000 is written right
        m.if(m.i32.lt_u(get(code), m.i32.const(0x80)), put(get(code)), m.if(m.i32.lt_u(get(code), m.i32.const(0x800)), m.block(null, [
            put(m.i32.or(m.i32.const(0xc0), m.i32.shr_u(get(code), m.i32.const(6)))),
            put(m.i32.or(m.i32.const(0x80), m.i32.and(get(code), m.i32.const(0x3f)))),
        ]), m.block(null, [
            put(m.i32.or(m.i32.const(0xe0), m.i32.shr_u(get(code), m.i32.const(12)))),
            put(m.i32.or(m.i32.const(0x80), m.i32.and(m.i32.shr_u(get(code), m.i32.const(6)), m.i32.const(0x3f)))),
            put(m.i32.or(m.i32.const(0x80), m.i32.and(get(code), m.i32.const(0x3f)))),
        ]))),
    ]);
    const simpleEscapes = [[CHAR_N, 10], [CHAR_R, 13], [CHAR_T, 9], [CHAR_B, 8], [CHAR_F, 12]];
    const escape = m.block(null, [
        m.local.set(c, byteAt(m.i32.add(get(src), m.i32.const(1)))),
        m.local.set(src, m.i32.add(get(src), m.i32.const(2))),
        simpleEscapes.reduceRight((otherwise, [letter, byte]) => m.if(m.i32.eq(get(c), m.i32.const(letter)), put(m.i32.const(byte)), otherwise), m.if(m.i32.eq(get(c), m.i32.const(CHAR_U)), unicodeEscape, put(get(c)))),
    ]);
    const body = m.block(null, [
        m.local.set(src, m.i32.add(get(p), m.i32.const(1))),
        m.local.set(dst, get(p)),
        m.loop('next', m.block(null, [
            m.local.set(c, byteAt(get(src))),
            m.if(m.i32.eq(get(c), m.i32.const(QUOTE)), m.block(null, [m.i32.store8(0, 1, get(dst), m.i32.const(0)), m.return()])),
            m.if(m.i32.eq(get(c), m.i32.const(BACKSLASH)), escape, m.block(null, [put(get(c)), m.local.set(src, m.i32.add(get(src), m.i32.const(1)))])),
            m.br('next'),
        ])),
    ]);
    m.addFunction(JSON_UNQUOTE, i32, binaryen.none, [i32, i32, i32, i32], body);
}
/** cstr_join(a, b) -> a new C string `a b`. */
function addCStringJoin(ctx) {
    const m = ctx.module;
    const [a, b, lenA, lenB, out] = [0, 1, 2, 3, 4];
    const get = (l) => m.local.get(l, i32);
    const body = m.block(null, [
        strlen(m, a, lenA, 'strlen_a'),
        strlen(m, b, lenB, 'strlen_b'),
        m.local.set(out, ctx.runtime.call('opa_malloc', [m.i32.add(m.i32.add(get(lenA), get(lenB)), m.i32.const(2))])),
        m.memory.copy(get(out), get(a), get(lenA)),
        m.i32.store8(0, 1, m.i32.add(get(out), get(lenA)), m.i32.const(SPACE)),
        m.memory.copy(m.i32.add(m.i32.add(get(out), get(lenA)), m.i32.const(1)), get(b), get(lenB)),
        m.i32.store8(0, 1, m.i32.add(m.i32.add(m.i32.add(get(out), get(lenA)), get(lenB)), m.i32.const(1)), m.i32.const(0)),
        get(out),
    ], i32);
    m.addFunction(CSTR_JOIN, binaryen.createType([i32, i32]), i32, [i32, i32, i32], body);
}
//# sourceMappingURL=print.js.map