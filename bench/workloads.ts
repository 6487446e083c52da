// The bench workloads W1/W2/W3 built with layerwise's op/autodiff API (dense op, moments, SGD via the backend).
import type { ActivationOp } from '../src/backend/backend.js';
import { Tensor } from '../src/tensor/tensor.js';
import { Variable } from '../src/autograd/variable.js';
import { valueAndGrads } from '../src/autograd/gradients.js';
import * as ops from '../src/ops/index.js';
import { backend } from '../src/backend/registry.js';
import { BATCH, N_CLASSES, N_FEATURES, type Dataset, truncNormal, xorshift } from './common.js';

export type WorkloadName = 'W1' | 'W2' | 'W3';

/** Layer list of a workload: ['bn'] or [units, activation, initializer fan-in scale]. */
export function architecture(name: WorkloadName): ({ bn: true } | { units: number; activation: ActivationOp; scale: number })[] {
  if (name === 'W1') {
    return [{ bn: true }, { units: 300, activation: 'elu', scale: 2 }, { bn: true }, { units: 100, activation: 'elu', scale: 2 },
      { bn: true }, { units: N_CLASSES, activation: 'linear', scale: 1 }];
  }
  if (name === 'W2') {
    return [{ units: 300, activation: 'relu', scale: 2 }, { units: 100, activation: 'relu', scale: 2 }, { units: N_CLASSES, activation: 'linear', scale: 1 }];
  }
  return [{ units: 300, activation: 'selu', scale: 1 }, ...Array.from({ length: 99 }, () => ({ units: 100, activation: 'selu' as ActivationOp, scale: 1 })),
    { units: N_CLASSES, activation: 'linear', scale: 1 }];
}

type Layer =
  | { kind: 'dense'; w: Variable; b: Variable; activation: ActivationOp }
  | { kind: 'bn'; gamma: Variable; beta: Variable; movingMean: Float32Array; movingVar: Float32Array };

/** A trainable model of the workload (the final softmax is folded into the loss as in Keras' fused path). */
export class OpsModel {
  readonly layers: Layer[] = [];
  readonly vars: Variable[] = [];

  constructor(name: WorkloadName, seed = 42) {
    const rnd = xorshift(seed);
    let fanIn = N_FEATURES;
    for (const spec of architecture(name)) {
      if ('bn' in spec) {
        const gamma = new Variable(new Tensor(new Float32Array(fanIn).fill(1), [fanIn], 'float32'));
        const beta = new Variable(new Tensor(new Float32Array(fanIn), [fanIn], 'float32'));
        this.layers.push({ kind: 'bn', gamma, beta, movingMean: new Float32Array(fanIn), movingVar: new Float32Array(fanIn).fill(1) });
        this.vars.push(gamma, beta);
      } else {
        const w = new Variable(new Tensor(truncNormal(fanIn * spec.units, Math.sqrt(spec.scale / fanIn), rnd), [fanIn, spec.units], 'float32'));
        const b = new Variable(new Tensor(new Float32Array(spec.units), [spec.units], 'float32'));
        this.layers.push({ kind: 'dense', w, b, activation: spec.activation });
        this.vars.push(w, b);
        fanIn = spec.units;
      }
    }
  }

  /** Logits for a batch; training BN uses batch statistics and updates the moving ones. */
  logits(x: Tensor, training: boolean): Tensor {
    let h = x;
    for (const l of this.layers) {
      if (l.kind === 'dense') {
        h = ops.dense(h, l.w.value, l.b.value, l.activation);
      } else if (training) {
        const { mean, variance } = ops.moments(h, 0);
        const m = mean.data;
        const v = variance.data;
        for (let i = 0; i < m.length; i++) {
          l.movingMean[i] = 0.99 * l.movingMean[i] + 0.01 * m[i];
          l.movingVar[i] = 0.99 * l.movingVar[i] + 0.01 * v[i];
        }
        const scale = ops.mul(ops.rsqrt(ops.add(variance, 1e-3)), l.gamma.value);
        h = ops.add(ops.mul(ops.sub(h, mean), scale), l.beta.value);
      } else {
        const n = l.movingMean.length;
        const mm = new Tensor(l.movingMean, [n], 'float32');
        const scale = ops.mul(ops.rsqrt(ops.add(new Tensor(l.movingVar, [n], 'float32'), 1e-3)), l.gamma.value);
        h = ops.add(ops.mul(ops.sub(h, mm), scale), l.beta.value);
      }
    }
    return h;
  }

  /** One SGD (lr 0.01) step on sparse categorical cross-entropy; returns the loss. */
  trainStep(x: Tensor, y: Tensor): number {
    const { value, grads } = valueAndGrads(() => {
      const logp = ops.logSoftmax(this.logits(x, true));
      return ops.neg(ops.mean(ops.sum(ops.mul(logp, ops.oneHot(y, N_CLASSES)), 1)));
    }, this.vars);
    backend().optimizerUpdate({
      kind: 'sgd',
      params: this.vars.map((v) => v.storage()),
      grads: grads.map((g) => g.data as Float32Array),
      slots: [],
      hyper: { learningRate: 0.01 },
    });
    return value.data[0];
  }

  predict(x: Tensor): Tensor {
    return ops.softmax(this.logits(x, false));
  }
}

/** Cycles through the data set in batches of `batch` rows. */
export function batches(d: Dataset, batch = BATCH): () => { x: Tensor; y: Tensor } {
  let offset = 0;
  const n = d.y.length;
  return () => {
    if (offset + batch > n) offset = 0;
    // Views into the dataset, as PyTorch's x[o:o + BATCH] (no copy per step).
    const x = new Tensor(d.x.subarray(offset * N_FEATURES, (offset + batch) * N_FEATURES), [batch, N_FEATURES], 'float32');
    const y = new Tensor(d.y.subarray(offset, offset + batch), [batch], 'int32');
    offset += batch;
    return { x, y };
  };
}
