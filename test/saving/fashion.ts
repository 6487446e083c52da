// Test helper: the Fashion-MNIST test set read straight from the IDX .gz files, and the fixture tasks' subsets.
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as path from 'node:path';
import { Tensor } from '../../src/tensor/tensor.js';

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'keras-real');
const DATA = path.join(REPO, 'data', 'fashion-mnist');

export function haveFashion(): boolean {
  return existsSync(path.join(DATA, 't10k-images-idx3-ubyte.gz')) && existsSync(path.join(DATA, 't10k-labels-idx1-ubyte.gz'));
}

function idx(file: string, magic: number): { dims: number[]; data: Uint8Array } {
  const buf = gunzipSync(readFileSync(path.join(DATA, file)));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${file}: bad IDX magic`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: buf.subarray(4 + 4 * rank) };
}

export interface TaskData {
  x: Tensor;
  y: Tensor;
  count: number;
}

/** The test subset of a fixture task (A8_2e, A8_3e, F10) as float32(pixel / 255) and remapped labels. */
export function taskData(task: string): TaskData {
  const images = idx('t10k-images-idx3-ubyte.gz', 0x803);
  const labels = idx('t10k-labels-idx1-ubyte.gz', 0x801).data;
  const keep: number[] = [];
  const mapped: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (task === 'A8_2e') {
      if (l === 5 || l === 6) continue;
      mapped.push(l > 6 ? l - 2 : l);
    } else if (task === 'A8_3e') {
      if (l === 0 || l === 2) continue;
      mapped.push([1, 3, 4, 5, 6, 7, 8, 9].indexOf(l));
    } else if (task === 'F10') mapped.push(l);
    else throw new Error(`unknown task ${task}`);
    keep.push(i);
  }
  const x = new Float32Array(keep.length * 784);
  keep.forEach((src, k) => {
    for (let j = 0; j < 784; j++) x[k * 784 + j] = images.data[src * 784 + j] / 255;
  });
  return { x: new Tensor(x, [keep.length, 28, 28], 'float32'), y: new Tensor(Float32Array.from(mapped), [keep.length], 'float32'), count: keep.length };
}

/** REG_X[i][j] = ((i*8 + j) % 7 - 3) / 2, shape [5, 8] (the README's regressor inputs). */
export function regX(): Tensor {
  const d = new Float32Array(40);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 8; j++) d[i * 8 + j] = (((i * 8 + j) % 7) - 3) / 2;
  return new Tensor(d, [5, 8], 'float32');
}
