// Runs in Chromium (bundled by test/browser/chromium.test.ts): the kernel suite on the wasm backend, an MLP trained on
// a Fashion-MNIST subset fetched over HTTP, real Keras files loaded from a URL and a File, and an IndexedDB round
// trip. Results go to window.__lwResult and a summary table on the page (the screenshot).
import * as lw from '../../src/index.browser.js';
import { loadWasmBackend } from '../../src/backend/wasm.js';
import { describe, runAll, type Outcome } from './shim_test.js';
import { kernelSuite } from '../helpers/kernel_suite.js';

interface Params {
  keras: { file: string; input: number[]; shape: number[]; expected: number[] }[];
  mlp: { train: number; test: number; epochs: number };
}

const rows: string[][] = [];
function show(what: string, result: string, ok: boolean): void {
  rows.push([what, result, ok ? 'ok' : 'FAILED']);
  console.log(`${what}: ${result}`);
  document.body.innerHTML = `<h3>layerwise in Chromium (${lw.getBackend()}, ${JSON.stringify(lw.wasmInfo())},
    crossOriginIsolated=${String(globalThis.crossOriginIsolated)})</h3><table border="1" cellpadding="4">${
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
}

async function kernels(): Promise<{ outcomes: Outcome[]; ms: number }> {
  const t0 = performance.now();
  describe('wasm kernels', () => kernelSuite(() => loadWasmBackend().backend!));
  const outcomes = await runAll((o) => console.log(`${o.ok ? 'ok' : 'FAIL'} ${o.ms.toFixed(0)} ms ${o.name}${o.error ? `: ${o.error}` : ''}`));
  const failed = outcomes.filter((o) => !o.ok).length;
  show('kernel-vs-reference suite (wasm)', `${outcomes.length - failed}/${outcomes.length} passed`, failed === 0);
  return { outcomes, ms: performance.now() - t0 };
}

async function mlp(p: Params['mlp']): Promise<Record<string, number>> {
  const t0 = performance.now();
  const [[xTrain, yTrain], [xTest, yTest]] = await lw.datasets.fashionMnist.loadData({ url: '/data/fashion-mnist/' });
  const loadMs = performance.now() - t0;
  const x = xTrain.sliceAxis(0, 0, p.train).cast('float32').div(255);
  const y = yTrain.sliceAxis(0, 0, p.train).cast('int32');
  lw.setRandomSeed(42);
  const model = new lw.Sequential([
    new lw.layers.Flatten({ inputShape: [28, 28] }),
    new lw.layers.Dense(128, { activation: 'relu' }),
    new lw.layers.Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const t1 = performance.now();
  await model.fit(x, y, { epochs: p.epochs, batchSize: 32, verbose: 0 });
  const fitMs = performance.now() - t1;
  clearInterval(timer);
  const [loss, accuracy] = await model.evaluate(xTest.sliceAxis(0, 0, p.test).cast('float32').div(255), yTest.sliceAxis(0, 0, p.test).cast('int32'), { verbose: 0 });
  show(`MLP on ${p.train} Fashion-MNIST images, ${p.epochs} epochs`, `test accuracy ${accuracy.toFixed(4)} (loss ${loss.toFixed(3)}), fit ${fitMs.toFixed(0)} ms, ${ticks} timer ticks during fit`, accuracy >= 0.8);
  // IndexedDB round trip of the trained model.
  await lw.saveModel(model, 'indexeddb://fashion-mlp');
  const back = await lw.loadModel('indexeddb://fashion-mlp');
  let weightMismatches = 0;
  model.weights.forEach((v, i) => {
    const a = v.read().dataSync();
    const b = back.weights[i].read().dataSync();
    if (a.length !== b.length || a.some((e, j) => !Object.is(e, b[j]))) weightMismatches++;
  });
  const names = await lw.listModels();
  show('IndexedDB save, reload', `${model.weights.length} weights, ${weightMismatches} differ; stored: ${names.join(', ')}`, weightMismatches === 0);
  return { loadMs, fitMs, ticks, loss, accuracy, weightMismatches, weights: model.weights.length, idbListed: names.includes('fashion-mlp') ? 1 : 0 };
}

async function keras(cases: Params['keras']): Promise<{ file: string; via: string; maxDiff: number }[]> {
  const out: { file: string; via: string; maxDiff: number }[] = [];
  for (const c of cases) {
    const url = `/fixtures/keras-real/${c.file}`;
    const viaFile = c.file.endsWith('.keras');
    const source = viaFile ? new File([await (await fetch(url)).arrayBuffer()], c.file) : url;
    const model = await lw.loadModel(source, { compile: false });
    const pred = (await model.predict(lw.tensor(Float32Array.from(c.input), c.shape), { verbose: 0 })).dataSync();
    let maxDiff = pred.length === c.expected.length ? 0 : Infinity;
    pred.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - c.expected[i]))));
    out.push({ file: c.file, via: viaFile ? 'File' : 'URL', maxDiff });
    show(`Keras ${c.file} (${viaFile ? 'File' : 'URL'})`, `max |browser - Node| = ${maxDiff.toExponential(2)}`, maxDiff <= 1e-5);
  }
  return out;
}

async function main(): Promise<void> {
  const params = (await (await fetch('/params.json')).json()) as Params;
  await lw.initWasm();
  lw.setBackend('wasm');
  const t0 = performance.now();
  const k = await kernels();
  const m = await mlp(params.mlp);
  const ks = await keras(params.keras);
  (globalThis as Record<string, unknown>).__lwResult = {
    backend: lw.getBackend(), wasm: lw.wasmInfo(), isolated: globalThis.crossOriginIsolated,
    kernels: k.outcomes, kernelMs: k.ms, mlp: m, keras: ks, totalMs: performance.now() - t0,
  };
}

// Under Node (node --test loads every file under build/test) this module does nothing.
if (typeof document !== 'undefined') main().catch((e: Error) => {
  show('page error', `${e.message}`, false);
  (globalThis as Record<string, unknown>).__lwResult = { error: `${e.message}\n${e.stack ?? ''}` };
});
