// Dataset: sources, transformations, seeded shuffling per epoch, caches, file sources (.npy shards, CSV, IDX, images).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import { Tensor } from '../../src/tensor/tensor.js';
import { tensor } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import * as data from '../../src/data/node.js';
import { readNpy } from '../../src/datasets/npz.js';

const { Dataset } = data;
const range = (n: number): Tensor => tensor(Array.from({ length: n }, (_, i) => i), [n], 'float32');
const values = async (ds: data.Dataset, epoch = 0): Promise<number[][]> => {
  const out: number[][] = [];
  const it = ds.iterator({ epoch });
  for (;;) {
    let r = it.next();
    if (r instanceof Promise) r = await r;
    if (r.done) return out;
    out.push(flat(r.value));
  }
};
const flat = (e: data.Element): number[] => (e instanceof Tensor ? Array.from(e.dataSync()) : Array.isArray(e) ? e.flatMap(flat) : Object.values(e).flatMap(flat));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'lw-data-'));

describe('Dataset transformations', () => {
  it('slices tensors, batches (with and without the remainder) and unbatches', async () => {
    const x = tensor(Array.from({ length: 5 }, (_, i) => [i, i + 10]), [5, 2], 'float32');
    const y = range(5);
    const ds = Dataset.fromTensors([x, y]);
    assert.equal(ds.length, 5);
    assert.deepEqual(await values(ds), [[0, 10, 0], [1, 11, 1], [2, 12, 2], [3, 13, 3], [4, 14, 4]]);
    const batches = await ds.batch(2).toArray();
    assert.equal(batches.length, 3);
    assert.deepEqual((batches[0] as Tensor[])[0].shape, [2, 2]);
    assert.deepEqual((batches[2] as Tensor[])[0].shape, [1, 2]);
    assert.equal(ds.batch(2, { dropRemainder: true }).length, 2);
    assert.equal((await ds.batch(2, { dropRemainder: true }).toArray()).length, 2);
    assert.deepEqual(await values(ds.batch(2).unbatch()), await values(ds));
  });

  it('map, filter, take, skip and repeat compose, with lengths', async () => {
    const ds = Dataset.fromTensors(range(6));
    const m = ds.map((t) => tensor([t.item() * 10], [1], 'float32'));
    assert.deepEqual((await values(m)).flat(), [0, 10, 20, 30, 40, 50]);
    const f = ds.filter((t) => t.item() % 2 === 0);
    assert.equal(f.length, null);
    assert.deepEqual((await values(f)).flat(), [0, 2, 4]);
    assert.deepEqual((await values(ds.skip(2).take(3))).flat(), [2, 3, 4]);
    assert.equal(ds.skip(2).take(3).length, 3);
    assert.deepEqual((await values(ds.take(2).repeat(3))).flat(), [0, 1, 0, 1, 0, 1]);
    assert.equal(ds.repeat().length, Infinity);
    assert.deepEqual((await values(ds.repeat().take(8))).flat(), [0, 1, 2, 3, 4, 5, 0, 1]);
    assert.throws(() => ds.batch(0), /batch: expected a positive integer, received 0/);
  });

  it('shuffle is a seeded permutation, different per epoch, reproducible, and fixed without reshuffling', async () => {
    const ds = Dataset.fromTensors(range(100));
    const a0 = (await values(ds.shuffle(30, { seed: 7 }), 0)).flat();
    const a0again = (await values(ds.shuffle(30, { seed: 7 }), 0)).flat();
    const a1 = (await values(ds.shuffle(30, { seed: 7 }), 1)).flat();
    assert.deepEqual(a0, a0again);
    assert.notDeepEqual(a0, a1);
    assert.deepEqual([...a0].sort((p, q) => p - q), Array.from({ length: 100 }, (_, i) => i));
    assert.notDeepEqual(a0, Array.from({ length: 100 }, (_, i) => i));
    const fixed = ds.shuffle(30, { seed: 7, reshuffleEachIteration: false });
    assert.deepEqual(await values(fixed, 0), await values(fixed, 5));
    // Without a seed the order comes from the global generator at shuffle() time.
    setRandomSeed(3);
    const g1 = (await values(ds.shuffle(100), 2)).flat();
    setRandomSeed(3);
    const g2 = (await values(ds.shuffle(100), 2)).flat();
    assert.deepEqual(g1, g2);
  });

  it('fromGenerator takes sync and async generator functions; prefetch keeps the order', async () => {
    const sync = Dataset.fromGenerator(function* () {
      for (let i = 0; i < 4; i++) yield tensor([i], [1], 'float32');
    });
    assert.deepEqual((await values(sync)).flat(), [0, 1, 2, 3]);
    let inFlight = 0;
    let maxInFlight = 0;
    const asyncDs = Dataset.fromGenerator(async function* () {
      for (let i = 0; i < 6; i++) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        yield tensor([i], [1], 'float32');
      }
    });
    assert.deepEqual((await values(asyncDs.prefetch(3).batch(4))).map((b) => b.length), [4, 2]);
    assert.deepEqual((await values(asyncDs.prefetch(3))).flat(), [0, 1, 2, 3, 4, 5]);
    assert.equal(maxInFlight, 1, 'an async generator is never asked for two values at once');
  });

  it('batch names the element and the shapes that do not stack', async () => {
    const ds = Dataset.fromGenerator(() => [tensor([1, 2], [2], 'float32'), tensor([1, 2, 3], [3], 'float32')]);
    await assert.rejects(ds.batch(2).toArray(), /element 1 has shape \[3\] float32 at element, expected shape \[2\] float32 like element 0/);
  });

  it('cache() in memory runs the upstream once; cache(path) writes the first pass atomically and reads it back', async () => {
    let calls = 0;
    const src = Dataset.fromTensors([range(5), range(5)]).map((e) => (calls++, e));
    const mem = src.cache();
    await mem.toArray();
    await mem.toArray();
    assert.equal(calls, 5);
    const dir = tmp();
    try {
      calls = 0;
      const file = join(dir, 'cache.bin');
      const onDisk = src.cache(file);
      const first = await values(onDisk);
      assert.ok(existsSync(file));
      const second = await values(onDisk);
      assert.equal(calls, 5);
      assert.deepEqual(second, first);
      // A pass that stops early leaves no cache file behind.
      const partial = join(dir, 'partial.bin');
      await values(src.cache(partial).take(2));
      assert.ok(!existsSync(partial));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mapInWorkers', () => {
  it('applies a module function in worker threads, keeps the order, and reports a failing element', async () => {
    const fn = new URL('./map_worker_fn.js', import.meta.url);
    const ds = Dataset.fromTensors([range(12), range(12)]);
    const out = await values(data.mapInWorkers(ds, fn, { workers: 2 }).batch(5));
    assert.deepEqual(out.map((b) => b.slice(0, b.length / 2)), [[0, 2, 4, 6, 8], [10, 12, 14, 16, 18], [20, 22]]);
    await assert.rejects(data.mapInWorkers(Dataset.fromTensors([range(20), range(20)]), fn, { workers: 3 }).toArray(), /data.mapInWorkers: thirteen/);
  });
});

describe('Dataset file sources', () => {
  it('streams .npy shards written by writeNpyShards (and read by readNpy), shard order shuffled per epoch', async () => {
    const dir = tmp();
    try {
      const x = tensor(Array.from({ length: 7 * 3 }, (_, i) => i / 2), [7, 3], 'float32');
      const y = tensor([0, 1, 2, 3, 4, 5, 6], [7], 'int32');
      const shards = data.writeNpyShards(dir, { x, y }, { rowsPerShard: 3 });
      assert.equal(shards.length, 3);
      assert.deepEqual(Array.from(readNpy(new Uint8Array(readFileSync(shards[2][0]))).dataSync()), Array.from(x.dataSync()).slice(18));
      const ds = data.fromNpyShards(shards);
      assert.equal(ds.length, 7);
      assert.deepEqual((await values(ds)).map((r) => r[3]), [0, 1, 2, 3, 4, 5, 6]);
      const sh = data.fromNpyShards(shards, { shuffleShards: true, seed: 1 });
      const orders = await Promise.all([0, 1, 2, 3].map(async (e) => (await values(sh, e)).map((r) => r[3]).join()));
      assert.ok(new Set(orders).size > 1, `shard orders should vary per epoch: ${orders.join(' | ')}`);
      assert.throws(() => data.fromNpyShards([[shards[0][0], shards[2][1]]]), /different row counts \(3, 1\)/);
      const rows = data.fromNpyShards(shards, { shuffle: true, seed: 2 });
      const e0 = (await values(rows, 0)).map((r) => r[3]);
      assert.deepEqual([...e0].sort(), [0, 1, 2, 3, 4, 5, 6], 'every row once per pass');
      assert.deepEqual((await values(rows, 0)).map((r) => r[3]), e0, 'reproducible per epoch');
      assert.ok((await Promise.all([1, 2, 3].map(async (e) => (await values(rows, e)).map((r) => r[3]).join()))).some((o) => o !== e0.join()));
      // batch() right after the source slices rows (crossing shard boundaries) exactly as batching sample by sample.
      for (const src of [ds, rows]) {
        for (const drop of [false, true]) {
          for (const size of [2, 3, 5]) {
            const fused = await values(src.batch(size, { dropRemainder: drop }), 1);
            const plain = await values(src.map((e) => e).batch(size, { dropRemainder: drop }), 1);
            assert.deepEqual(fused, plain, `batch ${size} drop ${drop}`);
          }
        }
      }
      assert.deepEqual((await values(Dataset.fromTensors([x, y]).batch(3))).map((b) => b.length), [12, 12, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams shards synchronously once read, reuses released batch storage, and reads the next pass\'s first shard ahead', async () => {
    const dir = tmp();
    try {
      const n = 60;
      const x = tensor(Array.from({ length: n * 4 }, (_, i) => Math.floor(i / 4)), [n, 4], 'float32');
      const y = tensor(Array.from({ length: n }, (_, i) => i), [n], 'int32');
      const shards = data.writeNpyShards(dir, { x, y }, { rowsPerShard: 20 });
      const ds = data.fromNpyShards(shards, { shuffle: true, seed: 3 }).batch(8).prefetch(2);
      for (const epoch of [0, 1]) {
        const it = ds.iterator({ epoch });
        const rows: number[] = [];
        let promises = 0;
        let reused = 0;
        const released = new Set<ArrayBufferLike>();
        for (;;) {
          let r = it.next();
          if (r instanceof Promise) {
            promises++;
            r = await r;
          }
          if (r.done) break;
          const [bx, by] = r.value as Tensor[];
          if (released.has(bx.data.buffer)) reused++;
          const xs = Array.from(bx.dataSync());
          by.dataSync().forEach((v, i) => {
            rows.push(v);
            assert.deepEqual(xs.slice(i * 4, i * 4 + 4), [v, v, v, v], 'x row and y stay paired in a reused buffer');
          });
          released.add(bx.data.buffer);
          it.release?.(r.value);
          // Give the read of the next shard time to finish: then no answer waits for it.
          await new Promise((res) => setTimeout(res, 40));
        }
        assert.deepEqual([...rows].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), 'every row once');
        assert.ok(reused > 0, 'released batch storage is handed out again');
        // Epoch 0 waits for its first shard; epoch 1's first shard was read during epoch 0's last one.
        assert.equal(promises, epoch === 0 ? 1 : 0, `epoch ${epoch}: ${promises} answers were promises`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prefetch surfaces a failing element in order, after the ones before it', async () => {
    const ds = Dataset.fromGenerator(async function* () {
      for (let i = 0; i < 5; i++) {
        if (i === 3) throw new Error('bad element 3');
        yield tensor([i], [1], 'float32');
      }
    }).prefetch(2);
    const it = ds.iterator();
    const got: number[] = [];
    await assert.rejects(async () => {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        got.push((r.value as Tensor).dataSync()[0]);
      }
    }, /bad element 3/);
    assert.deepEqual(got, [0, 1, 2]);
  });

  it('reads CSV rows with a named label column and reports bad fields by line', async () => {
    const dir = tmp();
    try {
      const f = join(dir, 'a.csv');
      writeFileSync(f, 'a,b,label\n1,2,0\n3.5,-4,1\n');
      const rows = await values(data.fromCsv(f, { labelColumn: 'label' }));
      assert.deepEqual(rows, [[1, 2, 0], [3.5, -4, 1]]);
      writeFileSync(f, 'a,b\n1,x\n');
      await assert.rejects(data.fromCsv(f).toArray(), /line 2, column 1: expected a number, received "x"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads IDX files (gzip) as [image, label] samples', async () => {
    const dir = tmp();
    try {
      const img = Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40]);
      const lab = Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]);
      writeFileSync(join(dir, 'i.gz'), gzipSync(img));
      writeFileSync(join(dir, 'l'), lab);
      const ds = await data.fromIdx(join(dir, 'i.gz'), join(dir, 'l'));
      assert.deepEqual(await values(ds), [[10, 20, 7], [30, 40, 9]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads an image folder (PNG and JPEG), labels from sorted subfolder names, resizing on request', async () => {
    const dir = tmp();
    try {
      mkdirSync(join(dir, 'cat'));
      mkdirSync(join(dir, 'ant'));
      const png = new pngjs.PNG({ width: 2, height: 2 });
      png.data.set([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255]);
      writeFileSync(join(dir, 'cat', 'a.png'), pngjs.PNG.sync.write(png));
      const jpg = jpeg.encode({ width: 2, height: 2, data: Buffer.alloc(16, 128) }, 100);
      writeFileSync(join(dir, 'ant', 'b.jpg'), jpg.data);
      const ds = data.fromImageFolder(dir);
      assert.deepEqual(ds.classNames, ['ant', 'cat']);
      const els = (await ds.toArray()) as Tensor[][];
      assert.deepEqual(els.map((e) => e[1].item()), [0, 1]);
      assert.deepEqual(Array.from(els[1][0].dataSync()), [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
      for (const v of els[0][0].dataSync()) assert.ok(Math.abs(v - 128) <= 2, `JPEG gray ~128, received ${v}`);
      const small = (await data.fromImageFolder(dir, { imageSize: [1, 1], channels: 1, labelMode: 'categorical' }).toArray()) as Tensor[][];
      assert.deepEqual(small[0][0].shape, [1, 1, 1]);
      assert.deepEqual(Array.from(small[1][1].dataSync()), [0, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
