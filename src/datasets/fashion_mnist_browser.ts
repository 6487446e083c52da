// Fashion-MNIST in a page: the same four checksummed .gz files and SHA256SUMS, fetched over HTTP from `url`.
import type { Tensor } from '../tensor/tensor.js';
import { parseChecksums } from './checksums.js';
import { idxToTensor, maybeGunzip, parseIdx } from './idx_parse.js';

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
  /** The folder URL serving the four .gz files and SHA256SUMS (a copy of the package's data/fashion-mnist). */
  url?: string;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`fashionMnist.loadData: cannot fetch ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new Error(`fashionMnist.loadData: cannot fetch ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function loadArray(base: string, name: string, sums: Map<string, string>, shape: number[]): Promise<Tensor> {
  const url = new URL(name, base).href;
  const bytes = await fetchBytes(url);
  const expected = sums.get(name);
  const actual = await sha256Hex(bytes);
  if (actual !== expected) {
    throw new Error(`fashionMnist.loadData: SHA-256 mismatch for ${url}: expected ${expected}, received ${actual} (the file is corrupt or was modified)`);
  }
  const arr = parseIdx(maybeGunzip(bytes, url), url);
  if (arr.idxType !== 'uint8' || arr.shape.join(',') !== shape.join(',')) {
    throw new Error(`fashionMnist.loadData: ${name}: expected uint8 [${shape.join(', ')}], received ${arr.idxType} [${arr.shape.join(', ')}]`);
  }
  return idxToTensor(arr);
}

/**
 * Loads Fashion-MNIST over HTTP, the arrays of Keras' `load_data()`; each file's SHA-256 is checked against the
 * folder's SHA256SUMS (Web Crypto).
 * @example const [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData({ url: '/data/fashion-mnist/' });
 */
export async function loadData(options: FashionMnistOptions = {}): Promise<DatasetSplits> {
  if (!options.url) throw new Error('fashionMnist.loadData: in a browser, pass { url } of a folder serving the Fashion-MNIST files and SHA256SUMS');
  const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`, globalThis.location?.href).href;
  const sumsUrl = new URL('SHA256SUMS', base).href;
  const sums = parseChecksums(new TextDecoder().decode(await fetchBytes(sumsUrl)), sumsUrl);
  const missing = Object.values(FILES).filter((f) => !sums.has(f));
  if (missing.length > 0) throw new Error(`fashionMnist.loadData: ${sumsUrl} has no entry for ${missing.join(', ')}`);
  const [xTrain, yTrain, xTest, yTest] = await Promise.all([
    loadArray(base, FILES.xTrain, sums, [60000, 28, 28]),
    loadArray(base, FILES.yTrain, sums, [60000]),
    loadArray(base, FILES.xTest, sums, [10000, 28, 28]),
    loadArray(base, FILES.yTest, sums, [10000]),
  ]);
  return [[xTrain, yTrain], [xTest, yTest]];
}
