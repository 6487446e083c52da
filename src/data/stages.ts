// The Dataset stages: map, filter, shuffle, batch, unbatch, take, skip (transducers) and repeat, cache, prefetch.
import { Generator } from '../random/rng.js';
import { concatElements, rowCount, stackElements, unstackElement, type Element } from './structure.js';
import { DONE, isPromise, type DataIterator, type MaybePromise, type Step, type Transducer } from './iterator.js';

export const filterStage = <T>(pred: (v: T) => boolean): Transducer<T, T> => ({
  push(v, out) {
    if (pred(v)) out.push(v);
    return true;
  },
});

export const takeStage = <T>(n: number): Transducer<T, T> => {
  let left = n;
  return {
    push(v, out) {
      if (left <= 0) return false;
      out.push(v);
      return --left > 0;
    },
  };
};

export const skipStage = <T>(n: number): Transducer<T, T> => {
  let left = n;
  return {
    push(v, out) {
      if (left > 0) left--;
      else out.push(v);
      return true;
    },
  };
};

/** tf.data's shuffle: a buffer of `size` values; each output is a uniformly drawn slot, refilled from upstream. */
export const shuffleStage = <T>(size: number, rng: Generator): Transducer<T, T> => {
  const buf: T[] = [];
  return {
    push(v, out) {
      if (buf.length < size) {
        buf.push(v);
        return true;
      }
      const j = rng.int(size);
      out.push(buf[j]);
      buf[j] = v;
      return true;
    },
    flush(out) {
      while (buf.length > 0) {
        const j = rng.int(buf.length);
        out.push(buf[j]);
        buf[j] = buf[buf.length - 1];
        buf.pop();
      }
    },
  };
};

export const batchStage = (size: number, dropRemainder: boolean): Transducer<Element, Element> => {
  let rows: Element[] = [];
  return {
    push(v, out) {
      rows.push(v);
      if (rows.length === size) {
        out.push(stackElements(rows));
        rows = [];
      }
      return true;
    },
    flush(out) {
      if (rows.length > 0 && !dropRemainder) out.push(stackElements(rows));
      rows = [];
    },
  };
};

export const unbatchStage = (): Transducer<Element, Element> => ({
  push(v, out) {
    for (const row of unstackElement(v)) out.push(row);
    return true;
  },
});

/** map: `fn` may return a promise (the pipeline becomes asynchronous only where it does). */
export class MapIterator<T, U> implements DataIterator<U> {
  constructor(private readonly up: DataIterator<T>, private readonly fn: (v: T) => MaybePromise<U>) {}

  next(): MaybePromise<Step<U>> {
    const r = this.up.next();
    return isPromise(r) ? r.then((s) => this.apply(s)) : this.apply(r);
  }

  private apply(s: Step<T>): MaybePromise<Step<U>> {
    if (s.done) return DONE;
    const v = this.fn(s.value);
    return isPromise(v) ? v.then((value) => ({ value, done: false })) : { value: v, done: false };
  }

  return(): void {
    this.up.return?.();
  }
}

/** repeat: re-opens the upstream `count` times (Infinity: forever), each pass with its own salt. */
export class RepeatIterator<T> implements DataIterator<T> {
  private pass = 0;
  private cur: DataIterator<T> | null = null;
  private empty = true;

  constructor(private readonly open: (pass: number) => DataIterator<T>, private readonly count: number) {}

  next(): MaybePromise<Step<T>> {
    for (;;) {
      if (this.pass >= this.count) return DONE;
      this.cur ??= this.open(this.pass);
      const r = this.cur.next();
      if (isPromise(r)) return r.then((s) => (s.done ? (this.advance() ? this.next() : DONE) : (this.empty = false, s)));
      if (!r.done) {
        this.empty = false;
        return r;
      }
      if (!this.advance()) return DONE;
    }
  }

  /** Moves to the next pass; an upstream that yielded nothing in a whole pass ends an infinite repeat. */
  private advance(): boolean {
    this.cur = null;
    if (this.empty) {
      this.pass = this.count;
      return false;
    }
    this.pass++;
    this.empty = true;
    return true;
  }

  /** Passes share their source's storage pool (fromNpyShards keeps one per Dataset): the current pass takes it back. */
  release(value: T): void {
    this.cur?.release?.(value);
  }

  return(): void {
    this.cur?.return?.();
    this.pass = this.count;
  }
}

/** A buffered upstream answer: a step, or the error its request failed with (surfaced in order). */
type Fetched<T> = { step: Step<T> } | { error: unknown };

/**
 * prefetch: keeps up to `n` upstream answers ready ahead, one upstream request in flight at a time (the upstream never
 * sees two concurrent next() calls). An answer already buffered is returned synchronously, so a pipeline whose source
 * reads ahead (a shard being loaded while the model trains) costs no promise per batch once the data is there.
 */
export class PrefetchIterator<T> implements DataIterator<T> {
  private readonly buf: Fetched<T>[] = [];
  private inflight: Promise<void> | null = null;
  /** The upstream answered done (or failed): nothing more is requested. */
  private ended = false;
  private closed = false;

  constructor(private readonly up: DataIterator<T>, private readonly n: number) {}

  next(): MaybePromise<Step<T>> {
    if (this.closed) return DONE;
    const head = this.buf.shift();
    if (head) {
      this.pump();
      if ('error' in head) throw head.error;
      return head.step;
    }
    if (this.ended) return DONE;
    if (!this.inflight) {
      // Nothing buffered and nothing requested: ask now; a synchronous answer needs no buffering.
      let r: MaybePromise<Step<T>>;
      try {
        r = this.up.next();
      } catch (e) {
        this.ended = true;
        throw e;
      }
      if (!isPromise(r)) {
        if (r.done) this.ended = true;
        return r;
      }
      this.request(r);
      this.pump();
    }
    return this.inflight!.then(() => this.next());
  }

  /** Requests upstream answers until `n` are buffered or one is pending. */
  private pump(): void {
    while (!this.closed && !this.ended && !this.inflight && this.buf.length < this.n) {
      let r: MaybePromise<Step<T>>;
      try {
        r = this.up.next();
      } catch (error) {
        this.push({ error });
        return;
      }
      if (isPromise(r)) this.request(r);
      else this.push({ step: r });
    }
  }

  private request(r: Promise<Step<T>>): void {
    this.inflight = r.then((step) => this.push({ step }), (error: unknown) => this.push({ error })).then(() => {
      this.inflight = null;
      this.pump();
    });
  }

  private push(f: Fetched<T>): void {
    if (this.closed) return;
    if ('error' in f || f.step.done) this.ended = true;
    this.buf.push(f);
  }

  release(value: T): void {
    this.up.release?.(value);
  }

  return(): void {
    this.closed = true;
    this.ended = true;
    this.buf.length = 0;
    this.up.return?.();
  }
}

/** batch() right after a row-slicing source: each batch from nextRows() pieces (one copy, no per-sample objects). */
export class RowsBatchIterator implements DataIterator<Element> {
  private pieces: Element[] = [];
  private have = 0;
  private ended = false;

  constructor(private readonly up: DataIterator<Element>, private readonly size: number, private readonly dropRemainder: boolean) {}

  next(): MaybePromise<Step<Element>> {
    while (!this.ended && this.have < this.size) {
      const r = this.up.nextRows!(this.size - this.have);
      if (isPromise(r)) return r.then((v) => (this.add(v), this.next()));
      this.add(r);
    }
    if (this.have === 0 || (this.dropRemainder && this.have < this.size)) return DONE;
    const pieces = this.pieces;
    this.pieces = [];
    this.have = 0;
    if (pieces.length === 1) return { value: pieces[0], done: false };
    // A batch across two shards: the pieces are copied into one, and their storage goes back upstream.
    const value = concatElements(pieces);
    if (this.up.release) for (const p of pieces) this.up.release(p);
    return { value, done: false };
  }

  /** A batch that was one upstream piece is the upstream's value: its storage may return there. */
  release(value: Element): void {
    this.up.release?.(value);
  }

  private add(v: Element | null): void {
    if (v === null) this.ended = true;
    else {
      this.pieces.push(v);
      this.have += rowCount(v);
    }
  }

  return(): void {
    this.ended = true;
    this.pieces = [];
    this.up.return?.();
  }
}
