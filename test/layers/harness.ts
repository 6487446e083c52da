// Shared layer checks: weight gradchecks (float64 layers), one SGD training step, config round trips.
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { noGrad } from '../../src/autograd/tape.js';
import type { Variable } from '../../src/autograd/variable.js';
import { mul, sub, sum } from '../../src/ops/index.js';
import type { Layer, CallOptions } from '../../src/layers/layer.js';
import { randF64 } from '../helpers/gradcheck.js';

/** Values of a tensor as a plain array. */
export function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/**
 * Checks d(sum(w * layer(x)))/d(weight) and /d(x) against central differences, perturbing the
 * layer's variables in place. The layer must hold float64 weights (dtype: 'float64').
 */
export function layerGradcheck(layer: Layer, x: Tensor, options: CallOptions & { eps?: number; atol?: number; rtol?: number } = {}): void {
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-5 } = options;
  const call = { training: options.training ?? false };
  const probe = noGrad(() => layer.apply(x, call));
  const w = randF64(probe.shape, 7, 0.5, 1.5);
  const vars = layer.trainableWeights;
  for (const v of vars) assert.equal(v.dtype, 'float64', `${v.name} should be float64 for a gradcheck`);
  const objective = (input: Tensor) => sum(mul(layer.apply(input, call), w));
  const { grads } = valueAndGrads(() => objective(x), [...vars, x]);
  const numericAt = (perturb: (delta: number) => void, restore: () => void) => {
    perturb(eps);
    const plus = noGrad(() => objective(x).item());
    restore();
    perturb(-eps);
    const minus = noGrad(() => objective(x).item());
    restore();
    return (plus - minus) / (2 * eps);
  };
  vars.forEach((v, vi) => {
    const original = v.read();
    for (let k = 0; k < original.size; k++) {
      const numeric = numericAt((d) => {
        const data = Float64Array.from(original.data);
        data[k] += d;
        v.assign(new Tensor(data, original.shape, 'float64'));
      }, () => v.assign(original));
      const a = grads[vi].data[k];
      assert.ok(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric), `${v.name}[${k}]: analytic ${a} vs numeric ${numeric}`);
    }
  });
  const gx = grads[vars.length];
  for (let k = 0; k < x.size; k++) {
    const at = (d: number) => {
      const data = Float64Array.from(x.data);
      data[k] += d;
      return noGrad(() => objective(new Tensor(data, x.shape, 'float64')).item());
    };
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    assert.ok(Math.abs(gx.data[k] - numeric) <= atol + rtol * Math.abs(numeric), `input[${k}]: analytic ${gx.data[k]} vs numeric ${numeric}`);
  }
}

/**
 * One training step: loss = mean(square(layer(x) - target)), gradients of the trainable weights,
 * manual SGD. Asserts every trainable weight moved and every non-trainable one kept its value.
 */
export function trainingStep(layer: Layer, x: Tensor, options: CallOptions = { training: true }, lr = 0.1): { before: Tensor[]; after: Tensor[] } {
  const target = noGrad(() => layer.apply(x, { training: false })).dataSync().map((_, i) => Math.sin(i));
  const trainable = layer.trainableWeights;
  assert.ok(trainable.length > 0, `${layer.name} has trainable weights`);
  const { value, grads } = valueAndGrads(() => {
    const y = layer.apply(x, options);
    const d = sub(y, new Tensor(Float32Array.from(target), y.shape, 'float32').cast(y.dtype));
    return mul(sum(mul(d, d)), 1 / y.size);
  }, trainable);
  assert.ok(Number.isFinite(value.item()), 'finite loss');
  const frozen = layer.nonTrainableWeights.map((v) => v.read());
  const before = trainable.map((v) => v.read());
  noGrad(() => trainable.forEach((v: Variable, i) => v.assign(sub(v.value, mul(grads[i], lr)))));
  const after = trainable.map((v) => v.read());
  trainable.forEach((v, i) => {
    const moved = values(before[i]).some((b, k) => b !== after[i].data[k]);
    assert.ok(moved, `trainable weight ${v.name} changed`);
  });
  layer.nonTrainableWeights.forEach((v, i) => assert.deepEqual(values(v.read()), values(frozen[i]), `non-trainable ${v.name} unchanged by the update`));
  return { before, after };
}

/** fromConfig(getConfig()) gives a layer with the same config (JSON-equal). */
export function assertConfigRoundTrip(layer: Layer, cls: { fromConfig(config: Record<string, any>): Layer }): Layer {
  const config = JSON.parse(JSON.stringify(layer.getConfig()));
  const clone = cls.fromConfig(config);
  assert.deepEqual(JSON.parse(JSON.stringify(clone.getConfig())), config);
  assert.equal(clone.className, layer.className);
  return clone;
}

/** A float32 tensor from nested numbers. */
export function f32(data: number[][] | number[][][] | number[], shape?: number[]): Tensor {
  const flat = (data as unknown[]).flat(3) as number[];
  const inferred = shape ?? inferShape(data);
  return new Tensor(Float32Array.from(flat), inferred, 'float32');
}

/** A float64 tensor from nested numbers. */
export function f64n(data: number[][] | number[][][] | number[]): Tensor {
  const flat = (data as unknown[]).flat(3) as number[];
  return new Tensor(Float64Array.from(flat), inferShape(data), 'float64');
}

function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let cur = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}
