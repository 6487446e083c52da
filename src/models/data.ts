// Data plumbing for fit/evaluate/predict: x/y normalisation, batching, seeded shuffling, validation split, class weights.
import { Tensor } from '../tensor/tensor.js';
import { tensor, type NestedArray } from '../tensor/creation.js';
import { formatShape } from '../tensor/shape.js';
import { argmax, sliceAxis } from '../ops/index.js';
import { globalRng } from '../random/rng.js';
import { rowsView } from '../data/structure.js';

/** What fit/evaluate/predict accept for x or y: one tensor (or nested number arrays), one per input/output, or keyed by input/output name. */
export type ModelData = Tensor | Tensor[] | Record<string, Tensor> | NestedArray[];

/** Turns x or y into a list ordered like `names` (the model's inputs or outputs). */
export function toTensorList(data: ModelData, names: readonly string[], what: string): Tensor[] {
  if (data instanceof Tensor) return [data];
  if (Array.isArray(data) && data.length > 0 && !data.some((t) => t instanceof Tensor)) return [tensor(data as any)];
  if (Array.isArray(data)) {
    data.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`${what}[${i}]: expected a Tensor, received ${typeof t}`);
    });
    return data as Tensor[];
  }
  if (data && typeof data === 'object') {
    return names.map((n) => {
      const t = (data as Record<string, Tensor>)[n];
      if (!(t instanceof Tensor)) throw new Error(`${what}: no tensor for "${n}" (keys given: ${Object.keys(data).join(', ')})`);
      return t;
    });
  }
  throw new Error(`${what}: expected a Tensor, an array of Tensors or an object of Tensors, received ${String(data)}`);
}

/** The common number of samples (first dimension) of every tensor; errors name the mismatching ones. */
export function numSamples(groups: { what: string; tensors: readonly Tensor[] }[]): number {
  let n: number | null = null;
  let first = '';
  for (const { what, tensors } of groups) {
    tensors.forEach((t, i) => {
      if (t.rank === 0) throw new Error(`${what}: expected at least one dimension (samples first), received a scalar`);
      const label = tensors.length > 1 ? `${what}[${i}]` : what;
      if (n === null) {
        n = t.shape[0];
        first = label;
      } else if (t.shape[0] !== n) {
        throw new Error(`Data cardinality is ambiguous: ${first} has ${n} samples but ${label} has ${t.shape[0]} (shape ${formatShape(t.shape)}); they must have the same first dimension`);
      }
    });
  }
  return n ?? 0;
}

/** A seeded permutation of 0..n-1 (Fisher-Yates on the global generator: setRandomSeed makes it reproducible). */
export function shuffledIndices(n: number): Int32Array {
  const g = globalRng();
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(i + 1);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

/**
 * Rows [start, end) of each tensor, as views of its storage (a shuffled batch is gathered by TensorFeed with
 * data/structure's gatherRows). A copy per batch cost a fresh 100 KB buffer per step of a 784-feature fit: V8
 * counts such buffers against its old generation's limit, and they brought on back-to-back major collections.
 */
export function takeBatch(tensors: readonly Tensor[], start: number, end: number): Tensor[] {
  return tensors.map((t) => (start === 0 && end === t.shape[0] ? t : rowsView(t, start, end)));
}

/** Keras' validation_split: the LAST `split` fraction of the samples (taken before any shuffling). */
export function splitTail(tensors: readonly Tensor[], n: number, split: number): { train: Tensor[]; val: Tensor[] } {
  if (!(split > 0 && split < 1)) throw new Error(`validationSplit must be in (0, 1), received ${split}`);
  const at = Math.floor(n * (1 - split));
  if (at === 0 || at === n) throw new Error(`validationSplit ${split} of ${n} samples leaves an empty training or validation set`);
  return { train: tensors.map((t) => sliceAxis(t, 0, 0, at)), val: tensors.map((t) => sliceAxis(t, 0, at, n)) };
}

/** Class ids of labels: argmax of one-hot rows, else the (rounded) label itself. */
function classIds(y: Tensor): number[] {
  if (y.rank >= 2 && y.shape[y.rank - 1] > 1) return Array.from(argmax(y, -1).dataSync());
  return Array.from(y.dataSync(), (v) => Math.round(v));
}

/** Per-sample weights from classWeight ({class: weight}, missing classes weigh 1) times sampleWeight. */
export function sampleWeights(y: Tensor | undefined, classWeight?: Record<number, number> | null, sampleWeight?: Tensor | null): Tensor | null {
  let w: Float32Array | null = sampleWeight ? Float32Array.from(sampleWeight.dataSync()) : null;
  if (classWeight && y) {
    const ids = classIds(y);
    const cw = Float32Array.from(ids, (c) => classWeight[c] ?? 1);
    w = w ? w.map((v, i) => v * cw[i]) : cw;
  }
  return w ? tensor(w, [w.length], 'float32') : null;
}

/** A macrotask without setTimeout's 4 ms clamp: setImmediate under Node, a MessageChannel message in a page. */
const nextMacrotask: (fn: () => void) => void = typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (() => {
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return (fn: () => void) => {
    queue.push(fn);
    channel.port2.postMessage(0);
  };
})();

/** Lets timers, I/O, AbortSignal listeners and (in a page) rendering and input run between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => nextMacrotask(resolve));
}
