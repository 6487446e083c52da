// API.md "Backends, diagnostics, plots": getBackend/setBackend, LAYERWISE_BACKEND, gradientReport, GradientHealth, plotHistory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Sequential, Tensor, callbacks, diagnostics, getBackend, layers, losses, plotHistory, setBackend, setRandomSeed, randomNormal, valueAndGrads,
} from 'layerwise';
import { assertAllClose, quietly, tempDir } from './support.js';

const packageRoot = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const addonPath = path.join(packageRoot, 'native', 'build', 'Release', 'layerwise.node');
/** The native addon is built and loads in this Node (checked in a child process). */
const addonLoads = existsSync(addonPath) && (() => {
  try {
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(addonPath)})`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The backend a fresh `node` sees, with `env` added (and LAYERWISE_BACKEND only when `env` sets it). */
function childBackend(env: Record<string, string>): string {
  const code = "import { getBackend, tensor } from 'layerwise'; tensor([[1, 2]]).matmul(tensor([[3], [4]])); console.log(getBackend());";
  const childEnv: Record<string, string | undefined> = { ...process.env };
  delete childEnv.LAYERWISE_BACKEND;
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: packageRoot, env: { ...childEnv, ...env }, encoding: 'utf8' }).trim();
}

test('getBackend() is "native" or "reference"; setBackend("reference") switches to the oracle', () => {
  const initial = getBackend();
  assert.ok(['native', 'reference'].includes(initial), initial);
  const a = randomNormal([5, 7]);
  const b = randomNormal([7, 3]);
  const before = a.matmul(b).dataSync();
  setBackend('reference');
  try {
    assert.equal(getBackend(), 'reference');
    assertAllClose(a.matmul(b).dataSync(), before, 1e-5, 1e-5);
  } finally {
    setBackend(initial);
  }
  assert.throws(() => setBackend('gpu' as never), /gpu/);
});

test('LAYERWISE_BACKEND=reference in a child process forces the oracle', () => {
  assert.equal(childBackend({ LAYERWISE_BACKEND: 'reference' }), 'reference');
});

test('with the native addon built and loadable, the default backend is "native" and agrees with the reference', () => {
  if (!addonLoads) {
    assert.equal(childBackend({}), 'reference', 'no addon: the reference oracle');
    return;
  }
  assert.equal(childBackend({}), 'native');
  const initial = getBackend();
  setBackend('native');
  try {
    assert.equal(getBackend(), 'native');
    setRandomSeed(1);
    const x = randomNormal([33, 17]);
    const w = randomNormal([17, 9]);
    const nat = x.matmul(w).relu().dataSync();
    setBackend('reference');
    assertAllClose(nat, x.matmul(w).relu().dataSync(), 1e-5, 1e-4);
  } finally {
    setBackend(initial);
  }
});

function deepSigmoidNet(depth: number): Sequential {
  setRandomSeed(42);
  const m = new Sequential([new layers.Dense(16, { activation: 'sigmoid', inputShape: [8] })]);
  for (let i = 1; i < depth; i++) m.add(new layers.Dense(16, { activation: 'sigmoid' }));
  m.add(new layers.Dense(1));
  m.compile({ loss: 'mse', optimizer: 'sgd' });
  return m;
}

test('diagnostics.gradientReport(model, xBatch, yBatch): per-layer figures in model order, ratio, warnings', async () => {
  const model = deepSigmoidNet(12);
  setRandomSeed(7);
  const x = randomNormal([32, 8]);
  const y = x.sum(1, true);
  const report = await diagnostics.gradientReport(model, x, y);
  assert.deepEqual(report.layers.map((l) => l.name), model.layers.map((l) => l.name));
  for (const l of report.layers) {
    for (const k of ['gradientNorm', 'weightNorm', 'activationMean', 'activationStd', 'deadFraction', 'saturatedFraction'] as const) {
      assert.equal(typeof l[k], 'number', `${l.name}.${k}`);
      assert.ok(Number.isFinite(l[k]), `${l.name}.${k} = ${l[k]}`);
    }
    assert.ok(l.deadFraction >= 0 && l.deadFraction <= 1 && l.saturatedFraction >= 0 && l.saturatedFraction <= 1);
  }
  // the figures are the real ones: kernel norms and loss gradients
  const kernels = model.layers.map((l) => l.trainableWeights[0]);
  const { grads } = valueAndGrads(() => losses.get('mse').apply(y, model.apply(x, { training: false })), kernels);
  const norm = (t: Tensor): number => Math.sqrt(Array.from(t.dataSync()).reduce((a, v) => a + v * v, 0));
  assertAllClose(report.layers.map((l) => l.weightNorm), kernels.map((k) => norm(k.value)), 1e-5, 1e-4, 'weightNorm');
  assertAllClose(report.layers.map((l) => l.gradientNorm), grads.map(norm), 1e-7, 1e-3, 'gradientNorm');
  const first = report.layers[0].gradientNorm;
  const last = report.layers[report.layers.length - 1].gradientNorm;
  assertAllClose([report.firstToLastGradientRatio], [first / last], 1e-9, 1e-4);
  assert.ok(report.firstToLastGradientRatio < 1e-3, `deep sigmoid net: ratio ${report.firstToLastGradientRatio}`);
  assert.ok(Array.isArray(report.warnings));
  assert.ok(report.warnings.some((w) => w.startsWith('vanishing gradients')), report.warnings.join(' | '));

  // a shallow ReLU net with He initialization is healthy
  setRandomSeed(3);
  const healthy = new Sequential([
    new layers.Dense(16, { activation: 'relu', kernelInitializer: 'he_normal', inputShape: [8] }),
    new layers.Dense(1),
  ]);
  healthy.compile({ loss: 'mse', optimizer: 'sgd' });
  const ok = await diagnostics.gradientReport(healthy, x, y);
  assert.equal(ok.layers.length, 2);
  assert.ok(!ok.warnings.some((w) => w.startsWith('vanishing gradients')), ok.warnings.join(' | '));
});

test('callbacks.GradientHealth({everyNBatches: 100}) in fit, and plotHistory(history, path) writes an SVG', async () => {
  const model = deepSigmoidNet(3);
  setRandomSeed(8);
  const x = randomNormal([64, 8]);
  const y = x.sum(1, true);
  const health = new callbacks.GradientHealth({ everyNBatches: 100, verbose: 0 });
  const history = await quietly(() => model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, validationData: [x, y], callbacks: [health] }));
  assert.equal(history.history.loss.length, 2);
  assert.equal(health.reports.length, 2, 'one report per epoch end (4 batches < 100)');
  assert.equal(health.reports[0].layers.length, 4);
  assert.equal(history.history.first_to_last_gradient_ratio.length, 2);
  assertAllClose(history.history.first_to_last_gradient_ratio, health.reports.map((r) => r.firstToLastGradientRatio), 1e-12, 1e-9);

  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'runs', 'learning-curves.svg');
    await plotHistory(history, file);
    assert.ok(existsSync(file) && statSync(file).size > 500);
    const svg = readFileSync(file, 'utf8');
    assert.match(svg, /^<svg|<svg[\s>]/);
    assert.match(svg, /<\/svg>\s*$/);
    assert.match(svg, /loss/);
  } finally {
    cleanup();
  }
});

test('GradientHealth({everyNBatches: 100}) reports every 100 training batches and at each epoch end', async () => {
  const model = deepSigmoidNet(2);
  setRandomSeed(9);
  const x = randomNormal([250, 8]);
  const y = x.sum(1, true);
  const health = new callbacks.GradientHealth({ everyNBatches: 100, verbose: 0 });
  await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [health] });
  assert.deepEqual(health.reports.map((r) => [r.epoch, r.batch]), [[0, 99], [0, -1]]);
  for (const r of health.reports) assert.equal(r.layers.length, 3);
});
