// datasets: Fashion-MNIST (bundled), MNIST (downloaded), getFile, and the IDX / npz readers.
export * as fashionMnist from './fashion_mnist.js';
export * as mnist from './mnist.js';
export { getFile, hashFile } from './get_file.js';
export type { GetFileOptions } from './get_file.js';
export { parseIdx, readIdx, idxToTensor } from './idx.js';
export type { IdxArray, IdxType } from './idx.js';
export { readNpy, readNpz } from './npz.js';
export type { DatasetSplits } from './fashion_mnist.js';
