import { dataSegments, expressionText } from './binaryen-api.js';
const encoder = new TextEncoder();
export class StaticData {
    chunks = [];
    size = 0;
    interned = new Map();
    sealed = false;
    /** UTF-8 bytes of `text`, stored once however often it is asked for. */
    utf8(text) {
        return this.intern(`s:${text}`, () => encoder.encode(text));
    }
    /** A NUL-terminated UTF-8 string (what opa_abort and opa_println read); returns its offset. */
    cString(text) {
        return this.intern(`c:${text}`, () => encoder.encode(`${text}\0`)).offset;
    }
    /** The segment's bytes; nothing may be added afterwards, since its size is then baked into the start code. */
    contents() {
        this.sealed = true;
        const out = new Uint8Array(this.size);
        let at = 0;
        for (const c of this.chunks) {
            out.set(c, at);
            at += c.length;
        }
        return out;
    }
    intern(key, encode) {
        const known = this.interned.get(key);
        if (known)
            return known;
        if (this.sealed)
            throw new Error('emitter: static bytes added after the data segment was laid out');
        const bytes = encode();
        const placed = { offset: this.size, length: bytes.length };
        this.chunks.push(bytes);
        this.size += bytes.length;
        this.interned.set(key, placed);
        return placed;
    }
}
/** binaryen's internal name of the module's only memory (the runtime imports it as env.memory). */
export function memoryName(module) {
    // binaryen resolves an unnamed memory operand to the module's memory; printing the expression reveals its name.
    const text = expressionText(module.memory.size());
    const m = /^\(memory\.size \$(?:"((?:[^"\\]|\\.)*)"|(\S+))\)/.exec(text);
    if (!m)
        throw new Error(`emitter: cannot find the runtime's memory (${text.trim()})`);
    return m[1] ?? m[2];
}
/**
 * Adds `bytes` as a passive segment named `name`. binaryen's JS API can only replace the whole memory
 * description, so the runtime's own segments are carried over and the memory import is restored.
 */
/** binaryen's null expression: passive segments have no offset. */
const NO_OFFSET = 0;
export function addPassiveSegment(module, memory, name, bytes) {
    const info = module.getMemoryInfo(memory);
    const segments = dataSegments(module).map((s) => {
        if (!s.passive && s.offset === null)
            throw new Error(`emitter: runtime data segment ${s.name} has no constant offset`);
        return { name: s.name, data: new Uint8Array(s.data), passive: s.passive, offset: s.passive ? NO_OFFSET : module.i32.const(s.offset ?? 0) };
    });
    segments.push({ name, data: bytes, passive: true, offset: NO_OFFSET });
    const unlimited = -1;
    module.setMemory(info.initial, info.max ?? unlimited, null, segments, info.shared, info.is64, memory);
    if (info.module !== null && info.base !== null)
        module.addMemoryImport(memory, info.module, info.base, info.shared);
}
//# sourceMappingURL=static-data.js.map