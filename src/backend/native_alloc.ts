// Output buffers of the kernel backends (native, wasm): uninitialized large outputs, a free list fed by recycle(), NaN
// poisoning for tests. Browser-safe: without Node's Buffer, outputs are ordinary (zeroed) Float32Arrays.
import { envVar } from './registry.js';

/** Outputs of at least this many floats skip V8's zero-fill (every native kernel writes its whole output). */
const UNINITIALIZED_MIN = 2048;
/** LAYERWISE_POISON_OUTPUTS=1 fills uninitialized outputs with NaN, so a kernel that leaves a hole fails tests. */
let poisonOutputs = envVar('LAYERWISE_POISON_OUTPUTS') === '1';

/** For tests: turns NaN-poisoning of uninitialized outputs on or off; returns the previous setting. */
export function setPoisonOutputs(on: boolean): boolean {
  const was = poisonOutputs;
  poisonOutputs = on;
  return was;
}

/** Whether outputs are NaN-poisoned (the wasm heap pool follows the same switch). */
export function poisoning(): boolean {
  return poisonOutputs;
}

/** Node's Buffer when present (its allocUnsafeSlow skips the zero fill), else undefined. */
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(n: number): Uint8Array } }).Buffer;

/** Buffers handed out by alloc (dedicated, uninitialized class) and, of those, the ones waiting in the free lists. */
const ownBuffers = new WeakSet<ArrayBufferLike>();
const pooledBuffers = new WeakSet<ArrayBufferLike>();
const freeLists = new Map<number, Float32Array[]>();
const POOL_MAX_BYTES = 128 * 1024 * 1024;
const POOL_MAX_PER_SIZE = 256;
let pooledBytes = 0;

/**
 * Output storage. Large outputs come from Buffer.allocUnsafeSlow (own ArrayBuffer, not zeroed): zeroing a
 * 784 x 300 gradient cost more than half the GEMM that fills it. Buffers handed back through recycle() (dead
 * gradients after a training step, intermediate gradients after backward, consumed intermediates of inference
 * runs) are reused first: a fresh 3.2 MB output cost 190 us against 45 us reused, and V8's external-memory GCs
 * stay rare. The addon keeps freed
 * memory in the malloc heap (tuneMalloc in native/addon.cc), so page faults stay rare.
 */
export function alloc(n: number): Float32Array {
  if (n < UNINITIALIZED_MIN) return new Float32Array(n);
  const reused = freeLists.get(n)?.pop();
  let out: Float32Array;
  if (reused) {
    pooledBuffers.delete(reused.buffer);
    pooledBytes -= reused.byteLength;
    out = reused;
  } else {
    const bytes = NodeBuffer ? NodeBuffer.allocUnsafeSlow(n * 4) : new Uint8Array(n * 4);
    out = new Float32Array(bytes.buffer, bytes.byteOffset, n);
    ownBuffers.add(out.buffer);
  }
  if (poisonOutputs) out.fill(Number.NaN);
  return out;
}

/** Takes back arrays no live tensor uses; only whole buffers that alloc handed out are kept, each once. */
export function recycle(arrays: readonly unknown[]): void {
  for (const a of arrays) {
    if (!(a instanceof Float32Array) || !ownBuffers.has(a.buffer) || pooledBuffers.has(a.buffer)) continue;
    if (a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength || pooledBytes + a.byteLength > POOL_MAX_BYTES) continue;
    let list = freeLists.get(a.length);
    if (!list) freeLists.set(a.length, (list = []));
    if (list.length >= POOL_MAX_PER_SIZE) continue;
    list.push(a);
    pooledBuffers.add(a.buffer);
    pooledBytes += a.byteLength;
  }
}
