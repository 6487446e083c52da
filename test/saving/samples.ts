// Sample files written by layerwise in every format, for scripts/golden/h5_verify.py and the fingerprint test.
// Run: node build/test/saving/samples.js <dir>  (writes the files and predictions.json there)
import { mkdirSync, writeFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import '../../src/ops/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { Sequential, Model } from '../../src/models/index.js';
import { Dense, BatchNormalization, Dropout, LeakyReLU, PReLU, Flatten, Input } from '../../src/layers/index.js';
import { Adam, SGD } from '../../src/optimizers/index.js';
import { saveModel, saveWeights } from '../../src/saving/index.js';
import { readHdf5, type H5Group } from '../../src/saving/h5.js';

export const SAMPLE_FILES = ['seq.keras', 'seq.h5', 'seq.weights.h5', 'seq_tfjs/model.json', 'func.keras', 'func.h5'];

function sampleInput(): Tensor {
  const x = new Float32Array(4 * 12);
  for (let i = 0; i < x.length; i++) x[i] = Math.cos(i * 0.61) * 1.5;
  return new Tensor(x, [4, 3, 4], 'float32');
}

function labels(n: number): Tensor {
  return new Tensor(Float32Array.from({ length: n }, (_, i) => i % 3), [n], 'float32');
}

/** Writes the sample files and predictions.json (inputs and layerwise's outputs) into `dir`. */
export async function makeSamples(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const x = sampleInput();
  setRandomSeed(5);
  const seq = new Sequential([
    new Flatten({ inputShape: [3, 4] }),
    new Dense(16, { activation: 'relu' }),
    new BatchNormalization(),
    new LeakyReLU({ negativeSlope: 0.2 }),
    new Dropout(0.1),
    new Dense(8),
    new PReLU(),
    new Dense(3, { activation: 'softmax' }),
  ], { name: 'sequential' });
  seq.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  seq.trainOnBatch(x, labels(4));
  setRandomSeed(6);
  const inp = Input({ shape: [3, 4], name: 'input_layer' });
  const h = new Dense(10, { activation: 'selu', name: 'hidden' }).apply(new Flatten({ name: 'flatten_f' }).apply(inp));
  const func = new Model({ inputs: inp, outputs: new Dense(3, { activation: 'softmax', name: 'out' }).apply(h), name: 'functional' });
  func.compile({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  func.trainOnBatch(x, labels(4));
  await saveModel(seq, path.join(dir, 'seq.keras'));
  await saveModel(seq, path.join(dir, 'seq.h5'));
  await saveWeights(seq, path.join(dir, 'seq.weights.h5'));
  await saveModel(seq, path.join(dir, 'seq_tfjs'));
  await saveModel(func, path.join(dir, 'func.keras'));
  await saveModel(func, path.join(dir, 'func.h5'));
  const out = async (m: Model) => Array.from((await m.predict(x, { verbose: 0 })).dataSync());
  writeFileSync(path.join(dir, 'predictions.json'), JSON.stringify({
    input: { shape: x.shape, data: Array.from(x.dataSync()) },
    seq: await out(seq),
    func: await out(func),
  }));
}

function describeGroup(g: H5Group, prefix: string, lines: string[]): void {
  for (const [name, a] of Object.entries(g.attrs)) {
    if (a.kind === 'string') lines.push(`${prefix || '/'}@${name}:str:${a.vlen ? 'vlen' : 'fixed'}:${a.cset === 1 ? 'utf8' : 'ascii'}:[${a.shape.join(',')}]`);
    else if (a.kind === 'number') lines.push(`${prefix || '/'}@${name}:${a.dtype}:[${a.shape.join(',')}]`);
    else lines.push(`${prefix || '/'}@${name}:other`);
  }
  for (const [name, node] of g.children) {
    const p = `${prefix}/${name}`;
    if (node.kind === 'group') {
      lines.push(`${p}:group`);
      describeGroup(node, p, lines);
    } else {
      lines.push(`${p}:${node.dtype}:[${node.shape.join(',')}]`);
      for (const [an] of Object.entries(node.attrs)) lines.push(`${p}@${an}`);
    }
  }
}

/** Structure of an HDF5 file (objects, dtypes, shapes, attribute types) as sorted lines; h5_verify.py computes the same. */
export async function h5Structure(bytes: Uint8Array, label: string): Promise<string[]> {
  const lines: string[] = [];
  describeGroup(await readHdf5(bytes, label), '', lines);
  return lines.sort();
}

/** sha256 over every sample's structure (HDF5 layout; zip entry names; model.json keys and manifest shapes). */
export async function samplesFingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of SAMPLE_FILES) {
    const p = path.join(dir, f);
    let lines: string[];
    if (f.endsWith('.keras')) {
      const entries = unzipSync(new Uint8Array(readFileSync(p)));
      lines = [`zip:${Object.keys(entries).sort().join(',')}`, ...(await h5Structure(entries['model.weights.h5'], f))];
    } else if (f.endsWith('.json')) {
      const j = JSON.parse(readFileSync(p, 'utf8')) as { weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; group?: string }[] }[] } & Record<string, unknown>;
      lines = [`keys:${Object.keys(j).sort().join(',')}`];
      for (const g of j.weightsManifest) {
        lines.push(`paths:${g.paths.join(',')}`);
        for (const w of g.weights) lines.push(`${w.group ?? ''}:${w.name}:${w.dtype}:[${w.shape.join(',')}]`);
      }
    } else lines = await h5Structure(new Uint8Array(readFileSync(p)), f);
    out[f] = createHash('sha256').update(lines.join('\n')).digest('hex');
  }
  return out;
}

export function listDir(dir: string): string[] {
  return readdirSync(dir).filter((f) => statSync(path.join(dir, f)).isFile());
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1])) && process.argv[2]) {
  const dir = process.argv[2];
  await makeSamples(dir);
  console.log(JSON.stringify(await samplesFingerprint(dir), null, 1));
  process.exit(0);
}
