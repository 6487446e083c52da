// Fashion-MNIST loader: shapes, dtypes, label counts and pixel checksums against NumPy; SHA-256 checks.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fashionMnist } from '../../src/datasets/index.js';
import { packageRoot } from '../../src/datasets/files.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { loadGolden, repoRoot } from '../helpers/golden.js';

interface Summary {
  x_shape: number[]; y_shape: number[]; label_counts: number[]; first_labels: number[]; last_label: number;
  pixel_sum: number; pixel_sum_of_squares: number; pixel_weighted_sum: number; first_image_sum: number;
  last_image_sum: number; first_image_row_14: number[]; per_class_pixel_sum: number[]; label_sum: number;
}
const golden = loadGolden<{ train: Summary; test: Summary }>('fashion_mnist.json');

function summarize(x: Tensor, y: Tensor): Omit<Summary, 'x_shape' | 'y_shape'> {
  const px = x.data;
  const lb = y.data;
  const per = 28 * 28;
  const counts = new Array(10).fill(0);
  const perClass = new Array(10).fill(0);
  let sum = 0, sq = 0, weighted = 0, labelSum = 0;
  for (let i = 0; i < px.length; i++) {
    const v = px[i];
    sum += v; sq += v * v; weighted += v * ((i % 65521) + 1);
  }
  for (let n = 0; n < lb.length; n++) {
    counts[lb[n]]++; labelSum += lb[n];
    let s = 0;
    for (let j = n * per; j < (n + 1) * per; j++) s += px[j];
    perClass[lb[n]] += s;
  }
  const imageSum = (n: number): number => {
    let s = 0;
    for (let j = n * per; j < (n + 1) * per; j++) s += px[j];
    return s;
  };
  return {
    label_counts: counts, first_labels: Array.from(lb.subarray(0, 20)), last_label: lb[lb.length - 1],
    pixel_sum: sum, pixel_sum_of_squares: sq, pixel_weighted_sum: weighted,
    first_image_sum: imageSum(0), last_image_sum: imageSum(lb.length - 1),
    first_image_row_14: Array.from(px.subarray(14 * 28, 15 * 28)), per_class_pixel_sum: perClass, label_sum: labelSum,
  };
}

describe('datasets.fashionMnist', () => {
  let splits: Awaited<ReturnType<typeof fashionMnist.loadData>>;
  before(async () => {
    splits = await fashionMnist.loadData();
  });

  it('returns uint8 tensors with Keras shapes', () => {
    const [[xTrain, yTrain], [xTest, yTest]] = splits;
    assert.deepEqual([xTrain.shape, yTrain.shape, xTest.shape, yTest.shape], [
      golden.train.x_shape, golden.train.y_shape, golden.test.x_shape, golden.test.y_shape,
    ]);
    for (const t of [xTrain, yTrain, xTest, yTest]) assert.equal(t.dtype, 'uint8');
  });

  it('has 6,000 images per class in train and 1,000 in test; the first test label is 9', () => {
    const [[, yTrain], [, yTest]] = splits;
    const count = (y: Tensor): number[] => {
      const c = new Array(10).fill(0);
      for (const v of y.data) c[v]++;
      return c;
    };
    assert.deepEqual(count(yTrain), new Array(10).fill(6000));
    assert.deepEqual(count(yTest), new Array(10).fill(1000));
    assert.equal(yTest.data[0], 9);
    assert.equal(fashionMnist.classNames[yTest.data[0]], 'Ankle boot');
  });

  it('matches the NumPy pixel and label checksums of the same files', () => {
    const [[xTrain, yTrain], [xTest, yTest]] = splits;
    const { x_shape: _a, y_shape: _b, ...train } = golden.train;
    const { x_shape: _c, y_shape: _d, ...test } = golden.test;
    assert.deepEqual(summarize(xTrain, yTrain), train);
    assert.deepEqual(summarize(xTest, yTest), test);
  });

  it('exposes Keras class names', () => {
    assert.deepEqual([...fashionMnist.classNames], [
      'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
    ]);
  });

  it('finds the bundled data from the compiled module via the package root', () => {
    assert.equal(packageRoot(), repoRoot);
    assert.equal(fashionMnist.defaultDataDir(), path.join(repoRoot, 'data', 'fashion-mnist'));
  });
});

describe('datasets.fashionMnist integrity checks', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lw-fmnist-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function copyData(): Promise<string> {
    const d = await mkdtemp(path.join(dir, 'copy-'));
    await cp(fashionMnist.defaultDataDir(), d, { recursive: true });
    return d;
  }

  it('fails naming the file and both hashes when a file is corrupted', async () => {
    const d = await copyData();
    const file = path.join(d, 't10k-labels-idx1-ubyte.gz');
    await chmod(file, 0o644);
    const bytes = await readFile(file);
    bytes[bytes.length - 20] ^= 0xff;
    await writeFile(file, bytes);
    const expected = (await readFile(path.join(d, 'SHA256SUMS'), 'utf8')).match(/^([0-9a-f]{64})\s+t10k-labels/m)![1];
    await assert.rejects(fashionMnist.loadData({ dataDir: d }), (e: Error) => {
      assert.match(e.message, /SHA-256 mismatch/);
      assert.ok(e.message.includes(file), e.message);
      assert.ok(e.message.includes(`expected ${expected}`), e.message);
      assert.match(e.message, /received [0-9a-f]{64}/);
      assert.ok(!e.message.includes(`received ${expected}`));
      return true;
    });
  });

  it('fails clearly when a file or its checksum entry is missing', async () => {
    const d = await copyData();
    await rm(path.join(d, 'train-labels-idx1-ubyte.gz'));
    await assert.rejects(fashionMnist.loadData({ dataDir: d }), /cannot read .*train-labels-idx1-ubyte\.gz/);
    const d2 = await copyData();
    const sums = await readFile(path.join(d2, 'SHA256SUMS'), 'utf8');
    await chmod(path.join(d2, 'SHA256SUMS'), 0o644);
    await writeFile(path.join(d2, 'SHA256SUMS'), sums.split('\n').filter((l) => !l.includes('t10k-images')).join('\n'));
    await assert.rejects(fashionMnist.loadData({ dataDir: d2 }), /no entry for t10k-images-idx3-ubyte\.gz/);
  });

});
