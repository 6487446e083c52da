// Every native kernel against the reference backend on random shapes (1, odd sizes, non-multiples of 16).
import { it } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { loadNativeBackend, nativeInfo, setPoisonOutputs } from '../../src/backend/native.js';
import { ALL_ISAS, describeEachIsa } from './each_isa.js';
import { kernelSuite, rand } from '../helpers/kernel_suite.js';
import { referenceBackend } from '../../src/backend/reference/index.js';

const { backend: nb, error } = loadNativeBackend();
const skip = nb ? false : `native backend not available: ${error}`;
if (skip) console.warn(`test/backend/native: skipped (${skip})`);
// Large outputs are not zeroed: fill them with NaN so a kernel that leaves any element unwritten fails here.
setPoisonOutputs(true);

function native(): NonNullable<typeof nb> {
  assert.ok(nb);
  return nb;
}

describeEachIsa('native backend', skip, (isa) => {
  it('is named native and runs float32 on native kernels', () => {
    assert.equal(native().name, 'native');
    const y = native().unary('exp', rand([3], 1), {});
    assert.ok(y.data instanceof Float32Array);
  });

  kernelSuite(native);

  it('runs sgd, adam, rmsprop and nadam on its own kernel (never the reference fallback)', () => {
    const fallback = referenceBackend.optimizerUpdate;
    const fellBack: string[] = [];
    referenceBackend.optimizerUpdate = (u) => {
      fellBack.push(u.kind);
      fallback(u);
    };
    try {
      for (const kind of ['sgd', 'adam', 'rmsprop', 'nadam'] as const) {
        const w = rand([64], 5).data as Float32Array;
        const before = Float32Array.from(w);
        const slots = kind === 'sgd' ? [] : kind === 'rmsprop' ? [[new Float32Array(64)]] : [[new Float32Array(64)], [new Float32Array(64)]];
        native().optimizerUpdate({ kind, params: [w], grads: [rand([64], 6).data as Float32Array], slots,
          hyper: { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, rho: 0.9, iteration: 1, uProduct: 0.9 * (1 - 0.5 * 0.96) } });
        assert.notDeepEqual(w, before, kind);
      }
      assert.deepEqual(fellBack, []);
    } finally {
      referenceBackend.optimizerUpdate = fallback;
    }
  });

  it('multi-threaded kernels (LAYERWISE_NUM_THREADS=2, in a child process) match the reference', () => {
    const here = new URL('.', import.meta.url).href;
    const script = `
      const { loadNativeBackend } = await import('${here}../../src/backend/native.js');
      const { referenceBackend: rb } = await import('${here}../../src/backend/reference/index.js');
      const nb = loadNativeBackend().backend;
      const r = (shape, s) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37 + s)), shape, dtype: 'float32' });
      let worst = 0;
      const cmp = (x, y) => { for (let i = 0; i < y.data.length; i++) worst = Math.max(worst, Math.abs(x.data[i] - y.data[i]) / (1 + Math.abs(y.data[i]))); };
      for (const [m, k, n] of [[32, 300, 301], [200, 64, 33], [97, 130, 250]]) {
        for (const tb of [false, true]) {
          const a = r([m, k], 1), b = r(tb ? [n, k] : [k, n], 2), bias = r([n], 3);
          cmp(nb.matmul(a, b, { transposeB: tb, bias, activation: 'elu' }), rb.matmul(a, b, { transposeB: tb, bias, activation: 'elu' }));
        }
      }
      const x = r([300, 300], 4), v = r([300], 5);
      cmp(nb.binary('add', x, v, 'float32'), rb.binary('add', x, v, 'float32'));
      cmp(nb.unary('tanh', x), rb.unary('tanh', x));
      cmp(nb.softmax(x, 1, false), rb.softmax(x, 1, false));
      for (const [m, k, n] of [[32, 100, 100], [64, 300, 301], [32, 784, 300]]) {
        const xs = r([m, k], 6), w = r([k, n], 7), dy = r([m, n], 8);
        const y = rb.matmul(xs, w, { activation: 'selu' });
        for (const needs of [[true, true, true], [false, true, true], [true, false, false]]) {
          const g = nb.denseGrad(xs, w, y, dy, { activation: 'selu', needs }), e = rb.denseGrad(xs, w, y, dy, { activation: 'selu', needs });
          for (const key of ['dx', 'dkernel', 'dbias']) if (e[key]) cmp(g[key], e[key]);
        }
      }
      for (const shape of [[32, 784], [300, 300], [64, 33]]) {
        const axes = shape.slice(0, -1).map((_, i) => i), st = shape.map((d, i) => (i === shape.length - 1 ? d : 1));
        const xb = r(shape, 11), gm = r(st, 12), bt = r(st, 13), dyb = r(shape, 14);
        const f = nb.batchNorm(xb, gm, bt, axes, 1e-3), e = rb.batchNorm(xb, gm, bt, axes, 1e-3);
        for (const key of ['y', 'mean', 'variance', 'rstd']) cmp(f[key], e[key]);
        const gb = nb.batchNormGrad(xb, dyb, e.mean, e.rstd, gm, axes, [true, true, true]), eb = rb.batchNormGrad(xb, dyb, e.mean, e.rstd, gm, axes, [true, true, true]);
        for (const key of ['dx', 'dgamma', 'dbeta']) cmp(gb[key], eb[key]);
      }
      const shapes = [[300, 301], [1000], [3], [257, 31]];
      const upd = () => ({ params: shapes.map((s, i) => r(s, 10 + i).data), grads: shapes.map((s, i) => r(s, 20 + i).data), slots: [shapes.map((s, i) => r(s, 30 + i).data.map(Math.abs))] });
      const u1 = upd(), u2 = upd();
      nb.optimizerUpdate({ kind: 'rmsprop', ...u1, hyper: { learningRate: 0.01, rho: 0.9, epsilon: 1e-7 } });
      rb.optimizerUpdate({ kind: 'rmsprop', ...u2, hyper: { learningRate: 0.01, rho: 0.9, epsilon: 1e-7 } });
      u1.params.forEach((p, i) => cmp({ data: p }, { data: u2.params[i] }));
      console.log(JSON.stringify({ threads: nb ? 2 : 0, worst }));
    `;
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8', env: { ...process.env, LAYERWISE_NUM_THREADS: '2', LAYERWISE_POISON_OUTPUTS: '1', LAYERWISE_ISA: isa },
    });
    assert.equal(res.status, 0, res.stderr);
    const { worst } = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as { worst: number };
    assert.ok(worst < 1e-4, `threaded kernels differ from the reference by ${worst}`);
  });

  // Buffer bookkeeping, not arithmetic: once, on the first path.
  if (isa === ALL_ISAS.find((i) => nativeInfo()?.supportedIsas.includes(i))) it('training with recycled buffers NaN-poisoned on reuse gives the same losses (no live tensor shares a recycled buffer)', () => {
    const here = new URL('.', import.meta.url).href;
    const script = `
      const lw = await import('${here}../../src/index.js');
      lw.setRandomSeed(3);
      const model = new lw.Sequential([new lw.layers.Flatten({ inputShape: [64] }), new lw.layers.BatchNormalization(),
        new lw.layers.Dense(100, { activation: 'elu' }), new lw.layers.Dense(100, { activation: 'selu' }), new lw.layers.Dense(25, { activation: 'softmax' })]);
      model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new lw.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }), metrics: ['accuracy'] });
      const x = lw.randomUniform([96, 64], -1, 1, 'float32', 5), y = lw.tensor(Array.from({ length: 96 }, (_, i) => i % 25), [96], 'int32');
      const losses = [];
      for (let i = 0; i < 6; i++) losses.push(...model.trainOnBatch(x, y));
      console.log(JSON.stringify({ backend: lw.getBackend(), losses, pred: Array.from(model.predictOnBatch(x).dataSync().slice(0, 5)) }));
    `;
    const run = (poison: string): { backend: string; losses: number[]; pred: number[] } => {
      const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8', env: { ...process.env, LAYERWISE_POISON_OUTPUTS: poison, LAYERWISE_NUM_THREADS: '2' },
      });
      assert.equal(res.status, 0, res.stderr);
      return JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as { backend: string; losses: number[]; pred: number[] };
    };
    const plain = run('0');
    const poisoned = run('1');
    assert.equal(plain.backend, 'native');
    assert.ok(plain.losses.every(Number.isFinite), `losses ${plain.losses.join(', ')}`);
    assert.deepEqual(poisoned, plain);
  });
}, true);
