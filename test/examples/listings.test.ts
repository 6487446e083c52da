// Every chapter 11 listing (examples/chapter11/0X_*.ts, compiled) runs to completion and prints what it computes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRun, runNode } from './spawn.js';

const dir = 'build/examples/chapter11';

async function runListing(file: string, timeoutMs = 60_000): Promise<string> {
  const r = await runNode(`${dir}/${file}`, [], timeoutMs);
  assert.equal(r.code, 0, `${file}: ${describeRun(r)}`);
  return r.stdout;
}

test('01_initialization: he_normal has std sqrt(2 / fan_in)', async () => {
  const out = await runListing('01_initialization.js');
  const m = /he_normal on \[784, 300\]: std (\d\.\d+)/.exec(out);
  assert.ok(m, out);
  assert.ok(Math.abs(Number(m[1]) - Math.sqrt(2 / 784)) < 0.002, `std ${m[1]}`);
});

test('02_activations: the 100-layer SELU net has the parameters its layers imply', async () => {
  const out = await runListing('02_activations.js');
  const expected = (784 * 300 + 300) + (300 * 100 + 100) + 98 * (100 * 100 + 100) + (100 * 10 + 10);
  assert.ok(out.includes(`SELU net: 102 layers, ${expected.toLocaleString('en-US')} params`), out);
});

test('03_batch_normalization: the summary shows the Keras totals', async () => {
  const out = await runListing('03_batch_normalization.js');
  for (const s of ['Total params: 271,346', 'Trainable params: 268,978', 'Non-trainable params: 2,368']) assert.ok(out.includes(s), `${s}\n${out}`);
});

test('04_gradient_clipping: trains with clipValue and refuses two clipping options', async () => {
  const out = await runListing('04_gradient_clipping.js');
  const m = /loss per epoch with clipValue 1\.0: ([\d.]+), ([\d.]+), ([\d.]+)/.exec(out);
  assert.ok(m, out);
  assert.ok(Number(m[3]) < Number(m[1]), `loss falls: ${m[0]}`);
  assert.match(out, /two clipping options at once: .*only one of/);
});

test('05_transfer_learning: model A saved and reloaded, model B on A trained and evaluated', async () => {
  const out = await runListing('05_transfer_learning.js', 90_000);
  const m = /test accuracy (\d\.\d+) on (\d+) shirts and sandals/.exec(out);
  assert.ok(m, out);
  assert.ok(Number(m[1]) > 0.5, `B on A test accuracy ${m[1]}`);
  assert.match(out, /saved my_model_B_on_A\.keras/);
});

test('06_custom_training_loop: valueAndGrads gives 2w and the GradientTape loop lowers the loss', async () => {
  const out = await runListing('06_custom_training_loop.js');
  assert.match(out, /df\/dw = \[2,4,6\]/);
  const losses = [...out.matchAll(/epoch \d+: loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
  assert.equal(losses.length, 2, out);
  assert.ok(losses[1] < losses[0], `loss falls: ${losses.join(' -> ')}`);
});

test('07_pretraining: the autoencoder-pretrained and the scratch classifiers both learn from 200 labels', async () => {
  const out = await runListing('07_pretraining.js', 90_000);
  const m = /pretrained encoder (\d\.\d+), from scratch (\d\.\d+)/.exec(out);
  assert.ok(m, out);
  assert.ok(Number(m[1]) > 0.3 && Number(m[2]) > 0.3, m[0]);
});
