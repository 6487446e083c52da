// Metrics vs NumPy goldens of Keras' definitions (two batches, with and without sample weights).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/creation.js';
import { oneHot } from '../../src/ops/index.js';
import * as metrics from '../../src/metrics/index.js';
import { loadGolden } from '../helpers/golden.js';
import { assertClose } from '../helpers/gradcheck.js';

interface BinBatch { y_true: number[][]; y_pred: number[][]; sample_weight: number[] }
interface CatBatch { labels: number[]; y_pred: number[][]; sample_weight: number[] }
type Pair = { unweighted: number; weighted: number };
const g = loadGolden<{
  binary: BinBatch[]; categorical: CatBatch[]; results: Record<string, Pair>;
  auc: (Pair & { num_thresholds: number; curve: 'ROC' | 'PR'; summation_method: 'interpolation' | 'minoring' | 'majoring' })[];
  precision_recall: { threshold: number; unweighted: { precision: number; recall: number }; weighted: { precision: number; recall: number } }[];
}>('metrics.json');

function feed(m: metrics.Metric, kind: 'binary' | 'sparse' | 'onehot', weighted: boolean): number {
  if (kind === 'binary') {
    for (const b of g.binary) m.update(tensor(b.y_true), tensor(b.y_pred), weighted ? tensor(b.sample_weight) : null);
  } else {
    for (const b of g.categorical) {
      const labels = tensor(b.labels, undefined, 'int32');
      m.update(kind === 'sparse' ? labels : oneHot(labels, 5), tensor(b.y_pred), weighted ? tensor(b.sample_weight) : null);
    }
  }
  return m.result();
}

function check(make: () => metrics.Metric, kind: 'binary' | 'sparse' | 'onehot', expected: Pair, tol = 1e-6): void {
  assertClose([feed(make(), kind, false)], [expected.unweighted], tol, 1e-6, 'unweighted');
  assertClose([feed(make(), kind, true)], [expected.weighted], tol, 1e-6, 'weighted');
}

describe('accuracy metrics', () => {
  it('BinaryAccuracy (thresholds 0.5 and 0.7)', () => {
    check(() => new metrics.BinaryAccuracy(), 'binary', g.results['binary_accuracy_0.5']);
    check(() => new metrics.BinaryAccuracy({ threshold: 0.7 }), 'binary', g.results['binary_accuracy_0.7']);
  });
  it('SparseCategoricalAccuracy and CategoricalAccuracy', () => {
    check(() => new metrics.SparseCategoricalAccuracy(), 'sparse', g.results.sparse_categorical_accuracy);
    check(() => new metrics.CategoricalAccuracy(), 'onehot', g.results.categorical_accuracy);
  });
  it('top-k accuracy (ties at the boundary count as in)', () => {
    for (const k of [1, 2, 3]) {
      check(() => new metrics.SparseTopKCategoricalAccuracy({ k }), 'sparse', g.results[`top_k_${k}`]);
      check(() => new metrics.TopKCategoricalAccuracy({ k }), 'onehot', g.results[`top_k_${k}`]);
    }
  });
  it('MeanSquaredError and MeanAbsoluteError metrics', () => {
    check(() => new metrics.MeanSquaredError(), 'onehot', g.results.mse);
    check(() => metrics.get('mae'), 'onehot', g.results.mae);
  });
  it('reset clears the state', () => {
    const m = new metrics.BinaryAccuracy();
    feed(m, 'binary', false);
    m.reset();
    assert.equal(m.result(), 0);
    m.update(tensor([[1], [0]]), tensor([[0.9], [0.8]]));
    assert.equal(m.result(), 0.5);
  });
});

describe('AUC, Precision, Recall', () => {
  for (const a of g.auc) {
    it(`AUC ${a.curve} ${a.summation_method} with ${a.num_thresholds} thresholds`, () => {
      check(() => new metrics.AUC({ numThresholds: a.num_thresholds, curve: a.curve, summationMethod: a.summation_method }), 'binary', a, 1e-9);
    });
  }
  for (const pr of g.precision_recall) {
    it(`Precision and Recall at threshold ${pr.threshold}`, () => {
      check(() => new metrics.Precision({ thresholds: pr.threshold }), 'binary', { unweighted: pr.unweighted.precision, weighted: pr.weighted.precision }, 1e-9);
      check(() => new metrics.Recall({ thresholds: pr.threshold }), 'binary', { unweighted: pr.unweighted.recall, weighted: pr.weighted.recall }, 1e-9);
    });
  }
  it('Precision and Recall with classId look at one column', () => {
    const yTrue = tensor([[1, 0], [0, 1], [1, 1], [0, 0]]);
    const yPred = tensor([[0.9, 0.2], [0.6, 0.8], [0.3, 0.7], [0.1, 0.9]]);
    const p = new metrics.Precision({ classId: 1 });
    p.update(yTrue, yPred);
    assertClose([p.result()], [2 / 3], 1e-12, 0);
    const r = new metrics.Recall({ classId: 0 });
    r.update(yTrue, yPred);
    assertClose([r.result()], [1 / 2], 1e-12, 0);
    assert.throws(() => new metrics.Precision({ thresholds: [0.2, 0.5] as never }), /thresholds must be one number in \[0, 1\]/);
  });

  it('AUC of a perfect ranking is 1 and fromLogits applies a sigmoid', () => {
    const m = new metrics.AUC();
    m.update(tensor([0, 0, 1, 1]), tensor([0.1, 0.2, 0.8, 0.9]));
    assertClose([m.result()], [1], 1e-9, 0);
    const l = new metrics.AUC({ fromLogits: true });
    l.update(tensor([0, 0, 1, 1]), tensor([-3, -2, 2, 3]));
    assertClose([l.result()], [1], 1e-9, 0);
  });
});

describe('metrics.get', () => {
  it("resolves 'accuracy' from the loss and keeps the name", () => {
    const cases: [string, string][] = [
      ['binary_crossentropy', 'BinaryAccuracy'], ['sparse_categorical_crossentropy', 'SparseCategoricalAccuracy'],
      ['categorical_crossentropy', 'CategoricalAccuracy'], ['sparseCategoricalCrossentropy', 'SparseCategoricalAccuracy'],
    ];
    for (const [loss, cls] of cases) {
      const m = metrics.get('accuracy', loss);
      assert.equal(m.className, cls, loss);
      assert.equal(m.name, 'accuracy');
    }
    assert.equal(metrics.get('acc', 'binary_crossentropy').name, 'acc');
  });

  it("resolves 'accuracy' from the shapes when the loss does not decide", () => {
    const sparse = metrics.get('accuracy', 'mse');
    sparse.update(tensor([0, 2]), tensor([[0.7, 0.2, 0.1], [0.1, 0.9, 0.0]]));
    assert.equal(sparse.result(), 0.5);
    assert.equal(sparse.className, 'SparseCategoricalAccuracy');
    const binary = metrics.get('accuracy');
    binary.update(tensor([[1], [0], [1]]), tensor([[0.9], [0.2], [0.4]]));
    assertClose([binary.result()], [2 / 3], 1e-12, 0);
    const categorical = metrics.get('accuracy');
    categorical.update(tensor([[0, 1], [1, 0]]), tensor([[0.2, 0.8], [0.3, 0.7]]));
    assert.equal(categorical.result(), 0.5);
    assert.equal(categorical.name, 'accuracy');
  });

  it('resolves other strings, keeping the identifier as name', () => {
    assert.equal(metrics.get('mse').className, 'MeanSquaredError');
    assert.equal(metrics.get('mse').name, 'mse');
    assert.equal(metrics.get('sparseTopKCategoricalAccuracy').className, 'SparseTopKCategoricalAccuracy');
    assert.equal(metrics.get('AUC').className, 'AUC');
    assert.equal(metrics.get('precision').name, 'precision');
    assert.equal(metrics.get(metrics.Recall as never).className, 'Recall');
    const bce = metrics.get('binary_crossentropy');
    bce.update(tensor([[1]]), tensor([[0.5]]));
    assertClose([bce.result()], [Math.log(2)], 1e-6, 0);
  });

  it('throws on unknown names, listing the valid ones', () => {
    assert.throws(() => metrics.get('acuracy'), /unknown metric 'acuracy'. Valid names: .*accuracy.*auc/);
  });

  it('round-trips configs', () => {
    const auc = new metrics.AUC({ numThresholds: 50, curve: 'PR' });
    const back = metrics.deserialize({ class_name: 'AUC', config: auc.getConfig() }) as metrics.AUC;
    assert.equal(back.numThresholds, 50);
    assert.equal(back.curve, 'PR');
    const ba = metrics.deserialize({ class_name: 'BinaryAccuracy', config: { name: 'acc', threshold: 0.3 } }) as metrics.BinaryAccuracy;
    assert.equal(ba.threshold, 0.3);
    assert.equal(ba.name, 'acc');
  });

  it('Mean averages values with weights', () => {
    const m = new metrics.Mean();
    m.update(tensor([1, 2, 3]));
    m.update(tensor([10]), tensor([2]));
    assertClose([m.result()], [(1 + 2 + 3 + 20) / 5], 1e-12, 0);
  });
});
