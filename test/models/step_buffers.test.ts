// Training steps hand their forward buffers back to the backend (models of built-in layers): fit must train exactly as
// without the reuse, with reused buffers NaN-poisoned, for a CNN with BatchNormalization and Dropout (Adam, plain SGD),
// a two-output functional model with views; a model with a layer that keeps its outputs recycles none of them, nor the predictions a metric holds;
// steps that carry a Dashboard health report recycle too, and report as without the reuse.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeBackend } from '../../src/backend/native.js';
import { usePoisonedBackend } from '../helpers/poisoned_native.js';
import { backend } from '../../src/backend/registry.js';
import { reuseStepBuffers } from '../../src/models/step_buffers.js';
import { Model, Sequential } from '../../src/models/index.js';
import {
  BatchNormalization, Conv2D, Dense, Dropout, Flatten, Input, Layer, MaxPooling2D, Reshape,
} from '../../src/layers/index.js';
import type { LayerInput } from '../../src/layers/index.js';
import { Adam } from '../../src/optimizers/adam.js';
import { SGD } from '../../src/optimizers/sgd.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import { Dashboard } from '../../src/callbacks/dashboard.js';
import type { Callback } from '../../src/callbacks/callback.js';
import { readRun } from '../../src/board/runlog.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { resetNameCounters } from '../../src/utils/naming.js';

const { backend: nb, error } = loadNativeBackend();
const skip = nb ? false : `native backend not available: ${error}`;

/** Keeps a reference to everything it returns (a user layer: its model's step buffers are not the loop's to recycle). */
class KeepAll extends Layer {
  static override readonly className = 'KeepAll';
  readonly kept: Tensor[] = [];
  call(inputs: LayerInput): Tensor {
    const out = (inputs as Tensor).mul(1.5);
    this.kept.push(out);
    return out;
  }
}

/** A metric function that holds on to every prediction it sees (as a user's metric may). */
const seenPredictions: Tensor[] = [];
function holdingMetric(yTrue: Tensor, yPred: Tensor): Tensor {
  seenPredictions.push(yPred);
  return yPred.sub(yTrue).square().mean();
}

function cnn(): Model {
  return new Sequential([
    new Reshape({ targetShape: [12, 12, 1], inputShape: [144] }),
    new Conv2D(16, 3, { padding: 'same', activation: 'relu' }),
    new BatchNormalization(),
    new MaxPooling2D(2),
    new Conv2D(32, 3, { padding: 'same', activation: 'elu' }),
    new Flatten(),
    new Dropout({ rate: 0.3 }),
    new Dense(40, { activation: 'relu' }),
    new Dense(5, { activation: 'softmax' }),
  ]);
}

function branching(): Model {
  const x = Input({ shape: [144] });
  const h = new Dense(64, { activation: 'relu' }).apply(x);
  const a = new Dense(64, { activation: 'tanh' }).apply(h);
  const v = new Flatten({}).apply(new Reshape({ targetShape: [8, 8] }).apply(new BatchNormalization({}).apply(h)));
  // Two outputs (two losses): one of them a view's consumer.
  return new Model({ inputs: x, outputs: [new Dense(5, { activation: 'softmax' }).apply(a), new Dense(5, { activation: 'softmax' }).apply(v)] });
}

function keeping(): { model: Model; keep: KeepAll } {
  const x = Input({ shape: [144] });
  const keep = new KeepAll({});
  const out = new Dense(5, { activation: 'softmax' }).apply(keep.apply(new Dense(256, { activation: 'relu' }).apply(x)));
  return { model: new Model({ inputs: x, outputs: out }), keep };
}

/** An autoencoder (predictions of 16 x 144 floats, large enough to come from the backend's pool). */
function autoencoder(): Model {
  return new Sequential([new Dense(32, { activation: 'relu', inputShape: [144] }), new Dense(144)]);
}

const n = 70;
const x = randomNormal([n, 144]);
const y = tensor(Array.from({ length: n }, (_, i) => (i * 7) % 5), [n], 'int32');

interface Run { weights: number[][]; losses: number[]; accuracy: number[]; recycledLarge: number; recycledHeld: number }

/**
 * Fits 2 epochs (shuffled, batch 16, with validation) with or without the reuse; counts large buffers recycled, and
 * buffers recycled while one of the `held` tensors (still referenced by user code) uses them.
 */
async function train(build: () => Model, optimizer: () => Optimizer, reuse: boolean,
  { loss = 'sparse_categorical_crossentropy', metric = 'accuracy' as unknown, held = (): Tensor[] => [], callbacks = (): Callback[] => [] } = {}): Promise<Run> {
  const be = backend();
  const original = be.recycle;
  let recycledLarge = 0;
  let recycledHeld = 0;
  if (original) be.recycle = (arrays) => {
    recycledLarge += arrays.filter((a) => a.length >= 16 * 12 * 12 * 16).length;
    const live = new Set(held().map((t) => t.data.buffer));
    recycledHeld += arrays.filter((a) => live.has(a.buffer)).length;
    original.call(be, arrays);
  };
  const was = reuseStepBuffers.enabled;
  reuseStepBuffers.enabled = reuse;
  try {
    setRandomSeed(3);
    const model = build();
    model.compile({ optimizer: optimizer(), loss, metrics: [metric as 'accuracy'] });
    const target = loss === 'mse' ? x : y;
    const ys = model.outputs.length > 1 ? model.outputs.map(() => target) : target;
    const h = await model.fit(x, ys, { epochs: 2, batchSize: 16, verbose: 0, validationData: [x, ys], callbacks: callbacks() });
    return {
      weights: model.getWeights().map((t) => Array.from(t.dataSync())),
      losses: h.history.loss as number[], accuracy: (h.history.val_accuracy ?? h.history.val_loss) as number[], recycledLarge, recycledHeld,
    };
  } finally {
    reuseStepBuffers.enabled = was;
    be.recycle = original;
  }
}

describe('training step buffer reuse', { skip }, () => {
  usePoisonedBackend();

  for (const [what, opt] of [['Adam', () => new Adam({ learningRate: 0.01 })], ['plain SGD (fused)', () => new SGD({ learningRate: 0.05 })]] as const) {
    it(`a CNN with BatchNormalization and Dropout trains as without reuse (${what})`, async () => {
      const plain = await train(cnn, opt, false);
      const reused = await train(cnn, opt, true);
      assert.deepEqual(reused.weights, plain.weights);
      assert.deepEqual(reused.losses, plain.losses);
      assert.deepEqual(reused.accuracy, plain.accuracy);
      assert.ok(reused.weights.flat().every(Number.isFinite));
      // Each step's conv activations (16 x 12 x 12 x 16 floats) went back to the pool.
      assert.ok(reused.recycledLarge >= 10, `large buffers recycled: ${reused.recycledLarge}`);
    });
  }

  it('a two-output functional model with views trains as without reuse', async () => {
    const plain = await train(branching, () => new Adam({ learningRate: 0.01 }), false);
    const reused = await train(branching, () => new Adam({ learningRate: 0.01 }), true);
    assert.deepEqual(reused.weights, plain.weights);
    assert.deepEqual(reused.losses, plain.losses);
    assert.deepEqual(reused.accuracy, plain.accuracy);
  });

  it('a model with a layer that keeps its outputs recycles none of them', async () => {
    let keep: KeepAll | null = null;
    const build = (): Model => {
      const k = keeping();
      keep = k.keep;
      return k.model;
    };
    const run = await train(build, () => new Adam({ learningRate: 0.01 }), true, { held: () => keep?.kept ?? [] });
    assert.ok(keep!.kept.length >= 10 && keep!.kept[0].size >= 2048);
    assert.equal(run.recycledHeld, 0, 'a kept output went back to the pool');
    assert.ok(keep!.kept.every((t) => Array.from(t.dataSync()).every(Number.isFinite)));
  });

  it('the predictions a metric saw are not recycled (an autoencoder trains as without reuse)', async () => {
    seenPredictions.length = 0;
    const args = { loss: 'mse', metric: holdingMetric, held: () => seenPredictions };
    const plain = await train(autoencoder, () => new Adam({ learningRate: 0.01 }), false, args);
    const reused = await train(autoencoder, () => new Adam({ learningRate: 0.01 }), true, args);
    assert.deepEqual(reused.weights, plain.weights);
    assert.deepEqual(reused.losses, plain.losses);
    assert.ok(seenPredictions.length >= 20 && seenPredictions[0].size >= 2048);
    assert.equal(reused.recycledHeld, 0, 'a prediction went back to the pool');
  });

  it('steps that carry a Dashboard health report recycle their buffers too, and report as without reuse', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'lw-reuse-dash-'));
    try {
      // A report at every step: every step is a tapped one.
      const dash = (run: string) => (): Callback[] => [new Dashboard({ logDir, runName: run, everyNSteps: 1, maxOverhead: Infinity, print: null })];
      // The same layer names in both runs (they appear in the records and their warnings).
      const named = (): Model => {
        resetNameCounters();
        return cnn();
      };
      const plain = await train(named, () => new Adam({ learningRate: 0.01 }), false, { callbacks: dash('plain') });
      const reused = await train(named, () => new Adam({ learningRate: 0.01 }), true, { callbacks: dash('reused') });
      assert.deepEqual(reused.weights, plain.weights);
      assert.deepEqual(reused.losses, plain.losses);
      const health = (run: string): unknown[] => readRun(logDir, run)!.records.filter((r) => r.type === 'health')
        .map((r) => ({ ...r, t: 0, ms: 0 }));
      const a = health('reused'), b = health('plain');
      assert.equal(a.length, 10, 'a report at each of the 10 steps');
      assert.deepEqual(a, b);
      // The forward buffers of the tapped steps (the conv activations, 16 x 12 x 12 x 16 floats) went back to the pool.
      assert.ok(reused.recycledLarge >= plain.recycledLarge + 10, `large buffers recycled: ${reused.recycledLarge} with reuse, ${plain.recycledLarge} without`);
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });
});
