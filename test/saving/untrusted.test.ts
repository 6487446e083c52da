// A file cannot make the loader run code or touch paths outside what it was given: hostile shard paths, zip entry
// names, code-carrying layers, prototype keys in configs; the loaders' sources use no eval or Function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, cpSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import '../../src/ops/index.js';
import { Sequential } from '../../src/models/index.js';
import { Dense } from '../../src/layers/index.js';
import { loadModel, saveModel } from '../../src/saving/index.js';
import { assertSafeShardPath } from '../../src/saving/tfjs_check.js';
import { REPO } from './fashion.js';

const dir = mkdtempSync(path.join(tmpdir(), 'layerwise-untrusted-'));

async function saved(): Promise<string> {
  const m = new Sequential([new Dense(3, { inputShape: [4] }), new Dense(2)]);
  await saveModel(m, path.join(dir, 'base_tfjs'));
  await saveModel(m, path.join(dir, 'base.keras'));
  return path.join(dir, 'base_tfjs');
}

test('TF.js shard paths that could leave the model folder or origin are refused before any file is opened', async () => {
  for (const p of ['../x.bin', '/etc/passwd', 'sub/../../x.bin', './x.bin', 'http://evil.example/x.bin', 'file:x.bin', '%2e%2e/x.bin', 'C:\\x.bin', 'a\\..\\b.bin', 'x.bin?y', '']) {
    assert.throws(() => assertSafeShardPath(p, 'model.json'), /model\.json: refusing weight shard path/, p);
  }
  for (const p of ['group1-shard1of1.bin', 'weights/group1-shard1of2.bin']) assert.doesNotThrow(() => assertSafeShardPath(p, 'model.json'));
  // End to end: the escaping shard exists with exactly the right size, and is still never read.
  const src = await saved();
  const outside = path.join(dir, 'inner');
  mkdirSync(outside);
  cpSync(src, path.join(outside, 'm'), { recursive: true });
  const json = JSON.parse(readFileSync(path.join(src, 'model.json'), 'utf8'));
  const shard = json.weightsManifest[0].paths[0] as string;
  cpSync(path.join(src, shard), path.join(outside, 'secret.bin'));
  json.weightsManifest[0].paths = ['../secret.bin'];
  const file = path.join(outside, 'm', 'model.json');
  writeFileSync(file, JSON.stringify(json));
  await assert.rejects(loadModel(file), (e: Error) => e.message === `${file}: refusing weight shard path "../secret.bin" (only relative names inside the model's folder are allowed)`);
});

test('.keras entries named ../ or absolute are refused, and loading writes nothing anywhere', async () => {
  await saved();
  const entries = unzipSync(new Uint8Array(readFileSync(path.join(dir, 'base.keras'))));
  const before = readdirSync(dir).sort();
  for (const name of ['../evil.txt', '/tmp/evil.txt', 'assets/../../evil.txt', 'C:/evil.txt']) {
    const file = path.join(dir, `evil_${before.length}.keras`);
    writeFileSync(file, zipSync({ ...Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [v, { level: 0 }]])), [name]: [new Uint8Array([1]), { level: 0 }] }));
    await assert.rejects(loadModel(file), (e: Error) => e.message.startsWith(`${file}: refusing zip entry "${name}"`), name);
  }
  const after = readdirSync(dir).filter((f) => !f.startsWith('evil_')).sort();
  assert.deepEqual(after, before, 'loading created no file');
});

test('configs cannot run code: Lambda layers and prototype keys as class or activation names are refused by name', async () => {
  const src = await saved();
  const json = JSON.parse(readFileSync(path.join(src, 'model.json'), 'utf8'));
  const layers = (): any[] => json.modelTopology.config.layers;
  const edits: [string, (l: any) => void, RegExp][] = [
    ['Lambda', (l) => { l.class_name = 'Lambda'; l.config.function = ['4wEAAAAAAAAA', null, null]; }, /Lambda/],
    ['constructor class', (l) => { l.class_name = 'constructor'; }, /constructor/],
    ['__proto__ class', (l) => { l.class_name = '__proto__'; }, /__proto__/],
    ['toString activation', (l) => { l.config.activation = 'toString'; }, /toString/],
    ['constructor activation', (l) => { l.config.activation = 'constructor'; }, /constructor/],
    ['hasOwnProperty initializer', (l) => { l.config.kernel_initializer = { class_name: 'hasOwnProperty', config: {} }; }, /hasOwnProperty/],
  ];
  for (const [what, edit, re] of edits) {
    const j = JSON.parse(JSON.stringify(json));
    edit(j.modelTopology.config.layers.find((l: any) => l.class_name === 'Dense'));
    const d = path.join(dir, `cfg_${what.replace(/\W/g, '_')}`);
    cpSync(src, d, { recursive: true });
    writeFileSync(path.join(d, 'model.json'), JSON.stringify(j));
    await assert.rejects(loadModel(path.join(d, 'model.json')), (e: Error) => e.constructor === Error && e.message.includes(path.join(d, 'model.json')) && re.test(e.message), what);
  }
  assert.ok(layers().length >= 2);
  // "__proto__" keys in a config are plain data: nothing global changes.
  const polluted = JSON.stringify(json).replace('"config":{', '"config":{"__proto__":{"polluted":true},');
  const d = path.join(dir, 'cfg_proto');
  cpSync(src, d, { recursive: true });
  writeFileSync(path.join(d, 'model.json'), polluted);
  await loadModel(path.join(d, 'model.json')).catch(() => null);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a config declaring weights far larger than its file is refused before the memory is taken', async () => {
  const src = await saved();
  const json = JSON.parse(readFileSync(path.join(src, 'model.json'), 'utf8'));
  json.modelTopology.config.layers.find((l: any) => l.class_name === 'Dense').config.units = 50_000_000;
  const d = path.join(dir, 'huge_units');
  cpSync(src, d, { recursive: true });
  writeFileSync(path.join(d, 'model.json'), JSON.stringify(json));
  const rss = process.memoryUsage().rss;
  await assert.rejects(loadModel(path.join(d, 'model.json')), /declares a weight of shape \[4, 50000000\] \(800000000 bytes\); the model's weights would exceed \d+ bytes, more than this file can hold/);
  const entries = unzipSync(new Uint8Array(readFileSync(path.join(dir, 'base.keras'))));
  const config = JSON.parse(new TextDecoder().decode(entries['config.json']));
  config.config.layers.find((l: any) => l.class_name === 'Dense').config.units = 50_000_000;
  const file = path.join(dir, 'huge_units.keras');
  writeFileSync(file, zipSync({ ...Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [v, { level: 0 }]])), 'config.json': [new TextEncoder().encode(JSON.stringify(config)), { level: 0 }] }));
  await assert.rejects(loadModel(file), (e: Error) => e.message.startsWith(`${file} (config.json): cannot rebuild the model from its config`) && /declares a weight of shape \[4, 50000000\]/.test(e.message));
  assert.ok(process.memoryUsage().rss - rss < 200 * 1024 * 1024, 'the 800 MB kernel was never allocated');
});

test('the loaders never evaluate code: no eval, Function or dynamic import in src/saving', () => {
  const room = path.join(REPO, 'src', 'saving');
  for (const f of readdirSync(room).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(path.join(room, f), 'utf8');
    assert.doesNotMatch(text, /\beval\s*\(|new\s+Function\b|\bFunction\s*\(|\bimport\s*\(/, f);
  }
});

test('the checks and budgets run in a browser too: those modules import no Node built-in and use no process or Buffer', () => {
  const room = path.join(REPO, 'src', 'saving');
  const browserSafe = ['budget.ts', 'hdf5_bytes.ts', 'hdf5_heaps.ts', 'hdf5_check.ts', 'h5_read.ts', 'zip_check.ts', 'keras_zip.ts', 'tfjs_check.ts', 'python_json.ts'];
  for (const f of browserSafe) {
    const text = readFileSync(path.join(room, f), 'utf8');
    assert.doesNotMatch(text, /from '(node:|fs|path|os|worker_threads|zlib|crypto)/, f);
    assert.doesNotMatch(text, /\bprocess\.|\bBuffer\b|\brequire\(/, f);
    for (const [, dep] of text.matchAll(/from '\.\/([\w.]+)\.js'/g)) {
      assert.ok(browserSafe.includes(`${dep}.ts`) || dep === 'h5_types', `${f} imports ./${dep}.js`);
    }
  }
});
