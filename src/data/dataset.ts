// Dataset: a lazy, re-iterable input pipeline (tf.data's Dataset): sources, transformations, seeded shuffling.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { Generator, globalRng, mixSeed } from '../random/rng.js';
import { flatten, rebuild, rowView, rowsView, type Element } from './structure.js';
import { DONE, StageIterator, fromJsIterator, isPromise, type DataIterator, type MaybePromise, type Step } from './iterator.js';
import {
  MapIterator, PrefetchIterator, RepeatIterator, RowsBatchIterator, batchStage, filterStage, shuffleStage, skipStage, takeStage, unbatchStage,
} from './stages.js';

/** Opens one pass over the data; `salt` identifies the pass (the epoch) so seeded shuffles differ per pass. */
export type Opener<T> = (salt: number) => DataIterator<T>;

/** Where cache(path) stores elements: installed by the Node-only module (src/data/node.ts). @internal */
export interface FileCache {
  open<T extends Element>(path: string, upstream: Opener<T>, salt: number): DataIterator<T>;
}
let fileCache: FileCache | null = null;
/** @internal */
export function installFileCache(impl: FileCache): void {
  fileCache = impl;
}

export interface ShuffleOptions {
  /** Seed of this shuffle (default: drawn from the global generator when shuffle() is called, so setRandomSeed fixes it). */
  seed?: number;
  /** A new order every pass (epoch), as tf.data (default true). */
  reshuffleEachIteration?: boolean;
}

export interface IterateOptions {
  /** The pass (epoch) number: seeded shuffles draw a different, reproducible order per pass (default 0). */
  epoch?: number;
}

function count(n: number, what: string, allowZero = true): number {
  if (!(Number.isInteger(n) && (allowZero ? n >= 0 : n > 0))) throw new Error(`Dataset.${what}: expected a ${allowZero ? 'non-negative' : 'positive'} integer, received ${n}`);
  return n;
}

/**
 * A lazy input pipeline: each pass (epoch) re-opens the sources. Elements are Tensors or arrays/objects of
 * Tensors, e.g. `[x, y]`. Stages run synchronously unless a source or a map function is asynchronous.
 * @example const ds = data.Dataset.fromTensors([x, y]).shuffle(10_000, { seed: 42 }).batch(32).prefetch(2);
 */
export class Dataset<T extends Element = Element> {
  /** @param length elements per pass: a number, Infinity (repeat()) or null when unknown (filter, generators). */
  constructor(readonly open: Opener<T>, readonly length: number | null) {}

  /** Slices tensors (or an array/object of tensors) along their first axis: one element per sample. */
  static fromTensors<E extends Element>(tensors: E): Dataset<E> {
    const leaves = flatten(tensors);
    if (leaves.length === 0) throw new Error('Dataset.fromTensors: expected at least one tensor');
    const n = leaves[0].rank > 0 ? leaves[0].shape[0] : -1;
    for (const t of leaves) {
      if (t.rank === 0 || t.shape[0] !== n) {
        throw new Error(`Dataset.fromTensors: every tensor needs the same first dimension (samples); received shapes ${leaves.map((l) => formatShape(l.shape)).join(', ')}`);
      }
    }
    return new Dataset<E>(() => {
      let i = 0;
      return {
        next: (): Step<E> => {
          if (i >= n) return DONE;
          const row = i++;
          return { value: rebuild(tensors, leaves.map((t) => rowView(t, row))) as E, done: false };
        },
        // Consecutive rows are views of the tensors (no copy), as slicing them would be.
        nextRows: (k: number): Element | null => {
          if (i >= n) return null;
          const start = i;
          i = Math.min(n, i + k);
          return rebuild(tensors, leaves.map((t) => rowsView(t, start, i)));
        },
      };
    }, n);
  }

  /**
   * Elements from a generator function (called once per pass, sync or async, Keras' from_generator) or a
   * re-iterable (an array, a Set...). A bare generator object can be iterated only once.
   */
  static fromGenerator<E extends Element>(source: (() => Iterable<E> | AsyncIterable<E>) | Iterable<E> | AsyncIterable<E>, options: { length?: number } = {}): Dataset<E> {
    return new Dataset<E>(() => {
      const it = typeof source === 'function' ? source() : source;
      if (it && typeof (it as AsyncIterable<E>)[Symbol.asyncIterator] === 'function') return fromJsIterator((it as AsyncIterable<E>)[Symbol.asyncIterator](), true);
      if (it && typeof (it as Iterable<E>)[Symbol.iterator] === 'function') return fromJsIterator((it as Iterable<E>)[Symbol.iterator](), false);
      throw new Error(`Dataset.fromGenerator: expected a generator function or an (async) iterable, received ${typeof it}`);
    }, options.length ?? null);
  }

  /** Applies `fn` to every element (`fn` may be async). */
  map<U extends Element>(fn: (value: T) => U | Promise<U>): Dataset<U> {
    return new Dataset<U>((salt) => new MapIterator(this.open(salt), fn), this.length);
  }

  /** Keeps the elements for which `predicate` is true. */
  filter(predicate: (value: T) => boolean): Dataset<T> {
    return new Dataset<T>((salt) => new StageIterator(this.open(salt), filterStage(predicate)), this.length === Infinity ? Infinity : null);
  }

  /** tf.data shuffle: a buffer of `bufferSize` elements, uniformly sampled; seeded and reproducible per pass. */
  shuffle(bufferSize: number, options: ShuffleOptions = {}): Dataset<T> {
    count(bufferSize, 'shuffle', false);
    const seed = options.seed ?? globalRng().nextUint32();
    const each = options.reshuffleEachIteration ?? true;
    return new Dataset<T>((salt) => new StageIterator(this.open(salt), shuffleStage<T>(bufferSize, new Generator(mixSeed(seed, each ? salt : 0)))), this.length);
  }

  /** Stacks `batchSize` consecutive elements (the last batch may be smaller unless dropRemainder). */
  batch(batchSize: number, options: { dropRemainder?: boolean } = {}): Dataset<T> {
    count(batchSize, 'batch', false);
    const drop = options.dropRemainder ?? false;
    const n = this.length;
    const length = n === null || n === Infinity ? n : drop ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
    return new Dataset<T>((salt) => {
      const up = this.open(salt);
      return (up.nextRows ? new RowsBatchIterator(up as DataIterator<Element>, batchSize, drop) : new StageIterator(up, batchStage(batchSize, drop))) as DataIterator<T>;
    }, length);
  }

  /** Splits each batched element into its rows. */
  unbatch(): Dataset<T> {
    return new Dataset<T>((salt) => new StageIterator(this.open(salt), unbatchStage()) as DataIterator<T>, this.length === Infinity ? Infinity : null);
  }

  /** Repeats the data `count` times (default forever); each pass reshuffles as a new epoch would. */
  repeat(times = Infinity): Dataset<T> {
    if (times !== Infinity) count(times, 'repeat');
    const n = this.length;
    const length = times === 0 ? 0 : n === null ? (times === Infinity ? Infinity : null) : n === 0 ? 0 : n * times;
    return new Dataset<T>((salt) => new RepeatIterator((pass) => this.open(mixSeed(salt, pass)), times), length);
  }

  /** The first `n` elements. */
  take(n: number): Dataset<T> {
    count(n, 'take');
    return new Dataset<T>((salt) => (n === 0 ? { next: () => DONE } : new StageIterator(this.open(salt), takeStage<T>(n))), this.length === null ? null : Math.min(n, this.length));
  }

  /** All but the first `n` elements. */
  skip(n: number): Dataset<T> {
    count(n, 'skip');
    return new Dataset<T>((salt) => new StageIterator(this.open(salt), skipStage<T>(n)), this.length === null ? null : Math.max(0, this.length - n));
  }

  /**
   * Keeps the elements of the first complete pass in memory (no argument) or in a file (Node only) and
   * serves later passes from there, as tf.data's cache.
   */
  cache(path?: string): Dataset<T> {
    if (path !== undefined) {
      if (!fileCache) throw new Error('Dataset.cache(path): file caches need Node (import layerwise from Node, not the browser build)');
      const impl = fileCache;
      return new Dataset<T>((salt) => impl.open(path, this.open, salt), this.length);
    }
    let stored: T[] | null = null;
    return new Dataset<T>((salt) => {
      if (stored) {
        const all = stored;
        let i = 0;
        return { next: () => (i < all.length ? { value: all[i++], done: false } : DONE) };
      }
      const up = this.open(salt);
      const seen: T[] = [];
      const record = (s: Step<T>): Step<T> => {
        if (s.done) stored ??= seen;
        else seen.push(s.value);
        return s;
      };
      return { next: () => { const r = up.next(); return isPromise(r) ? r.then(record) : record(r); }, return: () => up.return?.() };
    }, this.length);
  }

  /** Keeps up to `n` elements requested ahead, so asynchronous sources read while the model trains. */
  prefetch(n = 1): Dataset<T> {
    count(n, 'prefetch', false);
    return new Dataset<T>((salt) => new PrefetchIterator(this.open(salt), n), this.length);
  }

  /** An iterator over one pass (`epoch` picks the shuffle order); next() may answer synchronously. */
  iterator(options: IterateOptions = {}): DataIterator<T> {
    return this.open(options.epoch ?? 0);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    const it = this.open(0);
    try {
      for (;;) {
        let r = it.next();
        if (isPromise(r)) r = await r;
        if (r.done) return;
        yield r.value;
      }
    } finally {
      it.return?.();
    }
  }

  /** Every element of one pass (epoch 0) in an array. */
  async toArray(): Promise<T[]> {
    if (this.length === Infinity) throw new Error('Dataset.toArray: the dataset is infinite (repeat() without a count)');
    const out: T[] = [];
    for await (const v of this) out.push(v);
    return out;
  }
}

/** Whether `x` can be fed to fit as a stream: a Dataset or an async iterable (of [x, y] batches). */
export function isDataSource(x: unknown): x is Dataset | AsyncIterable<Element> {
  return x instanceof Dataset || (!!x && !(x instanceof Tensor) && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function');
}

export type { MaybePromise };
