// Compiled NFA programs kept across evaluations, keyed by the exact bytes they were compiled from. A policy
// matches the same few patterns in every evaluation, and compiling one costs about what matching it does.
//
// The cache lives in the persistent region (memory.ts): heap resets never reach it, so an entry cannot be
// overwritten behind the cache's back. An entry holds a copy of its whole key and of everything its program points
// to (the code and each class's ranges), nothing in the heap, and is never changed once linked; a lookup compares
// the full key. So a hit is a program compiled from the same bytes, whatever happened to the heap since.
//
//   entry: [next @0 | hash @4 | key length @8 | kind @12 | Program (code, len, cap) @16 | key bytes @32 | code
//           | ranges]

import { persistentRegionEnd, persistentRegionStart } from "../memory";
import { OP_CLASS, Program } from "./nfa";

/** What a key was compiled as: the same bytes mean different programs to glob.match and regex.match. */
export const KIND_GLOB: u32 = 1;

const BUCKETS: u32 = 64;
const ENTRY_HEADER: usize = 32;
const INSTRUCTION_SIZE: usize = 16;
const ALIGN_MASK: usize = 7;

// Bookkeeping in globals, which start at zero with every instance: 0 means "not set up yet".
let heads: usize = 0;
let top: usize = 0;

function reset(): bool {
  const start = persistentRegionStart();
  const bucketBytes = (<usize>BUCKETS) << 2;
  if (start + bucketBytes > persistentRegionEnd()) return false;
  heads = start;
  memory.fill(heads, 0, bucketBytes);
  top = heads + bucketBytes;
  return true;
}

// @ts-ignore: decorator
@inline function align(n: usize): usize {
  return (n + ALIGN_MASK) & ~ALIGN_MASK;
}

// @ts-ignore: decorator
@inline function bucket(hash: u32): usize {
  return heads + ((<usize>(hash & (BUCKETS - 1))) << 2);
}

/** The program cached for kind and key[0, len), or null. */
export function cachedProgram(kind: u32, key: usize, len: u32, hash: u32): Program | null {
  if (heads == 0) return null;
  let e = <usize>load<u32>(bucket(hash));
  while (e != 0) {
    if (load<u32>(e, 4) == hash && load<u32>(e, 8) == len && load<u32>(e, 12) == kind &&
        memory.compare(e + ENTRY_HEADER, key, len) == 0) {
      return changetype<Program>(e + 16);
    }
    e = <usize>load<u32>(e);
  }
  return null;
}

/** Bytes an entry for this key and program takes. */
function entrySize(len: u32, prog: Program): usize {
  let size = align(ENTRY_HEADER + <usize>len) + <usize>prog.len * INSTRUCTION_SIZE;
  for (let pc: u32 = 0; pc < prog.len; pc++) {
    const ins = prog.code + <usize>pc * INSTRUCTION_SIZE;
    if (load<u32>(ins) == OP_CLASS) size += (<usize>load<u32>(ins, 8)) << 3;
  }
  return size;
}

/** Copies prog, with the ranges its classes point to, into a new entry for kind and key[0, len). When the region
 * is full the cache starts over (nothing outside a call holds an entry); a program too large for an empty region
 * is not cached. */
export function cacheProgram(kind: u32, key: usize, len: u32, hash: u32, prog: Program): void {
  const size = entrySize(len, prog);
  if (heads == 0 && !reset()) return;
  if (top + size > persistentRegionEnd()) {
    if (!reset() || top + size > persistentRegionEnd()) return;
  }
  const e = top;
  top += size;
  const code = align(e + ENTRY_HEADER + <usize>len);
  const codeBytes = <usize>prog.len * INSTRUCTION_SIZE;
  memory.copy(e + ENTRY_HEADER, key, len);
  memory.copy(code, prog.code, codeBytes);
  let ranges = code + codeBytes;
  for (let pc: u32 = 0; pc < prog.len; pc++) {
    const ins = code + <usize>pc * INSTRUCTION_SIZE;
    if (load<u32>(ins) != OP_CLASS) continue;
    const bytes = (<usize>load<u32>(ins, 8)) << 3;
    if (bytes == 0) continue;
    memory.copy(ranges, <usize>load<u32>(ins, 4), bytes);
    store<u32>(ins, <u32>ranges, 4);
    ranges += bytes;
  }
  const cached = changetype<Program>(e + 16);
  cached.code = code;
  cached.len = prog.len;
  cached.cap = prog.len;
  store<u32>(e, hash, 4);
  store<u32>(e, len, 8);
  store<u32>(e, kind, 12);
  // Linked last: the entry is complete before a lookup can find it.
  const slot = bucket(hash);
  store<u32>(e, load<u32>(slot));
  store<u32>(slot, <u32>e);
}
