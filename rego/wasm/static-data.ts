// The bytes the generated code needs at run time (constant strings, number literals, abort messages, the JSON of
// the `builtins` and `entrypoints` exports), collected into one passive data segment. The start function copies
// the segment into memory it allocates from the runtime's heap, so the emitter never needs to know where the
// runtime's static data ends or where its heap begins; generated code addresses a byte as `base + offset`.
import binaryen from 'binaryen';
import { dataSegments, expressionText, type NamedMemorySegment } from './binaryen-api.js';

export interface Bytes {
  offset: number;
  length: number;
}

const encoder = new TextEncoder();

export class StaticData {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private readonly interned = new Map<string, Bytes>();
  private sealed = false;

  /** UTF-8 bytes of `text`, stored once however often it is asked for. */
  utf8(text: string): Bytes {
    return this.intern(`s:${text}`, () => encoder.encode(text));
  }

  /** A NUL-terminated UTF-8 string (what opa_abort and opa_println read); returns its offset. */
  cString(text: string): number {
    return this.intern(`c:${text}`, () => encoder.encode(`${text}\0`)).offset;
  }

  /** The segment's bytes; nothing may be added afterwards, since its size is then baked into the start code. */
  contents(): Uint8Array {
    this.sealed = true;
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private intern(key: string, encode: () => Uint8Array): Bytes {
    const known = this.interned.get(key);
    if (known) return known;
    if (this.sealed) throw new Error('emitter: static bytes added after the data segment was laid out');
    const bytes = encode();
    const placed = { offset: this.size, length: bytes.length };
    this.chunks.push(bytes);
    this.size += bytes.length;
    this.interned.set(key, placed);
    return placed;
  }
}

/** binaryen's internal name of the module's only memory (the runtime imports it as env.memory). */
export function memoryName(module: binaryen.Module): string {
  // binaryen resolves an unnamed memory operand to the module's memory; printing the expression reveals its name.
  const text = expressionText(module.memory.size());
  const m = /^\(memory\.size \$(?:"((?:[^"\\]|\\.)*)"|(\S+))\)/.exec(text);
  if (!m) throw new Error(`emitter: cannot find the runtime's memory (${text.trim()})`);
  return m[1] ?? m[2];
}

/**
 * Adds `bytes` as a passive segment named `name`. binaryen's JS API can only replace the whole memory
 * description, so the runtime's own segments are carried over and the memory import is restored.
 */
/** binaryen's null expression: passive segments have no offset. */
const NO_OFFSET = 0;

export function addPassiveSegment(module: binaryen.Module, memory: string, name: string, bytes: Uint8Array): void {
  const info = module.getMemoryInfo(memory);
  const segments: NamedMemorySegment[] = dataSegments(module).map((s) => {
    if (!s.passive && s.offset === null) throw new Error(`emitter: runtime data segment ${s.name} has no constant offset`);
    return { name: s.name, data: new Uint8Array(s.data), passive: s.passive, offset: s.passive ? NO_OFFSET : module.i32.const(s.offset ?? 0) };
  });
  segments.push({ name, data: bytes, passive: true, offset: NO_OFFSET });
  const unlimited = -1;
  module.setMemory(info.initial, info.max ?? unlimited, null, segments, info.shared, info.is64, memory);
  if (info.module !== null && info.base !== null) module.addMemoryImport(memory, info.module, info.base, info.shared);
}
