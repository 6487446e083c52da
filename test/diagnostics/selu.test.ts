// diagnostics SELU warnings: standardized inputs, lecun_normal, sequential topology, Dense-only weights, AlphaDropout only.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { gradientReport, isLecunNormal } from '../../src/diagnostics/index.js';
import { Model, Sequential } from '../../src/models/index.js';
import { Activation, AlphaDropout, BatchNormalization, Dense, Dropout, Input, InputLayer, type Layer } from '../../src/layers/index.js';
import { VarianceScaling } from '../../src/initializers/index.js';
import { add, mul } from '../../src/ops/index.js';
import { randomNormal } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { resetNameCounters } from '../../src/utils/naming.js';

const seluWarnings = (ws: string[]): string[] => ws.filter((w) => w.startsWith('SELU self-normalization'));

function seluStack(depth: number, init = 'lecun_normal', extra: (i: number) => Layer[] = () => []): Sequential {
  const layers: Layer[] = [new InputLayer({ inputShape: [16] })];
  for (let i = 0; i < depth; i++) layers.push(new Dense(30, { activation: 'selu', kernelInitializer: init }), ...extra(i));
  layers.push(new Dense(1));
  return new Sequential(layers);
}

async function warningsOf(model: Model, x: Tensor = randomNormal([64, 16]), y: Tensor | Tensor[] = randomNormal([64, 1])): Promise<string[]> {
  return seluWarnings((await gradientReport(model, x, y)).warnings);
}

describe('diagnostics SELU self-normalization conditions', () => {
  beforeEach(() => {
    resetNameCounters();
    setRandomSeed(9);
  });

  it('is quiet for Dense SELU layers with lecun_normal on standardized inputs (AlphaDropout allowed)', async () => {
    assert.deepEqual(await warningsOf(seluStack(6)), []);
    assert.deepEqual(await warningsOf(seluStack(4, 'lecun_normal', () => [new AlphaDropout(0.1)])), []);
    // The glorot-initialized linear output layer is not a SELU layer: no initializer warning for it.
    assert.ok(isLecunNormal(new Dense(2, { kernelInitializer: new VarianceScaling({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal' }) })));
    assert.ok(!isLecunNormal(new Dense(2)));
  });

  it('warns when the inputs are not standardized', async () => {
    const x = add(mul(randomNormal([64, 16]), 3), 2);
    const ws = await warningsOf(seluStack(3), x);
    assert.equal(ws.length, 1, ws.join('\n'));
    assert.match(ws[0], /inputs are not standardized \(batch mean [12]\.\d+, std [23]\.\d+; expected mean within 0\.2 of 0 and std within 0\.25 of 1/);
  });

  it('warns when the SELU layers are not lecun_normal (glorot_uniform), folding Activation("selu") into its Dense', async () => {
    const ws = await warningsOf(seluStack(5, 'glorot_uniform'));
    assert.deepEqual(ws, ['SELU self-normalization: kernel initializer is not lecun_normal in "dense", "dense_1", "dense_2" and 2 more']);
    resetNameCounters();
    const folded = new Sequential([
      new InputLayer({ inputShape: [16] }),
      new Dense(30, { kernelInitializer: 'glorot_normal' }), new Activation('selu'),
      new Dense(30, { kernelInitializer: 'lecun_normal' }), new Activation('selu'),
      new Dense(1),
    ]);
    assert.deepEqual(await warningsOf(folded), ['SELU self-normalization: kernel initializer is not lecun_normal in "dense"']);
  });

  it('warns about Dropout (not AlphaDropout) and about layers with weights other than Dense', async () => {
    const dropout = await warningsOf(seluStack(3, 'lecun_normal', (i) => (i === 1 ? [new Dropout(0.2)] : [])));
    assert.deepEqual(dropout, ['SELU self-normalization: Dropout "dropout" breaks it; use AlphaDropout']);
    resetNameCounters();
    const bn = await warningsOf(seluStack(2, 'lecun_normal', () => [new BatchNormalization()]));
    assert.deepEqual(bn, ['SELU self-normalization: expects only Dense layers with weights, received BatchNormalization "batch_normalization", BatchNormalization "batch_normalization_1"']);
  });

  it('warns about a non-sequential topology (a trunk feeding two heads)', async () => {
    const x = Input({ shape: [16] });
    const h = new Dense(30, { activation: 'selu', kernelInitializer: 'lecun_normal' }).apply(x);
    const a = new Dense(1).apply(new Dense(30, { activation: 'selu', kernelInitializer: 'lecun_normal' }).apply(h));
    const b = new Dense(1).apply(h);
    const model = new Model({ inputs: x, outputs: [a, b] });
    const report = await gradientReport(model, randomNormal([64, 16]), [randomNormal([64, 1]), randomNormal([64, 1])]);
    assert.deepEqual(report.lossNames, ['mean_squared_error', 'mean_squared_error']);
    assert.equal(report.layers.length, 4);
    assert.deepEqual(seluWarnings(report.warnings), ['SELU self-normalization: the network is not a plain sequential stack (skip connections, branches or several inputs/outputs break it)']);
  });

  it('checks nothing SELU-specific in a network without SELU', async () => {
    const model = new Sequential([
      new InputLayer({ inputShape: [16] }),
      new Dense(30, { activation: 'relu', kernelInitializer: 'he_normal' }), new Dropout(0.5), new BatchNormalization(),
      new Dense(1),
    ]);
    assert.deepEqual(await warningsOf(model, mul(randomNormal([64, 16]), 10)), []);
  });
});
