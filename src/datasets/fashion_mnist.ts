// Fashion-MNIST, shipped in data/fashion-mnist and verified against SHA256SUMS on every load.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { hashBytes, packageRoot, parseChecksums } from './files.js';
import { idxToTensor, maybeGunzip, parseIdx } from './idx.js';

/** `[[xTrain, yTrain], [xTest, yTest]]`, as Keras' `load_data()` returns. */
export type DatasetSplits = [[Tensor, Tensor], [Tensor, Tensor]];

/** Keras' Fashion-MNIST class names, indexed by label. */
export const classNames: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

const FILES = {
  xTrain: 'train-images-idx3-ubyte.gz',
  yTrain: 'train-labels-idx1-ubyte.gz',
  xTest: 't10k-images-idx3-ubyte.gz',
  yTest: 't10k-labels-idx1-ubyte.gz',
} as const;

export interface FashionMnistOptions {
  /** Directory holding the four .gz files and SHA256SUMS (default: the package's data/fashion-mnist). */
  dataDir?: string;
}

/** The directory of the Fashion-MNIST files bundled with the package. */
export function defaultDataDir(): string {
  return path.join(packageRoot(), 'data', 'fashion-mnist');
}

async function readVerified(dir: string, name: string, sums: Map<string, string>): Promise<Uint8Array> {
  const file = path.join(dir, name);
  const expected = sums.get(name);
  if (expected === undefined) throw new Error(`fashionMnist.loadData: ${path.join(dir, 'SHA256SUMS')} has no entry for ${name}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new Error(`fashionMnist.loadData: cannot read ${file}: ${(e as Error).message}`);
  }
  const actual = hashBytes(bytes);
  if (actual !== expected) {
    throw new Error(`fashionMnist.loadData: SHA-256 mismatch for ${file}: expected ${expected}, received ${actual} (the file is corrupt or was modified)`);
  }
  return bytes;
}

async function loadArray(dir: string, name: string, sums: Map<string, string>, shape: number[]): Promise<Tensor> {
  const bytes = await readVerified(dir, name, sums);
  const arr = parseIdx(maybeGunzip(bytes, path.join(dir, name)), path.join(dir, name));
  if (arr.idxType !== 'uint8' || arr.shape.join(',') !== shape.join(',')) {
    throw new Error(`fashionMnist.loadData: ${name}: expected uint8 [${shape.join(', ')}], received ${arr.idxType} [${arr.shape.join(', ')}]`);
  }
  return idxToTensor(arr);
}

/**
 * Loads Fashion-MNIST: uint8 images [60000, 28, 28] / [10000, 28, 28] and uint8 labels, exactly
 * Keras' `keras.datasets.fashion_mnist.load_data()` arrays. Works offline; every call verifies
 * the SHA-256 of each file and throws naming the file and both digests on mismatch.
 * @example const [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();
 */
export async function loadData(options: FashionMnistOptions = {}): Promise<DatasetSplits> {
  const dir = options.dataDir ?? defaultDataDir();
  const sumsPath = path.join(dir, 'SHA256SUMS');
  let sumsText: string;
  try {
    sumsText = await readFile(sumsPath, 'utf8');
  } catch (e) {
    throw new Error(`fashionMnist.loadData: cannot read the checksum list ${sumsPath}: ${(e as Error).message}`);
  }
  const sums = parseChecksums(sumsText, sumsPath);
  const missing = Object.values(FILES).filter((f) => !sums.has(f));
  if (missing.length > 0) throw new Error(`fashionMnist.loadData: ${sumsPath} has no entry for ${missing.join(', ')}`);
  const [xTrain, yTrain, xTest, yTest] = await Promise.all([
    loadArray(dir, FILES.xTrain, sums, [60000, 28, 28]),
    loadArray(dir, FILES.yTrain, sums, [60000]),
    loadArray(dir, FILES.xTest, sums, [10000, 28, 28]),
    loadArray(dir, FILES.yTest, sums, [10000]),
  ]);
  return [[xTrain, yTrain], [xTest, yTest]];
}
