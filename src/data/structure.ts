// Dataset elements: a Tensor or a nested array/object of Tensors; flatten, rebuild, row views, stacking rows into a batch.
import { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';

/** One element of a Dataset: a Tensor, or an array / plain object of elements (e.g. `[x, y]`). */
export type Element = Tensor | readonly Element[] | { readonly [key: string]: Element };

/** The leaves of an element in a fixed order, with their paths ('[0]', '.x') for error messages. */
export function flatten(e: Element, out: Tensor[] = [], paths?: string[], path = ''): Tensor[] {
  if (e instanceof Tensor) {
    out.push(e);
    paths?.push(path || 'element');
  } else if (Array.isArray(e)) {
    for (let i = 0; i < e.length; i++) flatten(e[i], out, paths, `${path}[${i}]`);
  } else if (e && typeof e === 'object') {
    for (const k of Object.keys(e)) flatten((e as Record<string, Element>)[k], out, paths, `${path}.${k}`);
  } else {
    throw new Error(`Dataset: an element must be a Tensor or an array/object of Tensors, received ${e === null ? 'null' : typeof e} at ${path || 'element'}`);
  }
  return out;
}

/** Rebuilds an element shaped like `like` from leaves in flatten() order. */
export function rebuild(like: Element, leaves: readonly Tensor[], at = { i: 0 }): Element {
  if (like instanceof Tensor) return leaves[at.i++];
  if (Array.isArray(like)) return like.map((c) => rebuild(c, leaves, at));
  const out: Record<string, Element> = {};
  for (const k of Object.keys(like)) out[k] = rebuild((like as Record<string, Element>)[k], leaves, at);
  return out;
}

/** Row `i` of a tensor (samples first) as a Tensor sharing its storage. */
export function rowView(t: Tensor, i: number): Tensor {
  const size = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  return new Tensor(t.data.subarray(i * size, (i + 1) * size), t.shape.slice(1), t.dtype);
}

/** Rows [start, end) of a tensor sharing its storage. */
export function rowsView(t: Tensor, start: number, end: number): Tensor {
  const size = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  return new Tensor(t.data.subarray(start * size, end * size), [end - start, ...t.shape.slice(1)], t.dtype);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Stacks elements (same structure, same leaf shapes and dtypes) into one batched element; `what` names the caller. */
export function stackElements(items: readonly Element[], what = 'batch'): Element {
  const first = items[0];
  const paths: string[] = [];
  const leaves0 = flatten(first, [], paths);
  const flat = items.map((e) => (e === first ? leaves0 : flatten(e)));
  const out = leaves0.map((t0, j) => {
    const size = t0.size;
    const ctor = t0.data.constructor as new (n: number) => TypedArray;
    const data = new ctor(items.length * size);
    for (let r = 0; r < items.length; r++) {
      const t = flat[r][j];
      if (t === undefined || t.dtype !== t0.dtype || !sameShape(t.shape, t0.shape)) {
        throw new Error(`Dataset.${what}: element ${r} has ${t ? `shape ${formatShape(t.shape)} ${t.dtype}` : 'no tensor'} at ${paths[j]}, expected shape ${formatShape(t0.shape)} ${t0.dtype} like element 0`);
      }
      data.set(t.data as ArrayLike<number>, r * size);
    }
    return new Tensor(data, [items.length, ...t0.shape], t0.dtype);
  });
  return rebuild(first, out);
}

/** The rows of a batched element, as elements sharing its storage. */
export function unstackElement(e: Element, what = 'unbatch'): Element[] {
  const paths: string[] = [];
  const leaves = flatten(e, [], paths);
  if (leaves.length === 0) return [];
  const n = leaves[0].rank > 0 ? leaves[0].shape[0] : -1;
  leaves.forEach((t, j) => {
    if (t.rank === 0 || t.shape[0] !== n) {
      throw new Error(`Dataset.${what}: every tensor needs the same first dimension; ${paths[0]} has shape ${formatShape(leaves[0].shape)} but ${paths[j]} has ${formatShape(t.shape)}`);
    }
  });
  const rows: Element[] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = rebuild(e, leaves.map((t) => rowView(t, i)));
  return rows;
}

/** The number of rows (first dimension) of a batched element. */
export function rowCount(e: Element): number {
  return flatten(e)[0].shape[0];
}

/** Concatenates batched elements (same structure) along their first axis. */
export function concatElements(items: readonly Element[]): Element {
  const flat = items.map((e) => flatten(e));
  const out = flat[0].map((t0, j) => {
    const total = flat.reduce((n, leaves) => n + leaves[j].shape[0], 0);
    const ctor = t0.data.constructor as new (n: number) => TypedArray;
    const data = new ctor((t0.size / Math.max(1, t0.shape[0])) * total);
    let at = 0;
    for (const leaves of flat) {
      data.set(leaves[j].data as ArrayLike<number>, at);
      at += leaves[j].size;
    }
    return new Tensor(data, [total, ...t0.shape.slice(1)], t0.dtype);
  });
  return rebuild(items[0], out);
}

/**
 * Reusable batch storage: typed arrays handed out by `take` come back through `give` once their consumer released
 * them (DataIterator.release), so a streaming source assembles each batch without allocating. Arrays it did not
 * hand out, or already holds, are ignored.
 */
export class BufferPool {
  private readonly free = new Map<string, TypedArray[]>();
  private readonly own = new WeakSet<ArrayBufferLike>();
  private readonly held = new WeakSet<ArrayBufferLike>();

  constructor(private readonly maxPerSize = 8) {}

  take(ctor: new (n: number) => TypedArray, n: number): TypedArray {
    const reused = this.free.get(`${ctor.name}:${n}`)?.pop();
    if (reused) {
      this.held.delete(reused.buffer);
      return reused;
    }
    const out = new ctor(n);
    this.own.add(out.buffer);
    return out;
  }

  give(a: TypedArray): void {
    if (!this.own.has(a.buffer) || this.held.has(a.buffer)) return;
    const key = `${a.constructor.name}:${a.length}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    if (list.length >= this.maxPerSize) return;
    list.push(a);
    this.held.add(a.buffer);
  }

  /** Gives back the storage of every tensor of a released element. */
  release(e: Element): void {
    for (const t of flatten(e)) this.give(t.data as TypedArray);
  }
}

/** Rows `index[start..end)` of a tensor, copied into a new tensor (a shuffled batch): one block copy per row, into pooled storage when given. */
export function gatherRows(t: Tensor, index: Int32Array, start: number, end: number, pool?: BufferPool): Tensor {
  const size = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  const ctor = t.data.constructor as new (n: number) => TypedArray;
  const out = pool ? pool.take(ctor, (end - start) * size) : new ctor((end - start) * size);
  const src = t.data as Float32Array;
  if (size === 1) {
    for (let r = start; r < end; r++) out[r - start] = src[index[r]];
  } else {
    for (let r = start; r < end; r++) {
      const from = index[r] * size;
      out.set(src.subarray(from, from + size), (r - start) * size);
    }
  }
  return new Tensor(out, [end - start, ...t.shape.slice(1)], t.dtype);
}
