// Node-only: Dataset.cache(path) — the first complete pass is written to a file (atomically), later passes read it back.
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { Tensor } from '../tensor/tensor.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { flatten, rebuild, type Element } from './structure.js';
import { DONE, isPromise, type DataIterator, type Step } from './iterator.js';
import type { FileCache, Opener } from './dataset.js';

const ARRAYS: Record<DType, new (b: ArrayBuffer, o: number, n: number) => TypedArray> = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array,
} as Record<DType, new (b: ArrayBuffer, o: number, n: number) => TypedArray>;

/** Record: u32 header length, JSON { like, leaves: [{ shape, dtype, bytes }] }, then each leaf's bytes (8-aligned). */
function writeRecord(fd: number, e: Element): void {
  const leaves = flatten(e);
  const like = rebuild(e, leaves.map(() => 0 as unknown as Tensor)) as unknown;
  const meta = JSON.stringify({ like, leaves: leaves.map((t) => ({ shape: t.shape, dtype: t.dtype, bytes: t.data.byteLength })) });
  const head = Buffer.from(meta);
  const pad = (8 - ((4 + head.length) % 8)) % 8;
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length + pad);
  writeSync(fd, len);
  writeSync(fd, Buffer.concat([head, Buffer.alloc(pad, 0x20)]));
  for (const t of leaves) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    writeSync(fd, bytes);
    const tail = (8 - (bytes.length % 8)) % 8;
    if (tail) writeSync(fd, Buffer.alloc(tail));
  }
}

function readRecord(fd: number, pos: { at: number }): Element | null {
  const len = Buffer.alloc(4);
  if (readSync(fd, len, 0, 4, pos.at) < 4) return null;
  const n = len.readUInt32LE();
  const head = Buffer.alloc(n);
  readSync(fd, head, 0, n, pos.at + 4);
  pos.at += 4 + n;
  const meta = JSON.parse(head.toString().trimEnd()) as { like: Element; leaves: { shape: number[]; dtype: DType; bytes: number }[] };
  const leaves = meta.leaves.map((l) => {
    const buf = new ArrayBuffer(l.bytes);
    readSync(fd, new Uint8Array(buf), 0, l.bytes, pos.at);
    pos.at += l.bytes + ((8 - (l.bytes % 8)) % 8);
    const Ctor = ARRAYS[l.dtype];
    return new Tensor(new Ctor(buf, 0, l.bytes / (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT), l.shape, l.dtype);
  });
  // `like` holds 0 where each tensor sits: rebuild walks it in flatten order.
  const skeleton = (v: unknown): Element => (Array.isArray(v) ? v.map(skeleton) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, c]) => [k, skeleton(c)])) : leaves[0]) as Element;
  return rebuild(skeleton(meta.like), leaves);
}

export const nodeFileCache: FileCache = {
  open<T extends Element>(path: string, upstream: Opener<T>, salt: number): DataIterator<T> {
    if (existsSync(path)) {
      const fd = openSync(path, 'r');
      const pos = { at: 0 };
      let open = true;
      const close = (): void => {
        if (open) closeSync(fd);
        open = false;
      };
      return {
        next: (): Step<T> => {
          const e = open ? readRecord(fd, pos) : null;
          if (e === null) {
            close();
            return DONE;
          }
          return { value: e as T, done: false };
        },
        return: close,
      };
    }
    const tmp = `${path}.${process.pid}.partial`;
    const fd = openSync(tmp, 'w');
    let open = true;
    const up = upstream(salt);
    const abandon = (): void => {
      if (!open) return;
      open = false;
      closeSync(fd);
      rmSync(tmp, { force: true });
    };
    const record = (s: Step<T>): Step<T> => {
      if (!open) return s;
      if (s.done) {
        fsyncSync(fd);
        closeSync(fd);
        open = false;
        renameSync(tmp, path);
      } else {
        writeRecord(fd, s.value);
      }
      return s;
    };
    return {
      next: () => {
        const r = up.next();
        return isPromise(r) ? r.then(record, (e) => { abandon(); throw e; }) : record(r);
      },
      return: () => {
        abandon();
        up.return?.();
      },
    };
  },
};
