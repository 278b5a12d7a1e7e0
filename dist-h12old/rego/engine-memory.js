// The memory a policy module imports (`env.memory`) declares its limits in the module's import section; the host
// must create a memory that satisfies them or instantiation fails. WebAssembly.Module.imports() does not report
// limits, so this reads them from the binary.
const IMPORT_SECTION = 2;
const KIND_FUNC = 0;
const KIND_TABLE = 1;
const KIND_MEMORY = 2;
const KIND_GLOBAL = 3;
const KIND_TAG = 4;
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
/** A forward-only reader over a module's bytes that fails loudly instead of reading past the end. */
class Reader {
    bytes;
    pos = 0;
    constructor(bytes) {
        this.bytes = bytes;
    }
    get done() {
        return this.pos >= this.bytes.length;
    }
    byte() {
        if (this.pos >= this.bytes.length)
            throw new Error('truncated WebAssembly module');
        return this.bytes[this.pos++];
    }
    u32() {
        let result = 0;
        let shift = 0;
        for (;;) {
            const b = this.byte();
            result += (b & 0x7f) * 2 ** shift;
            if ((b & 0x80) === 0)
                return result;
            shift += 7;
            if (shift > 35)
                throw new Error('malformed LEB128 number in WebAssembly module');
        }
    }
    skip(n) {
        if (this.pos + n > this.bytes.length)
            throw new Error('truncated WebAssembly module');
        this.pos += n;
    }
    name() {
        const len = this.u32();
        const start = this.pos;
        this.skip(len);
        return new TextDecoder().decode(this.bytes.subarray(start, this.pos));
    }
    limits() {
        const flags = this.byte();
        const initial = this.u32();
        const maximum = flags & 0x01 ? this.u32() : undefined;
        return { initial, maximum, shared: (flags & 0x02) !== 0 };
    }
}
/** The limits of the memory the module imports, or undefined when it imports none (it defines its own). */
export function importedMemoryLimits(wasm) {
    const r = new Reader(wasm);
    for (const b of WASM_MAGIC)
        if (r.byte() !== b)
            throw new Error('not a WebAssembly module (bad magic number)');
    r.skip(4); // version
    while (!r.done) {
        const id = r.byte();
        const size = r.u32();
        if (id !== IMPORT_SECTION) {
            r.skip(size);
            continue;
        }
        return memoryInImports(r);
    }
    return undefined;
}
function memoryInImports(r) {
    const count = r.u32();
    for (let i = 0; i < count; i++) {
        r.name();
        r.name();
        const kind = r.byte();
        switch (kind) {
            case KIND_FUNC:
                r.u32();
                break;
            case KIND_TABLE:
                r.byte();
                r.limits();
                break;
            case KIND_MEMORY:
                return r.limits();
            case KIND_GLOBAL:
                r.byte();
                r.byte();
                break;
            case KIND_TAG:
                r.byte();
                r.u32();
                break;
            default:
                throw new Error(`unknown import kind ${kind} in WebAssembly module`);
        }
    }
    return undefined;
}
/** Room to start with, so that small evaluations never need to grow memory. */
const HEADROOM_PAGES = 16;
/** A descriptor for the memory to hand the module: at least what it asks for, never more than it allows. */
export function memoryDescriptorFor(limits) {
    const wanted = Math.max(limits?.initial ?? 0, HEADROOM_PAGES);
    const initial = limits?.maximum === undefined ? wanted : Math.min(wanted, limits.maximum);
    const descriptor = { initial };
    if (limits?.maximum !== undefined)
        descriptor.maximum = limits.maximum;
    if (limits?.shared)
        descriptor.shared = true;
    return descriptor;
}
//# sourceMappingURL=engine-memory.js.map