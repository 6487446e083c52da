// The datasets namespace of the browser build: Fashion-MNIST over HTTP, IDX parsing from bytes.
export * as fashionMnist from './fashion_mnist_browser.js';
export { parseIdx, idxToTensor } from './idx_parse.js';
export type { IdxArray, IdxType } from './idx_parse.js';
export type { DatasetSplits } from './fashion_mnist_browser.js';
