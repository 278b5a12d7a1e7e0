// The allocator: a bump pointer over the imported linear memory. OPA's SDK resets the heap between evaluations
// with opa_heap_ptr_set, so nothing is ever freed individually and no other allocator may exist.

@external("env", "opa_abort")
declare function opa_abort_import(message: usize): void;

const PAGE_SIZE: usize = 65536;

// Messages for failures where allocating the text is impossible or unsafe.
const OUT_OF_MEMORY = memory.data<u8>([111, 117, 116, 32, 111, 102, 32, 109, 101, 109, 111, 114, 121, 0]);
// "heap base below static data"
const STATIC_DATA_OVERLAP = memory.data<u8>([
  104, 101, 97, 112, 32, 98, 97, 115, 101, 32, 98, 101, 108, 111, 119, 32, 115, 116, 97, 116, 105, 99, 32, 100, 97,
  116, 97, 0,
]);
const ALIGN_MASK: usize = 7;

/** Where the heap starts. A constant comfortably above the runtime's static data (checked on first use), not
 * __heap_base itself, because that would need a start function. Exported as a mutable global so the emitter,
 * which places its constants' data segments here, can move the heap start past them. */
// Kept a literal (not BUILT_HEAP_BASE): AssemblyScript would otherwise initialise the global in a start function.
export let taskgate_heap_base: usize = 131072;
const BUILT_HEAP_BASE: usize = 131072;

// 0 until first use: the start is read lazily from taskgate_heap_base, so a module needs no start function.
let heapPtr: usize = 0;

// @ts-ignore: decorator
@inline function current(): usize {
  if (heapPtr == 0) {
    if (taskgate_heap_base < __heap_base) {
      opa_abort_import(STATIC_DATA_OVERLAP);
      unreachable();
    }
    heapPtr = (taskgate_heap_base + ALIGN_MASK) & ~ALIGN_MASK;
  }
  return heapPtr;
}

/** Fails the evaluation with a message: the host's opa_abort throws, so this never returns. */
export function fatal(message: string): void {
  const n = message.length;
  const cstr = alloc(<usize>n + 1);
  for (let i = 0; i < n; i++) store<u8>(cstr + <usize>i, <u8>message.charCodeAt(i));
  store<u8>(cstr + <usize>n, 0);
  opa_abort_import(cstr);
  unreachable();
}

// The memory size last seen. Memory never shrinks (the host may grow it too), so an end below this needs no check.
let knownCapacity: usize = 0;

function ensureCapacity(end: usize): void {
  const have = <usize>memory.size() * PAGE_SIZE;
  knownCapacity = have;
  if (end <= have) return;
  const pages = <i32>((end - have + PAGE_SIZE - 1) / PAGE_SIZE);
  // Grow geometrically: each grow may copy the whole memory, so page-by-page growth would be quadratic.
  const current = memory.size();
  const extra = current < 256 ? current : 256;
  if (pages < extra && memory.grow(extra) >= 0) {
    knownCapacity = <usize>memory.size() * PAGE_SIZE;
    return;
  }
  if (memory.grow(pages) < 0) {
    // Report with a message that needs no allocation: the heap is exhausted.
    opa_abort_import(OUT_OF_MEMORY);
    unreachable();
  }
  knownCapacity = <usize>memory.size() * PAGE_SIZE;
}


/** Allocates size bytes, 8-byte aligned, uninitialised. */
export function alloc(size: usize): usize {
  // The SDK may set an unaligned heap pointer (just after the input text it copied in).
  const ptr = (current() + ALIGN_MASK) & ~ALIGN_MASK;
  const end = (ptr + size + ALIGN_MASK) & ~ALIGN_MASK;
  if (end < ptr) {
    opa_abort_import(OUT_OF_MEMORY);
    unreachable();
  }
  if (end > knownCapacity) ensureCapacity(end);
  heapPtr = end;
  return ptr;
}

/** Allocates size bytes filled with zeros. */
export function allocZeroed(size: usize): usize {
  const ptr = alloc(size);
  // Most zeroed blocks are headers and small bucket arrays, where memory.fill's call costs more than the work.
  if (size > 256) {
    memory.fill(ptr, 0, size);
  } else {
    for (let p = ptr; p < ptr + size; p += 4) store<u32>(p, 0);
  }
  return ptr;
}

/** Resizes the allocation at ptr (oldSize bytes) to newSize bytes: in place when it is the last one made, else
 * by copying. Growing buffers (arrays, output text) stay cheap because they usually sit at the top of the heap. */
export function realloc(ptr: usize, oldSize: usize, newSize: usize): usize {
  if (ptr != 0 && ((ptr + oldSize + ALIGN_MASK) & ~ALIGN_MASK) == current()) {
    const end = (ptr + newSize + ALIGN_MASK) & ~ALIGN_MASK;
    if (end > knownCapacity) ensureCapacity(end);
    heapPtr = end;
    return ptr;
  }
  const fresh = alloc(newSize);
  if (ptr != 0) memory.copy(fresh, ptr, oldSize < newSize ? oldSize : newSize);
  return fresh;
}

export function heapTop(): usize {
  return current();
}

/** The first byte of the region between the runtime's static data and the heap. Heap resets never reach it
 * (opa_heap_ptr_set refuses pointers below the heap base), so what is written there lasts as long as the instance.
 * It is zero at instantiation only if the host's memory is; its one user keeps its own bookkeeping in globals. */
export function persistentRegionStart(): usize {
  return (__heap_base + ALIGN_MASK) & ~ALIGN_MASK;
}

/** The end of that region: the heap base, but never beyond the heap base the runtime was built with, which is
 * what the module's initial memory (2 pages) is sure to hold. */
export function persistentRegionEnd(): usize {
  return taskgate_heap_base < BUILT_HEAP_BASE ? taskgate_heap_base : BUILT_HEAP_BASE;
}

/** Counts heap resets: anything cached in memory allocated before the last reset may have been overwritten. */
export let heapEpoch: u32 = 1;

export function setHeapTop(ptr: usize): void {
  if (ptr < taskgate_heap_base) fatal("opa_heap_ptr_set: pointer below the heap base");
  heapPtr = ptr;
  heapEpoch++;
}
