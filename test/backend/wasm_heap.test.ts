// Tensors resident in the threaded wasm module's heap (src/backend/wasm_heap.ts): the kernel suite with every operand
// already in the heap (passed by pointer, in-place updates included), views surviving memory growth, block reuse,
// the byte budget's fallback, and training whose dropped tensors go back to malloc once collected.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Backend, OptimizerUpdate, RawTensor } from '../../src/backend/backend.js';
import { makeKernelBackend } from '../../src/backend/kernel_backend.js';
import { setPoisonOutputs } from '../../src/backend/native_alloc.js';
import { registerBackend, setBackend, getBackend } from '../../src/backend/registry.js';
import { storageKey } from '../../src/backend/storage_key.js';
import { makeWasmAddon } from '../../src/backend/wasm_addon.js';
import { loadWasmBackend } from '../../src/backend/wasm.js';
import { makeWasmHeap, type WasmHeap } from '../../src/backend/wasm_heap.js';
import { loadWasmThreadsBackend, wasmThreadsInternals } from '../../src/backend/wasm_threads_node.js';
import { Sequential, layers, optimizers, setRandomSeed, tensor } from '../../src/index.js';
import { kernelSuite, rand } from '../helpers/kernel_suite.js';

setPoisonOutputs(true);

type Internals = Awaited<ReturnType<typeof wasmThreadsInternals>>;
let wasm: Internals | null = null;
let tb: Backend | null = null;
before(async () => {
  tb = await loadWasmThreadsBackend();
  wasm = await wasmThreadsInternals();
});
const heap = (): WasmHeap => wasm!.heap;

/** A heap copy of a (so a kernel reads it by pointer). */
function resident(a: Float32Array): Float32Array {
  const h = heap().alloc(a.length);
  assert.ok(heap().pointer(h) >= 0 || a.length === 0, 'alloc returned a heap block');
  h.set(a);
  return h;
}

/** The threaded backend with every float32 operand moved into the heap first; in-place updates copied back. */
function residentInputs(b: Backend): Backend {
  const move = (x: unknown): unknown => {
    if (x && typeof x === 'object' && 'data' in x && (x as RawTensor).data instanceof Float32Array) {
      const t = x as RawTensor;
      return { ...t, data: resident(t.data as Float32Array) };
    }
    return x;
  };
  const out: Record<string, unknown> = { ...b };
  for (const [k, f] of Object.entries(b)) {
    if (typeof f !== 'function') continue;
    out[k] = (...args: unknown[]) => (f as (...a: unknown[]) => unknown)(...args.map(move));
  }
  const inPlace = (arrays: Float32Array[][], run: (moved: Float32Array[][]) => void): void => {
    const moved = arrays.map((list) => list.map(resident));
    run(moved);
    arrays.forEach((list, i) => list.forEach((a, j) => a.set(moved[i][j])));
  };
  out.optimizerUpdate = (u: OptimizerUpdate) => inPlace([u.params, u.grads, ...u.slots], ([params, grads, ...slots]) =>
    b.optimizerUpdate({ ...u, params, grads, slots }));
  out.movingAverage = (targets: Float32Array[], values: Float32Array[], momentum: number) =>
    inPlace([targets, values], ([t, v]) => b.movingAverage(t, v, momentum));
  return out as unknown as Backend;
}

describe('wasm heap: operands resident in the heap', () => {
  it('threaded outputs are heap blocks, each its own storage', () => {
    const y = tb!.unary('exp', rand([3000], 1), {});
    const z = tb!.unary('exp', rand([3000], 2), {});
    assert.ok(y.data.buffer instanceof SharedArrayBuffer);
    assert.ok(heap().pointer(y.data as Float32Array) > 0);
    assert.equal(storageKey(y.data), y.data);
    assert.notEqual(storageKey(y.data), storageKey(z.data));
    assert.equal(storageKey(new Float32Array(4)).constructor, ArrayBuffer);
  });
  kernelSuite(() => residentInputs(tb!));
});

describe('wasm heap: growth, reuse and budget', () => {
  it('views made before the memory grows keep their values and still feed kernels', () => {
    const x = tb!.unary('linear', rand([5000], 3), {});
    const before = Float32Array.from(x.data as Float32Array);
    const pages = wasm!.exports.memory.buffer.byteLength;
    const big = heap().alloc(48 * 1024 * 1024);  // 192 MB: more than the heap had
    assert.ok(wasm!.exports.memory.buffer.byteLength > pages, 'memory grew');
    assert.deepEqual(Float32Array.from(x.data as Float32Array), before);
    const y = tb!.unary('neg', x, {});
    assert.deepEqual(Array.from(y.data as Float32Array), Array.from(before, (v) => -v));
    heap().recycle([big]);
  });

  it('a recycled block is handed out again for the same size, NaN-poisoned', () => {
    const a = heap().alloc(1234);
    a.fill(7);
    heap().recycle([a]);
    const b = heap().alloc(1234);
    assert.equal(b.byteOffset, a.byteOffset);
    assert.ok(Number.isNaN(b[0]) && Number.isNaN(b[1233]));
  });

  it('past its byte budget a heap falls back to ordinary arrays, and kernels copy those', () => {
    const small = makeWasmHeap(wasm!.exports, 64 * 1024);
    const be = makeKernelBackend(makeWasmAddon(wasm!.exports, wasm!.isa, small), 'wasm', small);
    const x = rand([10000], 4);  // 40 kB: fits
    const y = be.unary('relu', x, {});
    assert.ok(small.pointer(y.data as Float32Array) >= 0);
    const z = be.unary('relu', y, {});  // another 40 kB: over budget
    assert.equal(small.pointer(z.data as Float32Array), -1);
    assert.ok(!(z.data.buffer instanceof SharedArrayBuffer));
    assert.deepEqual(Array.from(z.data as Float32Array), Array.from(x.data as Float32Array, (v) => Math.max(v, 0)));
  });
});

describe('wasm heap: training', () => {
  function train(): { losses: number[]; heapBytes: number[] } {
    setRandomSeed(7);
    const m = new Sequential([new layers.Dense(64, { activation: 'relu', inputShape: [40] }), new layers.BatchNormalization(),
      new layers.Dense(32, { activation: 'elu' }), new layers.Dense(5, { activation: 'softmax' })]);
    m.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy' });
    const xs = rand([64, 40], 11).data as Float32Array;
    const x = tensor(Array.from({ length: 64 }, (_, i) => Array.from(xs.subarray(i * 40, i * 40 + 40))));
    const y = tensor(Array.from({ length: 64 }, (_, i) => (i * 7) % 5), [64], 'int32');
    const losses: number[] = [];
    const heapBytes: number[] = [];
    for (let s = 0; s < 30; s++) {
      losses.push(m.trainOnBatch(x, y)[0]);
      heapBytes.push(heap().bytes());
    }
    return { losses, heapBytes };
  }

  it('matches the single-thread (copying) wasm backend; blocks of dropped tensors are freed after a GC', async () => {
    const was = getBackend();
    registerBackend(tb!);
    setBackend('wasm');
    const resident = train();
    const st = loadWasmBackend().backend!;
    registerBackend(st);
    setBackend('wasm');
    const copying = train();
    registerBackend(tb!);
    setBackend(was);
    resident.losses.forEach((l, i) => assert.ok(Math.abs(l - copying.losses[i]) <= 1e-4 * Math.max(1, Math.abs(l)), `step ${i}: ${l} vs ${copying.losses[i]}`));
    assert.ok(resident.losses.at(-1)! < resident.losses[0] / 2, `loss ${resident.losses[0]} -> ${resident.losses.at(-1)}`);
    // Gradients are recycled each step; forward activations (not recycled: a layer may keep its outputs) are freed by
    // the FinalizationRegistry once the GC collects their arrays.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const grown = heap().bytes();
    assert.ok(grown > resident.heapBytes[0], `heap bytes per step: ${resident.heapBytes.join(', ')}`);
    for (let i = 0; i < 5 && heap().bytes() >= grown; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(heap().bytes() < grown - 20 * (resident.heapBytes[1] - resident.heapBytes[0]) / 2, `after GC: ${heap().bytes()} of ${grown} bytes`);
  });
});
