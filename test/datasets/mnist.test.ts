// datasets.mnist.loadData through getFile, served locally from a NumPy-written miniature mnist.npz.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mnist } from '../../src/datasets/index.js';
import { loadGolden } from '../helpers/golden.js';
import { serveFixture, type Fixture } from './http_fixture.js';

interface NpzFixture { base64: string; sha256: string; arrays: Record<string, { shape: number[]; dtype: string; values: number[] }> }
const fixture = loadGolden<{ mnist_npz: NpzFixture }>('datasets_fixtures.json').mnist_npz;

describe('datasets.mnist', () => {
  let server: Fixture;
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'lw-mnist-'));
    server = await serveFixture({ 'mnist.npz': new Uint8Array(Buffer.from(fixture.base64, 'base64')) });
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it("uses Keras' origin and SHA-256 by default", () => {
    assert.equal(mnist.MNIST_ORIGIN, 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz');
    assert.match(mnist.MNIST_SHA256, /^[0-9a-f]{64}$/);
  });

  it('downloads, verifies and reads the npz into uint8 tensors in Keras order', async () => {
    const cacheDir = path.join(root, 'ok');
    const origin = server.url('/file/mnist.npz');
    const [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData({ origin, sha256: fixture.sha256, cacheDir });
    const expect = fixture.arrays;
    for (const [t, key] of [[xTrain, 'x_train'], [yTrain, 'y_train'], [xTest, 'x_test'], [yTest, 'y_test']] as const) {
      assert.deepEqual(t.shape, expect[key].shape, key);
      assert.equal(t.dtype, 'uint8', key);
      assert.deepEqual(Array.from(t.dataSync()), expect[key].values, key);
    }
    assert.deepEqual(await readdir(path.join(cacheDir, 'datasets')), ['mnist.npz']);
    await mnist.loadData({ origin, sha256: fixture.sha256, cacheDir });
    assert.equal(server.hits.get('/file/mnist.npz'), 1, 'second load uses the cache');
  });

  it("rejects a file that does not match Keras' hash and caches nothing", async () => {
    const cacheDir = path.join(root, 'bad');
    await assert.rejects(mnist.loadData({ origin: server.url('/file/mnist.npz'), cacheDir }),
      new RegExp(`is ${fixture.sha256}, expected ${mnist.MNIST_SHA256}`));
    assert.deepEqual(await readdir(path.join(cacheDir, 'datasets')), []);
  });
});
