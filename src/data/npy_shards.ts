// Node-only: a Dataset streamed from .npy shards on disk, one shard in memory (plus the next one being read).
import { closeSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { open } from 'node:fs/promises';
import { readNpy } from '../datasets/npz.js';
import type { Tensor } from '../tensor/tensor.js';
import { Generator, globalRng, mixSeed } from '../random/rng.js';
import { BufferPool, gatherRows, rowView, rowsView, type Element } from './structure.js';
import { Dataset } from './dataset.js';
import { DONE, type DataIterator, type MaybePromise, type Step } from './iterator.js';

export interface NpyShardsOptions {
  /** Visit the shards in a seeded random order each pass (default false). */
  shuffleShards?: boolean;
  /** Shards in random order and the rows of each shard in random order, new per pass (default false). */
  shuffle?: boolean;
  /** Seed of these orders (default: drawn from the global generator now, so setRandomSeed fixes it). */
  seed?: number;
}

/** The row count (first dimension) from a .npy header, read without loading the file. */
function npyRows(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = new TextDecoder('latin1').decode(head.subarray(0, n));
    if (!text.startsWith('\x93NUMPY')) throw new Error(`data.fromNpyShards: ${file} is not a .npy file (missing the \\x93NUMPY magic)`);
    const m = /'shape'\s*:\s*\(\s*(\d+)/.exec(text);
    if (!m) throw new Error(`data.fromNpyShards: ${file}: expected an array with at least one dimension (samples first)`);
    return Number(m[1]);
  } finally {
    closeSync(fd);
  }
}

/** Bytes per read() call: large sequential reads, few thread-pool round trips, no 512 KiB readFile chunks. */
const READ_CHUNK = 64 * 1024 * 1024;

/** A whole file in one uninitialized buffer (no zero fill: every byte is read over), read in large chunks. */
async function readWhole(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.allocUnsafeSlow(size);
    for (let at = 0; at < size;) {
      const { bytesRead } = await fh.read(buf, at, Math.min(READ_CHUNK, size - at), at);
      if (bytesRead === 0) throw new Error(`data.fromNpyShards: ${file} ended after ${at} of ${size} bytes (truncated while reading?)`);
      at += bytesRead;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } finally {
    await fh.close();
  }
}

async function loadShard(files: readonly string[]): Promise<Tensor[]> {
  const ts = await Promise.all(files.map(async (f) => readNpy(await readWhole(f), f, { copy: false })));
  const n = ts[0].shape[0];
  ts.forEach((t, i) => {
    if (t.shape[0] !== n) throw new Error(`data.fromNpyShards: ${files[i]} has ${t.shape[0]} rows but ${files[0]} has ${n}; the arrays of one shard must have the same first dimension`);
  });
  return ts;
}

/** A shard being read ahead; `value` (or `error`) is set once the read settles, so the reader can move on synchronously. */
interface Loading {
  promise: Promise<Tensor[]>;
  value?: Tensor[];
  error?: unknown;
  settled: boolean;
}

function startLoad(files: readonly string[]): Loading {
  const l: Loading = { promise: loadShard(files), settled: false };
  l.promise.then((v) => { l.value = v; l.settled = true; }, (e: unknown) => { l.error = e; l.settled = true; });
  return l;
}

class ShardIterator implements DataIterator<Element> {
  private k = 0;
  private rows: Tensor[] | null = null;
  private i = 0;
  private pending: Loading | null = null;
  private stopped = false;
  private perm: Int32Array | null = null;

  /**
   * @param first the first shard's read if already started (read ahead while the previous pass ended)
   * @param onLast called on entering the last shard (nothing of this pass is left to read ahead)
   */
  constructor(private readonly shards: readonly (readonly string[])[], private readonly order: readonly number[], private readonly tuple: boolean,
    private readonly rowRng: Generator | null, private readonly pool: BufferPool, first: Loading | null, private readonly onLast: () => void) {
    this.pending = first ?? this.load(0);
  }

  private load(k: number): Loading | null {
    return k < this.order.length ? startLoad(this.shards[this.order[k]]) : null;
  }

  next(): MaybePromise<Step<Element>> {
    for (;;) {
      if (this.stopped) return DONE;
      const cur = this.rows;
      if (cur && this.i < cur[0].shape[0]) {
        const i = this.perm ? this.perm[this.i++] : this.i++;
        const value = this.tuple ? cur.map((t) => rowView(t, i)) : rowView(cur[0], i);
        return { value, done: false };
      }
      const advanced = this.advance();
      if (advanced === null) return DONE;
      if (advanced !== true) return advanced.then(() => this.next());
    }
  }

  /**
   * Moves to the shard read ahead (and starts reading the one after): synchronously (true) when its read has
   * finished, else a promise; null after the last shard.
   */
  private advance(): Promise<void> | true | null {
    const p = this.pending;
    if (!p) return null;
    if (p.settled) {
      this.enter(p);
      return true;
    }
    return p.promise.then(() => undefined, () => undefined).then(() => this.enter(p));
  }

  private enter(p: Loading): void {
    if (this.pending !== p) return; // return() was called meanwhile
    if (p.error !== undefined) throw p.error;
    const ts = p.value!;
    this.k++;
    this.rows = ts;
    this.i = 0;
    if (this.rowRng) this.perm = permutation(ts[0].shape[0], this.rowRng);
    this.pending = this.load(this.k);
    if (!this.pending) this.onLast();
  }

  nextRows(n: number): MaybePromise<Element | null> {
    for (;;) {
      if (this.stopped) return null;
      const cur = this.rows;
      if (cur && this.i < cur[0].shape[0]) {
        const start = this.i;
        const end = Math.min(cur[0].shape[0], start + n);
        this.i = end;
        const perm = this.perm;
        const pick = (t: Tensor): Tensor => (perm ? gatherRows(t, perm, start, end, this.pool) : rowsView(t, start, end));
        return this.tuple ? cur.map(pick) : pick(cur[0]);
      }
      const advanced = this.advance();
      if (advanced === null) return null;
      if (advanced !== true) return advanced.then(() => this.nextRows(n));
    }
  }

  /** Shuffled batches are gathered into pooled storage: a released one is reused (views of a shard are not pooled). */
  release(value: Element): void {
    this.pool.release(value);
  }

  return(): void {
    this.stopped = true;
    this.rows = null;
    this.pending = null;
  }
}

function permutation(n: number, g: Generator): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * Streams samples from .npy shards: `shards[k]` lists the arrays of shard k (e.g. `['x_003.npy', 'y_003.npy']`)
 * whose rows pair up; elements are `[x, y]` (one tensor per array) or a single tensor for one-array shards.
 * Only the current shard and the next (read ahead) are in memory; during a pass's last shard, the next pass's first
 * shard is read ahead (kept until the next pass opens).
 * NOTE: rows are views of their shard, so a large shuffle() buffer after this source keeps alive every shard that
 * still has a row in the buffer; prefer `shuffle: true` (random shard order and row order within each shard).
 * @example data.fromNpyShards([['x0.npy', 'y0.npy'], ['x1.npy', 'y1.npy']]).shuffle(8192).batch(32)
 */
export function fromNpyShards(shards: readonly (string | readonly string[])[], options: NpyShardsOptions = {}): Dataset {
  if (!Array.isArray(shards) || shards.length === 0) throw new Error('data.fromNpyShards: expected a non-empty list of shards');
  const lists = shards.map((s) => (typeof s === 'string' ? [s] : [...s]));
  const width = lists[0].length;
  lists.forEach((l, k) => {
    if (l.length !== width) throw new Error(`data.fromNpyShards: shard ${k} lists ${l.length} arrays, shard 0 lists ${width}`);
  });
  let total = 0;
  for (const l of lists) {
    const rows = l.map(npyRows);
    if (rows.some((r) => r !== rows[0])) throw new Error(`data.fromNpyShards: the arrays ${l.join(', ')} have different row counts (${rows.join(', ')})`);
    total += rows[0];
  }
  const shuffleRows = options.shuffle ?? false;
  const shuffleShards = shuffleRows || (options.shuffleShards ?? false);
  const seed = options.seed ?? (shuffleShards ? globalRng().nextUint32() : 0);
  // Shared by every pass: a batch released after the pass that made it ended still returns to the pool.
  const pool = new BufferPool();
  const passOrder = (salt: number): { order: number[]; g: Generator } => {
    const order = lists.map((_, k) => k);
    const g = new Generator(mixSeed(seed, salt));
    if (shuffleShards) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = g.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    return { order, g };
  };
  // When a pass enters its last shard, the first shard of the pass after it (fit's next epoch: salt + 1) starts
  // loading, so an epoch does not begin by waiting for a read. A pass opened with another first shard ignores it.
  let ahead: { shard: number; loading: Loading } | null = null;
  return new Dataset((salt) => {
    const { order, g } = passOrder(salt);
    const first = ahead?.shard === order[0] ? ahead.loading : null;
    ahead = null;
    return new ShardIterator(lists, order, width > 1, shuffleRows ? g : null, pool, first, () => {
      const shard = passOrder(salt + 1).order[0];
      ahead = { shard, loading: startLoad(lists[shard]) };
    });
  }, total);
}

const NPY_DESCR: Partial<Record<string, string>> = { float32: '<f4', float64: '<f8', int32: '<i4', uint8: '|u1', bool: '|b1' };

/** A tensor as .npy bytes (format 1.0, C order, header padded to 64 bytes so the data is aligned). */
export function encodeNpy(t: Tensor): Uint8Array {
  const descr = NPY_DESCR[t.dtype];
  if (!descr) throw new Error(`encodeNpy: unsupported dtype ${t.dtype}`);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + t.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), 10 + header.length);
  return out;
}

/**
 * Writes tensors (samples first) as .npy shards of `rowsPerShard` rows: `<dir>/<name>_<k>.npy` for each tensor;
 * returns the shard list fromNpyShards takes. Each file is written atomically (temporary file, then rename).
 * @example const shards = data.writeNpyShards('cache/train', { x, y }, { rowsPerShard: 10_000 });
 */
export function writeNpyShards(dir: string, tensors: Record<string, Tensor>, options: { rowsPerShard?: number; startIndex?: number } = {}): string[][] {
  mkdirSync(dir, { recursive: true });
  const names = Object.keys(tensors);
  const n = tensors[names[0]].shape[0];
  const per = options.rowsPerShard ?? n;
  const shards: string[][] = [];
  for (let s = 0, k = options.startIndex ?? 0; s < n; s += per, k++) {
    shards.push(names.map((name) => {
      const file = join(dir, `${name}_${String(k).padStart(5, '0')}.npy`);
      writeFileSync(`${file}.tmp`, encodeNpy(rowsView(tensors[name], s, Math.min(n, s + per))));
      renameSync(`${file}.tmp`, file);
      return file;
    }));
  }
  return shards;
}
