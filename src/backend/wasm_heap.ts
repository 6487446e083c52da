// Tensor storage resident in the threaded WebAssembly module's memory: kernel outputs are views of blocks malloc'd in
// the wasm heap, so the next op hands the kernels a pointer instead of copying its operands in and its results out.
// Only for shared memory (the pthreads build): growing a SharedArrayBuffer-backed memory leaves earlier views valid,
// whereas growing an ordinary one detaches them. Blocks come back through recycle() (like native_alloc.ts' pool) or,
// for tensors simply dropped, through a FinalizationRegistry; past a byte budget outputs are ordinary arrays again.
import type { OutputPool } from './kernel_backend.js';
import { alloc as jsAlloc, poisoning, recycle as jsRecycle } from './native_alloc.js';
import { markOwnStorage, unmarkOwnStorage } from './storage_key.js';

/** The module functions the heap needs. */
export interface HeapExports {
  memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(ptr: number): void;
}

/** An output pool in wasm memory that also tells the kernel calls where an array lives. */
export interface WasmHeap extends OutputPool {
  /** Byte address of a[0] when a lives in this module's memory, else -1. */
  pointer(a: Float32Array): number;
  /** Bytes in live and pooled blocks (tests, bench). */
  bytes(): number;
}

/** Resident bytes above which outputs fall back to ordinary arrays (their operands are then copied per call). */
const DEFAULT_BUDGET = 768 * 1024 * 1024;
const POOL_MAX_BYTES = 128 * 1024 * 1024;
const POOL_MAX_PER_SIZE = 256;
/** Blocks are rounded to 64 bytes (a cache line; SIMD loads stay aligned). */
const blockBytes = (n: number): number => Math.max(64, Math.ceil((n * 4) / 64) * 64);

export function makeWasmHeap(w: HeapExports, budget = DEFAULT_BUDGET): WasmHeap {
  const heapBuffers = new WeakSet<ArrayBufferLike>();
  const blocks = new WeakSet<Float32Array>();
  const pooled = new WeakSet<Float32Array>();
  const freeLists = new Map<number, Float32Array[]>();
  let liveBytes = 0;
  let pooledBytes = 0;
  const release = (held: { ptr: number; bytes: number }): void => {
    w.free(held.ptr);
    liveBytes -= held.bytes;
  };
  const finalizer = new FinalizationRegistry(release);

  function block(n: number): Float32Array | null {
    const bytes = blockBytes(n);
    if (liveBytes + bytes > budget) return null;
    const ptr = w.malloc(bytes);
    if (!ptr) return null;
    const buffer = w.memory.buffer;
    heapBuffers.add(buffer);
    const view = new Float32Array(buffer, ptr, n);
    liveBytes += bytes;
    blocks.add(view);
    markOwnStorage(view);
    finalizer.register(view, { ptr, bytes }, view);
    return view;
  }

  function alloc(n: number): Float32Array {
    let out = freeLists.get(n)?.pop() ?? null;
    if (out) {
      pooled.delete(out);
      pooledBytes -= blockBytes(n);
    } else {
      out = n > 0 ? block(n) : null;
      if (!out) return jsAlloc(n);
    }
    if (poisoning()) out.fill(Number.NaN);
    return out;
  }

  function recycle(arrays: readonly unknown[]): void {
    const others: unknown[] = [];
    for (const a of arrays) {
      if (!(a instanceof Float32Array) || !blocks.has(a)) {
        others.push(a);
        continue;
      }
      if (pooled.has(a)) continue;
      const bytes = blockBytes(a.length);
      let list = freeLists.get(a.length);
      if (!list) freeLists.set(a.length, (list = []));
      if (list.length < POOL_MAX_PER_SIZE && pooledBytes + bytes <= POOL_MAX_BYTES) {
        list.push(a);
        pooled.add(a);
        pooledBytes += bytes;
      } else {
        // NOTE: the caller vouches no tensor uses `a` any more: give the block back to malloc now.
        finalizer.unregister(a);
        blocks.delete(a);
        unmarkOwnStorage(a);
        release({ ptr: a.byteOffset, bytes });
      }
    }
    if (others.length > 0) jsRecycle(others);
  }

  return {
    alloc,
    recycle,
    pointer: (a) => (heapBuffers.has(a.buffer) ? a.byteOffset : -1),
    bytes: () => liveBytes,
  };
}
