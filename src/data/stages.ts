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

  return(): void {
    this.cur?.return?.();
    this.pass = this.count;
  }
}

/** prefetch: keeps up to `n` upstream next() calls in flight (overlaps asynchronous reads with training). */
export class PrefetchIterator<T> implements DataIterator<T> {
  private readonly queue: Promise<Step<T>>[] = [];
  private last: Promise<Step<T>> | null = null;
  private ended = false;

  constructor(private readonly up: DataIterator<T>, private readonly n: number) {}

  next(): MaybePromise<Step<T>> {
    if (this.queue.length === 0) {
      if (this.ended) return DONE;
      const r = this.up.next();
      // A synchronous answer needs no buffering: stay synchronous.
      if (!isPromise(r)) {
        if (r.done) this.ended = true;
        return r;
      }
      this.queue.push(r);
      this.last = r;
    }
    const head = this.queue.shift()!;
    // Chain each request after the previous one: the upstream never sees two concurrent next() calls.
    while (!this.ended && this.queue.length < this.n) {
      const p = this.last!.then((s) => (s.done ? DONE : this.up.next()));
      this.queue.push(p);
      this.last = p;
    }
    return head.then((s) => {
      if (s.done) this.ended = true;
      return s;
    });
  }

  return(): void {
    this.ended = true;
    this.queue.length = 0;
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
    return { value: pieces.length === 1 ? pieces[0] : concatElements(pieces), done: false };
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
