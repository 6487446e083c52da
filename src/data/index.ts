// data: the browser-safe input pipeline (Dataset and its element helpers). File sources live in node.ts.
export { Dataset, isDataSource } from './dataset.js';
export type { ShuffleOptions, IterateOptions, Opener } from './dataset.js';
export type { Element } from './structure.js';
export type { DataIterator } from './iterator.js';
