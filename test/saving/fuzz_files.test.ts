// Fuzz suite: real Keras files and files saved by layerwise (.keras, .h5, .weights.h5, model.json + shard), mutated
// with a fixed seed (bit flips, truncation, zeroed runs, spliced ranges). Each load ends in a model or a clear Error
// naming the file, within 2 s of CPU (main thread + HDF5 worker), with bounded RSS. Wall time is reported, not
// asserted: on a shared machine it measures the neighbours. LAYERWISE_FUZZ_CASES=1000 runs more cases (default 240).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import '../../src/ops/index.js';
import { loadModel, loadWeights } from '../../src/saving/index.js';
import type { Model } from '../../src/models/functional.js';
import { FIXTURES } from './fashion.js';
import { makeSamples } from './samples.js';
import { MUTATIONS, Rng, mutate, unclearReason } from './mutate.js';

const CASES = Number(process.env.LAYERWISE_FUZZ_CASES ?? 240);
const MAX_MS = 2000;
const MAX_RSS_GROWTH = 300 * 1024 * 1024;

interface Source {
  name: string;
  /** The files of the model: one for .keras/.h5, model.json plus its shard for TF.js. */
  files: Record<string, Uint8Array>;
  load: (dir: string) => Promise<unknown>;
  main: string;
}

async function sources(work: string): Promise<Source[]> {
  const out: Source[] = [];
  const fromFile = (name: string, bytes: Uint8Array, weightsInto?: Model): Source => ({
    name,
    files: { [name]: bytes },
    main: name,
    load: (dir) => (weightsInto ? loadWeights(weightsInto, path.join(dir, name)) : loadModel(path.join(dir, name))),
  });
  for (const f of readdirSync(FIXTURES).filter((n) => /\.(h5|keras)$/.test(n)).sort()) {
    out.push(fromFile(f, new Uint8Array(readFileSync(path.join(FIXTURES, f)))));
  }
  const samples = path.join(work, 'samples');
  await makeSamples(samples);
  const seq = await loadModel(path.join(samples, 'seq.keras'));
  for (const f of ['seq.keras', 'seq.h5', 'func.keras', 'func.h5']) out.push(fromFile(`lw_${f}`, new Uint8Array(readFileSync(path.join(samples, f)))));
  out.push(fromFile('lw_seq.weights.h5', new Uint8Array(readFileSync(path.join(samples, 'seq.weights.h5'))), seq));
  const tfjs = path.join(samples, 'seq_tfjs');
  const files = Object.fromEntries(readdirSync(tfjs).map((f) => [f, new Uint8Array(readFileSync(path.join(tfjs, f)))]));
  out.push({ name: 'lw_tfjs', files, main: 'model.json', load: (dir) => loadModel(path.join(dir, 'model.json')) });
  return out;
}

test(`${CASES} mutated model files: a model or a clear error, each under ${MAX_MS} ms of CPU, RSS bounded`, async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'layerwise-fuzz-files-'));
  // Real and mutated training configs make the loader warn (left uncompiled, optimizer not restored): expected, and silenced.
  const warn = console.warn;
  console.warn = () => undefined;
  t.after(() => {
    console.warn = warn;
  });

  const all = await sources(work);
  // Warm-up: every source loads unmutated (except the one needing a custom activation), and the HDF5 worker starts.
  for (const s of all) {
    const dir = path.join(work, 'warm');
    mkdirSync(dir, { recursive: true });
    for (const [f, b] of Object.entries(s.files)) writeFileSync(path.join(dir, f), b);
    if (s.name.includes('custom_parts')) await assert.rejects(s.load(dir), /my_softplus/);
    else await s.load(dir);
  }
  const rng = new Rng(20261207);
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  let worst = { ms: 0, what: '' };
  let worstWall = 0;
  const problems: string[] = [];
  const outcomes = { loaded: 0, refused: 0 };
  for (let i = 0; i < CASES; i++) {
    const s = all[i % all.length];
    const kind = MUTATIONS[Math.floor(i / all.length) % MUTATIONS.length];
    const names = Object.keys(s.files);
    const target = names.length === 1 || rng.next() < 0.6 ? s.main : names.find((n) => n !== s.main)!;
    const { data, what } = mutate(s.files[target], kind, rng, 4096);
    const dir = path.join(work, `case${i}`);
    mkdirSync(dir);
    for (const [f, b] of Object.entries(s.files)) writeFileSync(path.join(dir, f), f === target ? data : b);
    const label = `case ${i}: ${s.name} (${target}: ${what})`;
    const started = performance.now();
    const cpu = process.cpuUsage();
    try {
      await s.load(dir);
      outcomes.loaded++;
    } catch (err) {
      outcomes.refused++;
      const reason = unclearReason(err, path.join(dir, s.main));
      if (reason) problems.push(`${label}: ${reason}`);
    }
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    worstWall = Math.max(worstWall, performance.now() - started);
    if (ms > worst.ms) worst = { ms, what: label };
    if (ms > MAX_MS) problems.push(`${label}: took ${ms.toFixed(0)} ms of CPU`);
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
    rmSync(dir, { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
  const growth = rssMax - rss0;
  t.diagnostic(`${CASES} cases: ${outcomes.loaded} loaded, ${outcomes.refused} refused; worst ${worst.ms.toFixed(0)} ms CPU (${worst.what}), worst wall ${worstWall.toFixed(0)} ms; RSS growth ${(growth / 2 ** 20).toFixed(0)} MB`);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  assert.ok(growth < MAX_RSS_GROWTH, `RSS grew by ${(growth / 2 ** 20).toFixed(0)} MB`);
  assert.ok(outcomes.refused > CASES / 4, `most mutations are detected (${outcomes.refused}/${CASES})`);
});
