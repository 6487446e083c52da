// Losses vs PyTorch goldens (value and gradient wrt y_pred), reductions, configs and errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { tensor } from '../../src/tensor/creation.js';
import type { DType } from '../../src/tensor/dtype.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import '../../src/ops/index.js';
import * as losses from '../../src/losses/index.js';
import { loadGolden } from '../helpers/golden.js';
import { assertClose } from '../helpers/gradcheck.js';

interface LossCase {
  name: string;
  loss: string;
  options: Record<string, unknown>;
  y_true: any;
  y_true_dtype: DType;
  y_pred: any;
  sample_weight?: number[];
  value: number | number[];
  grad: any;
}

const golden = loadGolden<{ cases: LossCase[] }>('losses.json');

function flat(x: any): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

function makeLoss(c: LossCase): losses.Loss {
  const base = losses.get(c.loss);
  const config = { ...base.getConfig() };
  const opts = c.options as Record<string, any>;
  const cls = base.constructor as unknown as { fromConfig(cfg: Record<string, any>): losses.Loss };
  const snake: Record<string, string> = { fromLogits: 'from_logits', labelSmoothing: 'label_smoothing', ignoreClass: 'ignore_class', delta: 'delta', reduction: 'reduction' };
  for (const [k, v] of Object.entries(opts)) config[snake[k]] = v;
  return cls.fromConfig(config);
}

describe('losses vs PyTorch goldens (float64)', () => {
  for (const c of golden.cases) {
    it(`${c.name}: value and gradient`, () => {
      const loss = makeLoss(c);
      const yTrue = tensor(c.y_true, undefined, c.y_true_dtype);
      const pred = tensor(c.y_pred, undefined, 'float64');
      const sw = c.sample_weight ? tensor(c.sample_weight, undefined, 'float64') : null;
      const { value, grads } = valueAndGrads(() => loss.apply(yTrue, pred, sw), [pred]);
      assertClose(value.dataSync(), flat(c.value), 1e-10, 1e-9, `${c.name} value`);
      assertClose(grads[0].dataSync(), flat(c.grad), 1e-10, 1e-8, `${c.name} grad`);
    });
  }

  it('computes in float32 for float32 predictions, close to the float64 golden', () => {
    const c = golden.cases.find((x) => x.name === 'cce_probs') as LossCase;
    const v = losses.get('categorical_crossentropy').apply(tensor(c.y_true), tensor(c.y_pred));
    assert.equal(v.dtype, 'float32');
    assertClose([v.item()], [c.value as number], 1e-6, 1e-5);
  });
});

describe('loss semantics', () => {
  it('clips probabilities to [1e-7, 1 - 1e-7] without fromLogits', () => {
    const v = losses.get('binary_crossentropy').apply(tensor([[1], [0]]), tensor([[0], [1]], undefined, 'float64')).item();
    assertClose([v], [-Math.log(1e-7)], 1e-9, 1e-9);
  });

  it('fromLogits BCE stays finite for large logits', () => {
    const bce = new losses.BinaryCrossentropy({ fromLogits: true });
    const v = bce.apply(tensor([[1], [0]]), tensor([[-200], [200]], undefined, 'float64')).item();
    assertClose([v], [200], 1e-9, 1e-12);
  });

  it('returns a per-sample vector with reduction none', () => {
    const mse = new losses.MeanSquaredError({ reduction: 'none' });
    const v = mse.apply(tensor([[0, 0], [1, 1]]), tensor([[1, 1], [1, 3]]));
    assert.deepEqual(v.shape, [2]);
    assert.deepEqual(Array.from(v.dataSync()), [1, 2]);
  });

  it('resolves snake_case, camelCase, class names and aliases', () => {
    assert.ok(losses.get('mse') instanceof losses.MeanSquaredError);
    assert.ok(losses.get('meanSquaredError') instanceof losses.MeanSquaredError);
    assert.ok(losses.get('MeanSquaredError') instanceof losses.MeanSquaredError);
    assert.ok(losses.get('sparseCategoricalCrossentropy') instanceof losses.SparseCategoricalCrossentropy);
    assert.ok(losses.get('kld') instanceof losses.KLDivergence);
    assert.ok(losses.get('huber_loss') instanceof losses.Huber);
    assert.ok(losses.get(losses.LogCosh as never) instanceof losses.LogCosh);
    const custom = losses.get((a: Tensor, b: Tensor) => b.sub(a).abs().sum(-1));
    assert.equal(custom.apply(tensor([[1, 2]]), tensor([[2, 0]])).item(), 3);
  });

  it('throws on unknown names, listing the valid ones', () => {
    assert.throws(() => losses.get('mean_sqared_error'), /unknown loss 'mean_sqared_error'.*mean_squared_error.*binary_crossentropy/);
  });

  it('throws on bad reductions and mismatched sparse labels', () => {
    assert.throws(() => new losses.MeanSquaredError({ reduction: 'avg' as never }), /invalid reduction 'avg'/);
    const scce = new losses.SparseCategoricalCrossentropy();
    assert.throws(() => scce.apply(tensor([0, 1, 2]), tensor([[0.5, 0.5], [0.5, 0.5]])), /expected integer labels of shape \[2\]/);
    assert.throws(() => scce.apply(tensor([0, 5]), tensor([[0.5, 0.5], [0.5, 0.5]])), /labels must be integers in \[0, 2\), received 5/);
    assert.throws(() => losses.get('cce').apply(tensor([0, 1]), tensor([[0.5, 0.5], [0.5, 0.5]])), /unknown loss 'cce'/);
  });

  it('round-trips configs with Keras keys', () => {
    const bce = new losses.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1, reduction: 'sum' });
    const cfg = bce.getConfig();
    assert.deepEqual(cfg, { name: 'binary_crossentropy', reduction: 'sum', from_logits: true, label_smoothing: 0.1, axis: -1 });
    const back = losses.deserialize({ class_name: 'BinaryCrossentropy', config: cfg }) as losses.BinaryCrossentropy;
    assert.equal(back.fromLogits, true);
    assert.equal(back.labelSmoothing, 0.1);
    assert.equal(back.reduction, 'sum');
    assert.deepEqual(losses.serialize(new losses.Huber({ delta: 2 })).config, { name: 'huber_loss', reduction: 'sum_over_batch_size', delta: 2 });
    const scce = losses.deserialize({ class_name: 'SparseCategoricalCrossentropy', config: { from_logits: true, ignore_class: 3 } }) as losses.SparseCategoricalCrossentropy;
    assert.equal(scce.ignoreClass, 3);
  });

  it('a custom Loss subclass round-trips through the base fromConfig', () => {
    class ScaledAbs extends losses.Loss {
      static override readonly className = 'ScaledAbs';
      readonly scaleBy: number;
      constructor(options: losses.LossOptions & { scaleBy?: number } = {}) {
        super(options);
        this.scaleBy = options.scaleBy ?? 1;
      }
      call(yTrue: Tensor, yPred: Tensor): Tensor {
        return yPred.sub(yTrue).abs().mul(this.scaleBy).mean(-1);
      }
      override getConfig(): Record<string, unknown> {
        return { ...super.getConfig(), scale_by: this.scaleBy };
      }
    }
    const back = ScaledAbs.fromConfig(new ScaledAbs({ scaleBy: 3, reduction: 'sum' }).getConfig()) as ScaledAbs;
    assert.equal(back.scaleBy, 3);
    assert.equal(back.name, 'scaled_abs');
    assert.equal(back.apply(tensor([[0, 0]]), tensor([[1, -1]])).item(), 3);
  });

  it('reads Keras 3 function entries and tf.keras 2 reduction "auto"', () => {
    assert.ok(losses.deserialize({ class_name: 'function', config: 'mean_squared_error' }) instanceof losses.MeanSquaredError);
    const legacy = losses.deserialize({ class_name: 'SparseCategoricalCrossentropy', config: { reduction: 'auto', name: 'sparse_categorical_crossentropy', from_logits: false } });
    assert.equal(legacy.reduction, 'sum_over_batch_size');
  });
});
