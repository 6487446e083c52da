// Maybe-async iterators: next() answers synchronously when it can and with a promise only when a stage must wait.
// NOTE: a pipeline of in-memory stages stays synchronous (no microtask per sample), so streaming costs ~nothing.
import type { Element } from './structure.js';

export type Step<T> = IteratorResult<T, undefined>;
export type MaybePromise<T> = T | Promise<T>;

/** The iterator every Dataset stage implements. `return()` releases resources (files, generators). */
export interface DataIterator<T> {
  next(): MaybePromise<Step<T>>;
  return?(): void;
  /**
   * Up to `n` consecutive elements already stacked along a new first axis (null at the end): sources that can slice
   * rows implement it so batch() right after them builds each batch in one copy instead of one object per sample.
   */
  nextRows?(n: number): MaybePromise<Element | null>;
  /**
   * The consumer hands back a value it got from next() and will never read again (fit, once a batch is trained on):
   * a stage that owns the value's storage may reuse it for a later value (no allocation per batch). Pass-through
   * stages forward it upstream; a stage that keeps or transforms values (cache, map, shuffle) does not.
   */
  release?(value: T): void;
}

export const DONE: Step<never> = { value: undefined, done: true };

export function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

/** Applies `f` to a maybe-promise value, staying synchronous when the value is. */
export function then<T, U>(v: MaybePromise<T>, f: (t: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(v) ? v.then(f) : f(v);
}

/**
 * A stage with one source of truth for sync and async pipelines: `push` receives each upstream value and
 * appends what it emits to `out` (returns false to stop pulling: take), `flush` emits what is left at the end.
 */
export interface Transducer<T, U> {
  push(value: T, out: U[]): boolean;
  flush?(out: U[]): void;
}

/** Drives a transducer over an upstream iterator. */
export class StageIterator<T, U> implements DataIterator<U> {
  private out: U[] = [];
  private pos = 0;
  private ended = false;

  constructor(private readonly up: DataIterator<T>, private readonly stage: Transducer<T, U>) {}

  next(): MaybePromise<Step<U>> {
    for (;;) {
      if (this.pos < this.out.length) {
        const value = this.out[this.pos++];
        if (this.pos === this.out.length) {
          this.out.length = 0;
          this.pos = 0;
        }
        return { value, done: false };
      }
      if (this.ended) return DONE;
      const r = this.up.next();
      if (isPromise(r)) return r.then((s) => (this.feed(s), this.next()));
      this.feed(r);
    }
  }

  private feed(s: Step<T>): void {
    if (s.done) {
      this.ended = true;
      this.stage.flush?.(this.out);
      return;
    }
    if (!this.stage.push(s.value, this.out)) {
      this.ended = true;
      this.up.return?.();
    }
  }

  return(): void {
    this.ended = true;
    this.out.length = 0;
    this.up.return?.();
  }
}

/** Wraps a JS iterator (sync) or async iterator as a DataIterator. */
export function fromJsIterator<T>(it: Iterator<T> | AsyncIterator<T>, isAsync: boolean): DataIterator<T> {
  return {
    next: () => (isAsync ? (it as AsyncIterator<T>).next() : (it as Iterator<T>).next()) as MaybePromise<Step<T>>,
    return: () => {
      void it.return?.();
    },
  };
}

/** Pulls and discards `n` values (fast-forward for resuming); resolves with how many were available. */
export function skipValues<T>(it: DataIterator<T>, n: number): MaybePromise<number> {
  let i = 0;
  const loop = (): MaybePromise<number> => {
    while (i < n) {
      const r = it.next();
      if (isPromise(r)) return r.then((s) => (s.done ? i : (i++, loop())));
      if (r.done) return i;
      i++;
    }
    return i;
  };
  return loop();
}
