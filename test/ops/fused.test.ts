// The fused training ops (sparse cross-entropy from probabilities, training batch norm) against the op chains they replace.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import '../../src/backend/native.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { Tensor } from '../../src/tensor/tensor.js';
import * as o from '../../src/ops/index.js';
import { sparseCategoricalCrossentropyFromProbabilities } from '../../src/ops/crossentropy.js';
import { batchNormTraining } from '../../src/ops/batchnorm.js';
import { rngFor } from '../../src/random/rng.js';
import { availableBackends, getBackend, setBackend } from '../../src/backend/registry.js';

const rng = rngFor(7);
function randT(shape: number[], scale = 1, shift = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => (rng.uniform() - 0.5 + shift) * scale), shape, 'float32');
}

describe('sparseCategoricalCrossentropyFromProbabilities', () => {
  it('equals -sum(oneHot * log(clip(p / sum p))) bit for bit, value and gradient, including clipped rows', () => {
    for (const [rows, depth, spread] of [[5, 4, 3], [7, 10, 60], [1, 2, 1]] as const) {
      const p = o.softmax(randT([rows, depth], spread));
      const labels = new Tensor(Int32Array.from({ length: rows }, () => Math.floor(rng.uniform() * depth)), [rows], 'int32');
      const w = randT([rows], 1, 0.5);
      const fused = valueAndGrads(() => o.sum(o.mul(sparseCategoricalCrossentropyFromProbabilities(labels, p, 1e-7), w)), [p]);
      const chain = valueAndGrads(() => {
        const q = o.clip(o.div(p, o.sum(p, -1, true)), 1e-7, 1 - 1e-7);
        return o.sum(o.mul(o.mul(o.sum(o.mul(o.oneHot(labels, depth, 'float32'), o.log(q)), -1), -1), w));
      }, [p]);
      assert.deepEqual(Array.from(fused.value.dataSync()), Array.from(chain.value.dataSync()));
      assert.deepEqual(Array.from(fused.grads[0].dataSync()), Array.from(chain.grads[0].dataSync()));
    }
  });
});

describe('batchNormTraining', () => {
  // The reference backend composes the same kernels as the chain (bit-identical forward); the native backend fuses
  // them into one pass per column, so it matches within float32 rounding.
  for (const name of availableBackends()) {
    it(`${name}: matches moments + normalization ${name === 'reference' ? 'exactly' : 'within float32 rounding'} forward and within float32 rounding backward`, () => {
      const previous = getBackend();
      setBackend(name);
      try {
        for (const shape of [[8, 5], [4, 3, 6], [64, 300]]) {
          const x = randT(shape, 4, 0.3);
          const c = shape[shape.length - 1];
          const bShape = shape.map((d, i) => (i === shape.length - 1 ? d : 1));
          const axes = shape.slice(0, -1).map((_, i) => i);
          const gamma = randT(bShape, 1, 1);
          const beta = randT(bShape);
          const w = randT(shape);
          const fused = valueAndGrads(() => o.sum(o.mul(batchNormTraining(x, gamma, beta, axes, 1e-3).y, w)), [x, gamma, beta]);
          const chain = valueAndGrads(() => {
            const { mean, variance } = o.moments(x, axes, true);
            const inv = o.mul(o.rsqrt(o.add(variance, 1e-3)), gamma);
            const res = o.add(o.mul(o.mul(mean, inv), -1), beta);
            return o.sum(o.mul(o.add(o.mul(x, inv), res), w));
          }, [x, gamma, beta]);
          if (name === 'reference') assert.equal(fused.value.item(), chain.value.item());
          else assert.ok(Math.abs(fused.value.item() - chain.value.item()) <= 1e-5 * (1 + Math.abs(chain.value.item())), `${fused.value.item()} vs ${chain.value.item()}`);
          fused.grads.forEach((g, k) => {
            const want = chain.grads[k].dataSync();
            const scale = Math.max(...Array.from(want, Math.abs), 1e-6);
            g.dataSync().forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-5 * scale, `grad ${k}[${i}] (of ${c} features): ${v} vs ${want[i]}`));
          });
        }
      } finally {
        setBackend(previous);
      }
    });
  }
});
