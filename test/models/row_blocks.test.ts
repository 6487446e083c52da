// Inference in row blocks (src/models/row_blocks.ts): a large batch of feature maps runs its convolutional part block by
// block. Outputs must equal the whole-batch run bit for bit (every op treats rows independently), on every backend,
// with recycled buffers NaN-poisoned; layers that may mix rows, or nodes called with training=true, are never blocked.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeBackend, setPoisonOutputs } from '../../src/backend/native.js';
import { getBackend, setBackend } from '../../src/backend/registry.js';
import { Model, Sequential } from '../../src/models/index.js';
import {
  BatchNormalization, Conv2D, Dense, Dropout, Flatten, GlobalAveragePooling2D, Input, Layer, MaxPooling2D, Reshape,
} from '../../src/layers/index.js';
import type { LayerInput } from '../../src/layers/index.js';
import { noGrad } from '../../src/autograd/tape.js';
import { randomNormal, randomUniform } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { rowBlockPlan, setInferenceBlockFloats } from '../../src/models/row_blocks.js';

const { backend: nb, error } = loadNativeBackend();
const values = (ts: Tensor | Tensor[]): number[][] => (Array.isArray(ts) ? ts : [ts]).map((t) => Array.from(t.dataSync()));

/** Not a built-in layer: row blocks must not run it (it could mix the rows of a batch). */
class BatchMean extends Layer {
  static override readonly className = 'BatchMean';
  call(inputs: LayerInput): Tensor {
    const x = inputs as Tensor;
    return x.sub(x.mean(0, true));
  }
}

/** Two outputs (a feature map and class scores), a branch, BN in inference, a Reshape view, uint8 images. */
function branchyCnn(): Model {
  const x = Input({ shape: [9, 11, 3], dtype: 'float32' });
  const c1 = new Conv2D(5, 3, { padding: 'same', activation: 'relu' }).apply(x);
  const bn = new BatchNormalization({}).apply(c1);
  const p = new MaxPooling2D({ poolSize: 2 }).apply(bn);
  const c2 = new Conv2D(7, 2, { strides: 2, padding: 'same', activation: 'elu' }).apply(p);
  const g = new GlobalAveragePooling2D({}).apply(c2);
  const r = new Reshape({ targetShape: [4 * 5 * 5] }).apply(p);
  const flat = new Flatten({}).apply(c2);
  const d1 = new Dense(6, { activation: 'tanh' }).apply(r);
  const d2 = new Dense(4, { activation: 'softmax' }).apply(flat);
  const d3 = new Dense(3).apply(g);
  return new Model({ inputs: x, outputs: [c2, d1, d2, d3] });
}

for (const name of ['reference', 'native'] as const) {
  const skip = name === 'native' && !nb ? `native backend not available: ${error}` : false;
  describe(`inference in row blocks (${name} backend)`, { skip }, () => {
    let previous: ReturnType<typeof getBackend> = 'reference';
    let poisoned = false;
    let floats = 0;
    before(() => {
      previous = getBackend();
      setBackend(name);
      poisoned = setPoisonOutputs(true);
      // 9 x 11 x 5 = 495 floats per row in the widest map: blocks of 2 rows.
      floats = setInferenceBlockFloats(1000);
    });
    after(() => {
      setInferenceBlockFloats(floats);
      setPoisonOutputs(poisoned);
      setBackend(previous);
    });

    it('a branching two-output CNN predicts bit for bit as the whole batch, for odd batches and repeated runs', () => {
      setRandomSeed(21);
      const model = branchyCnn();
      const plan = rowBlockPlan((model as unknown as { graph: Parameters<typeof rowBlockPlan>[0] }).graph, model.outputs, 7);
      assert.ok(plan, 'the CNN runs in row blocks');
      assert.equal(plan.rows, 2);
      for (const batch of [7, 2, 3, 16]) {
        const xs = randomUniform([batch, 9, 11, 3], { minval: 0, maxval: 255 }).floor();
        const whole = values(noGrad(() => model.callList([xs], { training: false })));
        const first = model.predictOnBatch(xs) as unknown as Tensor[];
        const blocked = values(first);
        assert.deepEqual(blocked, whole, `batch ${batch}`);
        assert.ok(blocked.flat().every(Number.isFinite));
        // Later runs recycle their blocks' buffers: what an earlier run returned stays intact.
        model.predictOnBatch(randomNormal([batch, 9, 11, 3]));
        model.predictOnBatch(randomNormal([batch, 9, 11, 3]));
        assert.deepEqual(values(first), whole, `batch ${batch}, after two more runs`);
      }
    });

    it('evaluate and predict of a Sequential CNN match the whole-batch run', async () => {
      setRandomSeed(22);
      const model = new Sequential([
        new Input({ shape: [10, 10, 1] }), new Conv2D(4, 3, { activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }),
        new Flatten({}), new Dense(5, { activation: 'softmax' }),
      ]);
      model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
      const xs = randomNormal([37, 10, 10, 1]);
      const ys = randomUniform([37], { minval: 0, maxval: 5 }).floor().cast('int32');
      const whole = values(noGrad(() => model.callList([xs], { training: false })));
      assert.deepEqual(values(await model.predict(xs, { batchSize: 37, verbose: 0 })), whole);
      const blocked = (await model.evaluate(xs, ys, { batchSize: 37, verbose: 0 })) as number[];
      const was = setInferenceBlockFloats(Number.MAX_SAFE_INTEGER);
      const unblocked = (await model.evaluate(xs, ys, { batchSize: 37, verbose: 0 })) as number[];
      setInferenceBlockFloats(was);
      assert.deepEqual(blocked, unblocked);
    });

    it('blocks only what is safe: not a custom layer, not training=true, not an MLP', () => {
      setRandomSeed(23);
      const graphOf = (m: Model): Parameters<typeof rowBlockPlan>[0] => (m as unknown as { graph: Parameters<typeof rowBlockPlan>[0] }).graph;
      const x = Input({ shape: [8, 8, 2] });
      const custom = new Model({ inputs: x, outputs: new Flatten({}).apply(new BatchMean({}).apply(new Conv2D(3, 3).apply(x))) });
      assert.equal(rowBlockPlan(graphOf(custom), custom.outputs, 64), null);
      const xs = randomNormal([64, 8, 8, 2]);
      assert.deepEqual(values(custom.predictOnBatch(xs)), values(noGrad(() => custom.callList([xs], { training: false }))));
      const y = Input({ shape: [8, 8, 2] });
      const dropped = new Dropout({ rate: 0.5 }).apply(new Conv2D(3, 3).apply(y), { training: true });
      const mc = new Model({ inputs: y, outputs: new Flatten({}).apply(dropped) });
      assert.equal(rowBlockPlan(graphOf(mc), mc.outputs, 64), null);
      const mlp = new Sequential([new Flatten({ inputShape: [28, 28] }), new Dense(10)]);
      mlp.build([null, 28, 28]);
      assert.equal(rowBlockPlan(graphOf(mlp), mlp.outputs, 4096), null);
      const cnn = new Sequential([new Input({ shape: [8, 8, 2] }), new Conv2D(3, 3), new Flatten({}), new Dense(2)]);
      cnn.build([null, 8, 8, 2]);
      const plan = rowBlockPlan(graphOf(cnn), cnn.outputs, 64);
      assert.ok(plan);
      // Input, Conv2D, Flatten in blocks (the Flatten reads a feature map); the Dense on the whole batch.
      assert.equal(plan.end, 3);
      assert.equal(plan.boundary.length, 1);
    });
  });
}
