// Plain SGD fused into backward (dense steps its kernel and bias in place) must train exactly as the unfused
// path: same weights, losses, iterations and optimizer variables, bit for bit, on every backend; variables used
// more than once (shared layers, regularizers) and other optimizers keep the ordinary path.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../helpers/each_backend.js';
import { backend } from '../../src/backend/registry.js';
import type { DenseGradOptions } from '../../src/backend/backend.js';
import { fusedSgd } from '../../src/models/training.js';
import { Model, Sequential } from '../../src/models/index.js';
import { BatchNormalization, Dense, Input } from '../../src/layers/index.js';
import { SGD } from '../../src/optimizers/sgd.js';
import { Adam } from '../../src/optimizers/adam.js';
import { InverseTimeDecay } from '../../src/optimizers/schedules.js';
import { Optimizer } from '../../src/optimizers/optimizer.js';
import * as regularizers from '../../src/regularizers/index.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/creation.js';
import { Variable } from '../../src/autograd/variable.js';
import { backwardWithSgd } from '../../src/autograd/gradients.js';
import { noGrad, pushTape, popTape, Tape } from '../../src/autograd/tape.js';
import { add, dense, matmul, reshape, sum } from '../../src/ops/index.js';

type Build = () => { model: Model; optimizer: Optimizer };

/** A user subclass overriding applyGradients: fusing would skip its override. */
class LoggingSgd extends SGD {
  calls = 0;
  override applyGradients(pairs: Parameters<SGD['applyGradients']>[0]): void {
    this.calls++;
    super.applyGradients(pairs);
  }
}

const x = tensor(Array.from({ length: 37 * 12 }, (_, i) => Math.sin(i * 0.37) * 2), [37, 12]);
const y = tensor(Array.from({ length: 37 }, (_, i) => (i * 7) % 4), [37], 'int32');

/** Trains 6 steps (fused or not) and counts the dense backward calls that took the step in place. */
function train(build: Build, fused: boolean): { weights: number[][]; losses: number[]; iterations: number; names: string[]; steppedCalls: number } {
  const be = backend();
  const original = be.denseGrad;
  let steppedCalls = 0;
  be.denseGrad = (a, b, c, d, o: DenseGradOptions) => {
    if (o.sgd) steppedCalls++;
    return original.call(be, a, b, c, d, o);
  };
  const was = fusedSgd.enabled;
  fusedSgd.enabled = fused;
  try {
    setRandomSeed(7);
    const { model, optimizer } = build();
    model.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
    const losses: number[] = [];
    for (let i = 0; i < 6; i++) losses.push(model.trainOnBatch(x, y)[0]);
    return {
      weights: model.getWeights().map((t) => Array.from(t.dataSync())), losses, iterations: optimizer.iterations,
      names: optimizer.variables().map((v) => v.name), steppedCalls,
    };
  } finally {
    fusedSgd.enabled = was;
    be.denseGrad = original;
  }
}

function mlp(): Sequential {
  return new Sequential([
    new Dense(9, { activation: 'relu', kernelInitializer: 'he_normal', inputShape: [12] }),
    new Dense(5, { activation: 'elu', useBias: false }), new Dense(4, { activation: 'softmax' }),
  ]);
}

const cases: [string, Build, number][] = [
  ['an MLP (relu, elu without bias, softmax)', () => ({ model: mlp(), optimizer: new SGD({ learningRate: 0.1 }) }), 3],
  ['an MLP with BatchNormalization (its parameters take the ordinary path)', () => ({
    model: new Sequential([new Dense(8, { activation: 'relu', inputShape: [12] }), new BatchNormalization(), new Dense(4, { activation: 'softmax' })]),
    optimizer: new SGD({ learningRate: 0.05 }),
  }), 2],
  ['a frozen first layer', () => {
    const model = mlp();
    model.layers[0].trainable = false;
    return { model, optimizer: new SGD({ learningRate: 0.1 }) };
  }, 2],
  ['a kernel regularizer (that kernel is read twice on the tape)', () => ({
    model: new Sequential([
      new Dense(9, { activation: 'relu', kernelRegularizer: new regularizers.L2(0.01), inputShape: [12] }),
      new Dense(4, { activation: 'softmax' }),
    ]),
    optimizer: new SGD({ learningRate: 0.1 }),
  }), 1],
  ['a layer shared by two branches', () => {
    const input = Input({ shape: [12] });
    const shared = new Dense(12, { activation: 'tanh' });
    const out = new Dense(4, { activation: 'softmax' }).apply(shared.apply(shared.apply(new Dense(12, { activation: 'sigmoid' }).apply(input))));
    return { model: new Model({ inputs: input, outputs: out }), optimizer: new SGD({ learningRate: 0.1 }) };
  }, 2],
  ['a learning-rate schedule', () => ({
    model: mlp(), optimizer: new SGD({ learningRate: new InverseTimeDecay({ initialLearningRate: 0.2, decaySteps: 1, decayRate: 0.5 }) }),
  }), 3],
];

describeEachBackend('fused SGD training step', () => {
  for (const [what, build, expectedSteppedPerStep] of cases) {
    it(`${what}: bit-identical to the unfused step`, () => {
      const plain = train(build, false);
      const fused = train(build, true);
      assert.equal(plain.steppedCalls, 0);
      assert.equal(fused.steppedCalls, 6 * expectedSteppedPerStep, 'dense backward calls that stepped in place');
      assert.deepEqual(fused.losses, plain.losses);
      assert.deepEqual(fused.weights, plain.weights);
      assert.equal(fused.iterations, 6);
      assert.equal(plain.iterations, 6);
      assert.deepEqual(fused.names, plain.names);
      assert.ok(plain.losses[5] < plain.losses[0], 'the model trains');
    });
  }

  it('momentum, clipping, weight decay and other optimizers keep the ordinary path', () => {
    assert.equal(new SGD({ learningRate: 0.1 }).fusableSgdRate(), Math.fround(0.1));
    for (const optimizer of [
      new SGD({ learningRate: 0.1, momentum: 0.9 }), new SGD({ learningRate: 0.1, clipNorm: 1 }),
      new SGD({ learningRate: 0.1, clipValue: 0.5 }), new SGD({ learningRate: 0.1, globalClipNorm: 1 }),
      new SGD({ learningRate: 0.1, weightDecay: 0.01 }), new Adam(), new LoggingSgd({ learningRate: 0.1 }),
    ]) {
      assert.equal(optimizer.fusableSgdRate(), null, optimizer.getConfig().name as string);
      const r = train(() => ({ model: mlp(), optimizer }), true);
      assert.equal(r.steppedCalls, 0);
      assert.equal(r.iterations, 6);
      if (optimizer instanceof LoggingSgd) assert.equal(optimizer.calls, 6, 'the override ran on every step');
    }
  });

  it('backwardWithSgd offers only sources used once on the tape, and returns null for those it stepped', () => {
    const once = new Variable(tensor([[0.5, -1], [2, 0.25], [1, 1]]));
    const twice = new Variable(tensor([[1, 2], [3, 4]]));
    const input = tensor([[1, 2, 3], [-1, 0, 2]]);
    const tape = new Tape();
    for (const v of [once, twice]) tape.watch(v.value);
    pushTape(tape);
    const h = dense(input, once.value, null, 'linear');
    const out = sum(matmul(matmul(h, twice.value), twice.value));
    popTape(tape);
    const before = Array.from(once.value.dataSync());
    const grads = backwardWithSgd(tape, out, [once.value, twice.value], { learningRate: 0.5, sources: [true, true] });
    assert.equal(grads[0], null, 'the dense kernel was stepped in place');
    assert.ok(grads[1] !== null, 'the variable used twice comes back as a gradient');
    // d(sum(h T T))/dW = input^T (ones T^T T^T)
    const tt = [[7, 10], [15, 22]]; // T T
    const g = [[0, 0], [0, 0], [0, 0]];
    const rowSums = [tt[0][0] + tt[0][1], tt[1][0] + tt[1][1]];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) g[i][j] = (input.dataSync()[i] + input.dataSync()[3 + i]) * rowSums[j];
    const expected = before.map((w, k) => Math.fround(w - 0.5 * g[Math.floor(k / 2)][k % 2]));
    assert.deepEqual(Array.from(once.value.dataSync()), expected);
  });

  it('backwardWithSgd does not step a source another tape input views (a reshape made outside the tape)', () => {
    const w = new Variable(tensor([[0.5, -1], [2, 0.25]]));
    const view = noGrad(() => reshape(w.value, [1, 4]));
    assert.ok(view.id !== w.value.id && view.data.buffer === w.value.data.buffer, 'a view: another tensor on the same buffer');
    const x = tensor([[1, 2], [3, -1]]);
    const tape = new Tape();
    tape.watch(w.value);
    pushTape(tape);
    const h = dense(x, w.value, null, 'linear');
    const out = add(sum(h), sum(matmul(matmul(reshape(h, [1, 4]), view, { transposeB: true }), view)));
    popTape(tape);
    const grads = backwardWithSgd(tape, out, [w.value], { learningRate: 0.5, sources: [true] });
    assert.ok(grads[0] !== null, 'a gradient, not an in-place step');
    assert.deepEqual(Array.from(w.value.dataSync()), [0.5, -1, 2, 0.25]);
  });
});
