// The WebAssembly backend: the shared kernel-vs-reference suite, its selection (setBackend, LAYERWISE_BACKEND), and
// the committed binaries rebuilt with emscripten when it is installed (fails when they are stale).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadWasmBackend } from '../../src/backend/wasm.js';
import { loadWasmThreadsBackend } from '../../src/backend/wasm_threads_node.js';
import type { Backend } from '../../src/backend/backend.js';
import { setPoisonOutputs } from '../../src/backend/native_alloc.js';
import { kernelSuite, rand } from '../helpers/kernel_suite.js';

const { backend: wb, error } = loadWasmBackend();
const skip = wb ? false : `wasm backend not available: ${error}`;
if (skip) console.warn(`test/backend/wasm: skipped (${skip})`);
setPoisonOutputs(true);
const root = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));

function wasm(): NonNullable<typeof wb> {
  assert.ok(wb);
  return wb;
}

describe('wasm backend', { skip }, () => {
  it('is named wasm and returns float32 arrays outside the wasm heap', () => {
    assert.equal(wasm().name, 'wasm');
    const y = wasm().unary('exp', rand([3], 1), {});
    assert.ok(y.data instanceof Float32Array);
    assert.ok(!(y.data.buffer instanceof SharedArrayBuffer));
  });

  kernelSuite(wasm);

  it('LAYERWISE_BACKEND=wasm selects it in a fresh process, and a model trains there', () => {
    const code = `import { getBackend, Sequential, layers, tensor, setRandomSeed } from 'layerwise';
      setRandomSeed(1);
      const m = new Sequential([new layers.Dense(8, { activation: 'relu', inputShape: [4] }), new layers.Dense(1)]);
      m.compile({ optimizer: 'adam', loss: 'mse' });
      const x = tensor(Array.from({ length: 64 }, (_, i) => [i % 3, i % 5, i % 7, 1].map((v) => v / 7)));
      const y = tensor(Array.from({ length: 64 }, (_, i) => [((i % 3) + (i % 5)) / 7]));
      const h = await m.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 });
      console.log(JSON.stringify({ backend: getBackend(), first: h.history.loss[0], last: h.history.loss.at(-1) }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, env: { ...process.env, LAYERWISE_BACKEND: 'wasm' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { backend: string; first: number; last: number };
    assert.equal(out.backend, 'wasm');
    assert.ok(out.last < out.first / 2, `loss ${out.first} -> ${out.last}`);
  });
});

describe('wasm backend, threaded build (pthreads, SharedArrayBuffer)', () => {
  let tb: Backend | null = null;
  before(async () => {
    tb = await loadWasmThreadsBackend();
  });
  const threaded = (): Backend => {
    assert.ok(tb);
    return tb;
  };
  it('uses one thread per core (up to 16), and a process using it still exits on its own', () => {
    const code = `const { initWasmThreads, getBackend, tensor, wasmInfo, backendInfo } = await import('layerwise');
      const threads = await initWasmThreads(); tensor([[1, 2]]).matmul(tensor([[3], [4]]));
      console.log(threads, getBackend(), wasmInfo().threads, backendInfo().threads);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LAYERWISE_BACKEND: 'wasm' } });
    assert.equal(r.status, 0, `exit status ${r.status}: ${r.stderr}`);
    const n = Math.min(cpus().length, 16);
    assert.equal(r.stdout.trim(), `${n} wasm ${n} ${n}`, 'initWasmThreads(), the backend, wasmInfo() and backendInfo() threads');
    assert.equal(threaded().name, 'wasm');
  });
  kernelSuite(threaded);
});

describe('committed WebAssembly binaries', () => {
  const emcc = spawnSync('emcc', ['--version'], { env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
  const noEmcc = emcc.status === 0 ? false : 'emcc not installed (Debian package emscripten): stale-binary check skipped';
  if (noEmcc) console.warn(`test/backend/wasm: ${noEmcc}`);
  it('match a fresh emscripten build of native/ (npm run build:wasm)', { skip: noEmcc, timeout: 600_000 }, () => {
    const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });
});
