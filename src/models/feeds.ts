// Batch feeds of the fit/evaluate/predict loops: in-memory tensors (seeded shuffle per epoch) or a stream (Dataset, async iterable).
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { Model } from './functional.js';
import { shuffledIndices, takeBatch } from './data.js';
import { globalRng } from '../random/rng.js';
import type { RngState } from './resume.js';
import { prepare, type Prepared } from './training.js';
import { Dataset } from '../data/dataset.js';
import { isPromise, skipValues, type DataIterator, type MaybePromise } from '../data/iterator.js';
import { Tensor as TensorClass } from '../tensor/tensor.js';
import { BufferPool, gatherRows, type Element } from '../data/structure.js';

/** Where fit/evaluate/predict take their batches from. */
export interface Feed {
  /** Batches per epoch when known. */
  steps: number | null;
  /** Samples per epoch when known. */
  samples: number | null;
  /** Starts an epoch; `skip` batches are fast-forwarded (resuming mid-epoch). */
  begin(epoch: number, skip: number): MaybePromise<void>;
  /** The batch of step `step` of the epoch, or null at the end of the epoch. */
  next(step: number): MaybePromise<Prepared | null>;
  /** What begin(epoch, skip) needs to come back to the current point. */
  position(): number;
  /** True when a stream with stepsPerEpoch ran out of data (fit stops, as Keras). */
  exhausted: boolean;
  /** True when the position carries over epochs (a stream with stepsPerEpoch keeps its iterator). */
  readonly carriesOver: boolean;
  /** Where the next epoch starts when carriesOver (default: position()). */
  carry?(): number;
  /** The global generator's state the open pass drew its shuffle from, when that may predate this epoch. */
  passRng?: RngState | null;
}

export function pack(p: Prepared): Tensor[] {
  return [...p.xs, ...p.ys, ...(p.sw ? [p.sw] : [])];
}

export function unpack(ts: Tensor[], like: Prepared): Prepared {
  const nx = like.xs.length;
  const ny = like.ys.length;
  return { xs: ts.slice(0, nx), ys: ts.slice(nx, nx + ny), sw: like.sw ? ts[nx + ny] : null, n: ts[0].shape[0] };
}

/**
 * In-memory tensors: batches are views, or row-block gathers along a seeded order drawn at each pass's start into
 * pooled storage (a batch goes back to the pool two steps later, once it is no longer the model's lastTrainBatch).
 * With `steps` (Keras' steps_per_epoch / validation_steps on arrays) an epoch draws `steps` batches and the pass
 * continues across epochs; an epoch that reaches the end of the pass stops there with Keras' warning, and the next
 * epoch starts a new pass (a new shuffle).
 */
export class TensorFeed implements Feed {
  readonly steps: number;
  readonly samples: number;
  readonly carriesOver: boolean;
  exhausted = false;
  /** With steps: the global generator's state when the open pass drew its shuffle (for an exact resume). */
  passRng: RngState | null = null;
  private readonly all: Tensor[];
  private readonly batches: number;
  private order: Int32Array | null = null;
  /** Batches of the open pass handed out (with steps, across epochs). */
  private seen = 0;
  private open = false;
  private warned = false;
  private readonly pool = new BufferPool();
  private readonly held: Tensor[][] = [];

  constructor(private readonly data: Prepared, readonly batchSize: number, private readonly shuffle: boolean,
    private readonly stepsPerEpoch: number | null = null, private readonly what = 'fit') {
    this.batches = Math.ceil(data.n / batchSize);
    this.steps = stepsPerEpoch ?? this.batches;
    this.carriesOver = stepsPerEpoch !== null;
    this.samples = data.n;
    this.all = pack(data);
  }

  /** Opens a pass unless one carries over; `skip` batches of it are done already (resuming). */
  begin(_epoch: number, skip: number): void {
    this.warned = false;
    if (this.carriesOver && this.open && this.seen < this.batches) return;
    this.passRng = this.carriesOver ? globalRng().getState() : null;
    this.order = this.shuffle ? shuffledIndices(this.data.n) : null;
    this.open = true;
    this.held.length = 0;
    this.seen = skip;
  }

  next(step: number): Prepared | null {
    if (step >= this.steps) return null;
    if (this.seen >= this.batches) {
      if (this.carriesOver && !this.warned) {
        this.warned = true;
        console.warn(`Warning: ${this.what}: your input ran out of data after ${step} batches of this epoch (${this.batches} batches of ${this.batchSize} per pass over ${this.data.n} samples, ${this.steps} steps per epoch); the next epoch starts a new pass. Make sure the data can generate at least steps batches per epoch.`);
      }
      return null;
    }
    const k = this.seen++;
    const start = k * this.batchSize;
    const end = Math.min(this.data.n, start + this.batchSize);
    const order = this.order;
    if (!order) return unpack(takeBatch(this.all, start, end), this.data);
    const batch = this.all.map((t) => gatherRows(t, order, start, end, this.pool));
    this.held.push(batch);
    if (this.held.length > 2) for (const t of this.held.shift()!) this.pool.give(t.data);
    return unpack(batch, this.data);
  }

  /** Batches of the open pass done (with steps: counted across epochs). */
  position(): number {
    return this.seen;
  }

  /** Where the next epoch starts: 0 once the pass is used up (a new pass begins). */
  carry(): number {
    return this.carriesOver && this.seen < this.batches ? this.seen : 0;
  }
}

export interface StreamFeedOptions {
  /** fit (x, y[, sampleWeight] tuples) or predict (x, or a tuple whose first entry is x). */
  mode: 'fit' | 'predict';
  /** Keras' steps_per_epoch / validation_steps: batches per epoch; the iterator then continues across epochs. */
  steps?: number | null;
  /** What errors call the loop ('fit', 'evaluate', 'predict', 'validation'). */
  what: string;
  /**
   * Hand each batch back to the pipeline (DataIterator.release) once the loop can no longer read it, so a source
   * that pools batch storage reuses it. Safe for fit and evaluate, which keep nothing of a batch but
   * model.lastTrainBatch (the latest one); not for predict, whose outputs may share an input's storage.
   */
  release?: boolean;
}

type Signature = { shape: number[]; dtype: string }[];

/** A Dataset or async iterable of batches: `[x, y]`, `[x, y, sampleWeight]`, or x alone for predict. */
export class StreamFeed implements Feed {
  readonly steps: number | null;
  readonly samples = null;
  readonly carriesOver: boolean;
  exhausted = false;
  private readonly ds: Dataset;
  private it: DataIterator<Element> | null = null;
  private consumed = 0;
  private epoch = 0;
  private signature: Signature | null = null;
  /** Batches handed out and not yet released: the newest two (the one training now, the model's lastTrainBatch). */
  private readonly held: Element[] = [];

  constructor(private readonly model: Model, source: Dataset | AsyncIterable<Element>, private readonly options: StreamFeedOptions) {
    this.ds = source instanceof Dataset ? source : Dataset.fromGenerator(source);
    const n = this.ds.length;
    if (options.steps != null && !(Number.isInteger(options.steps) && options.steps > 0)) {
      throw new Error(`${options.what}: ${options.what === 'validation' ? 'validationSteps' : 'stepsPerEpoch'} must be a positive integer, received ${options.steps}`);
    }
    if (options.steps == null && n === Infinity) {
      throw new Error(`${options.what}: the dataset is infinite (repeat()); pass ${options.what === 'validation' ? 'validationSteps' : 'stepsPerEpoch'}`);
    }
    this.steps = options.steps ?? (n === null ? null : n);
    this.carriesOver = options.steps != null;
  }

  /** Per-epoch iterators (salt = epoch) without stepsPerEpoch; one iterator across epochs with it (Keras). */
  begin(epoch: number, skip: number): MaybePromise<void> {
    this.epoch = epoch;
    if (this.options.steps == null || this.it === null) {
      this.it?.return?.();
      this.held.length = 0;
      this.it = this.ds.iterator({ epoch: this.options.steps == null ? epoch : 0 });
      this.consumed = 0;
      if (skip > 0) return then(skipValues(this.it, skip), (k) => void (this.consumed = k));
    }
  }

  next(step: number): MaybePromise<Prepared | null> {
    if (this.options.steps != null && step >= this.options.steps) return null;
    let r;
    try {
      r = this.it!.next();
    } catch (e) {
      throw this.failure(step, e);
    }
    if (isPromise(r)) return r.then((s) => this.toBatch(step, s), (e) => { throw this.failure(step, e); });
    return this.toBatch(step, r);
  }

  position(): number {
    return this.consumed;
  }

  private failure(step: number, e: unknown): Error {
    const msg = e instanceof Error ? e.message : String(e);
    return new Error(`${this.options.what}: the data source failed at batch ${step} (epoch ${this.epoch + 1}): ${msg}`, { cause: e });
  }

  private toBatch(step: number, s: IteratorResult<Element, undefined>): Prepared | null {
    if (s.done) {
      if (this.options.steps != null) this.exhausted = true;
      this.it = null;
      return null;
    }
    this.consumed++;
    if (this.options.release && this.it?.release) {
      this.held.push(s.value);
      if (this.held.length > 2) this.it.release(this.held.shift()!);
    }
    const where = `${this.options.what}: batch ${step} (epoch ${this.epoch + 1})`;
    const e = s.value;
    let x: unknown;
    let y: unknown = null;
    let sw: unknown = null;
    if (this.options.mode === 'predict') x = Array.isArray(e) ? e[0] : e;
    else {
      if (!Array.isArray(e) || e.length < 2 || e.length > 3) {
        throw new Error(`${where}: expected an [x, y] or [x, y, sampleWeight] batch, received ${e instanceof TensorClass ? `a single tensor of shape ${formatShape(e.shape)}` : Array.isArray(e) ? `an array of ${e.length}` : typeof e}`);
      }
      [x, y, sw = null] = e as unknown[];
    }
    let p: Prepared;
    try {
      p = prepare(this.model, x as Tensor, y as Tensor | null, sw as Tensor | null);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
    }
    this.check(where, p);
    return p;
  }

  /** Every batch must match the first one's shapes (but the batch size) and dtypes. */
  private check(where: string, p: Prepared): void {
    const all = [...p.xs, ...p.ys];
    const names = [...p.xs.map((_, i) => (p.xs.length > 1 ? `x[${i}]` : 'x')), ...p.ys.map((_, i) => (p.ys.length > 1 ? `y[${i}]` : 'y'))];
    if (!this.signature) {
      this.signature = all.map((t) => ({ shape: t.shape, dtype: t.dtype }));
      return;
    }
    const sig = this.signature;
    all.forEach((t, i) => {
      const want = sig[i];
      const ok = want && t.dtype === want.dtype && t.rank === want.shape.length && t.shape.every((d, k) => k === 0 || d === want.shape[k]);
      if (!ok) {
        const expected = want ? `shape [${['None', ...want.shape.slice(1)].join(', ')}] ${want.dtype}` : 'no tensor';
        throw new Error(`${where}: ${names[i]} expected ${expected} (like the first batch), received shape ${formatShape(t.shape)} ${t.dtype}`);
      }
    });
  }
}

function then<T, U>(v: MaybePromise<T>, f: (t: T) => U): MaybePromise<U> {
  return isPromise(v) ? v.then(f) : f(v);
}

/** A feed over the data fit/evaluate/predict received. */
export function isStream(x: unknown): x is Dataset | AsyncIterable<Element> {
  return x instanceof Dataset || (!!x && !(x instanceof TensorClass) && !Array.isArray(x) && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function');
}
