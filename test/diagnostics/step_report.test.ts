// diagnostics StepReport: a report read from a training step equals gradientReport(training: true) at the step's starting weights; the step trains the same.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradientReport, type LayerTensors } from '../../src/diagnostics/report.js';
import { StepReport } from '../../src/diagnostics/step_report.js';
import { histogram } from '../../src/callbacks/dashboard_log.js';
import { Model, Sequential } from '../../src/models/index.js';
import { cloneModel } from '../../src/models/clone.js';
import { Activation, BatchNormalization, Dense, Input, LeakyReLU, type SymbolicTensor } from '../../src/layers/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { resetNameCounters } from '../../src/utils/naming.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** A functional model with a nested Sequential, activation layers to fold and batch normalization. */
function net(): Model {
  const x = Input({ shape: [6] });
  let h = new Dense(10, { activation: 'relu', name: 'd1' }).apply(x);
  const inner = new Sequential([new Dense(8, { inputShape: [10], name: 'inner_dense' }), new Activation('tanh'), new BatchNormalization({ name: 'bn' })], { name: 'inner' });
  h = inner.apply(h) as SymbolicTensor;
  h = new LeakyReLU().apply(new Dense(5, { name: 'd2' }).apply(h));
  const out = new Dense(3, { activation: 'softmax', name: 'out' }).apply(h);
  return new Model({ inputs: x, outputs: out, name: 'net' });
}

/** A compiled copy of `m` holding `weights`. */
function copyOf(m: Model, weights: Tensor[], optimizer: string): Model {
  const c = cloneModel(m);
  c.setWeights(weights);
  c.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
  return c;
}

/** onLayerTensors that keeps histograms of what it is shown (read at once: a step's gradients are recycled after it). */
function histogramsInto(out: Map<string, unknown>): (name: string, t: LayerTensors) => void {
  return (name, t) => out.set(name, [histogram(t.weights.map((w) => w.data), 7), histogram([t.output.data], 7), histogram(t.gradients.map((g) => g.data), 7)]);
}

describe('diagnostics StepReport (a report ridden on a training step)', () => {
  for (const optimizer of ['sgd', 'adam']) {
    it(`equals gradientReport({ training: true }) at the step's starting weights, and the step trains the same (${optimizer})`, async () => {
      resetNameCounters();
      setRandomSeed(11);
      const m = net();
      m.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
      const x = randomNormal([9, 6]);
      const y = tensor([0, 1, 2, 0, 1, 2, 2, 1, 0], [9], 'int32');
      const start = m.getWeights();
      const reference = copyOf(m, start, optimizer);
      const untapped = copyOf(m, start, optimizer);
      const seen = new Map<string, unknown>();
      const tap = new StepReport(m, { onLayerTensors: histogramsInto(seen) });
      m.stepTap = tap;
            m.trainOnBatch(x, y);
      assert.equal(m.stepTap, null, 'the step takes the tap');
      assert.equal(tap.error, null);
      // The step recycles its buffers after the update: the tap must hold none of its tensors by then.
      assert.equal((tap as unknown as { recorder: { records: unknown[] } }).recorder.records.length, 0, 'the tap let go of the layer outputs');
      const expectedSeen = new Map<string, unknown>();
      const expected = await gradientReport(reference, x, y, { training: true, onLayerTensors: histogramsInto(expectedSeen) });
      assert.deepEqual(expected.layers.map((l) => l.name), ['d1', 'inner_dense', 'bn', 'd2', 'out']);
      assert.equal(expected.layers[1].activation, 'tanh');
      assert.deepEqual(tap.report, expected);
      assert.deepEqual(seen, expectedSeen);
      assert.ok(tap.ms >= 0 && tap.startedAt > 0);
      // The tapped step ran unfused: its weights equal an ordinary step's.
      untapped.trainOnBatch(x, y);
      const a = m.getWeights(), b = untapped.getWeights();
      a.forEach((w, i) => assert.deepEqual(w.dataSync(), b[i].dataSync(), m.weights[i].name));
    });
  }

  it('supports graph models only', () => {
    assert.equal(StepReport.supports(net()), true);
    class Sub extends Model {
      private readonly d = new Dense(2);
      override call(x: Tensor): Tensor {
        return this.d.apply(x);
      }
    }
    assert.equal(StepReport.supports(new Sub()), false);
  });
});
