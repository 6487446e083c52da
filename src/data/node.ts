// data for Node: the Dataset plus file sources (.npy shards, IDX, CSV, image folders) and cache(path).
import { readIdx } from '../datasets/idx.js';
import { cast } from '../ops/index.js';
import { Dataset } from './dataset.js';
import { installFileCache } from './dataset.js';
import { nodeFileCache } from './file_cache.js';

installFileCache(nodeFileCache);

export * from './index.js';
export { fromNpyShards, writeNpyShards, encodeNpy } from './npy_shards.js';
export type { NpyShardsOptions } from './npy_shards.js';
export { fromCsv } from './csv.js';
export type { CsvOptions } from './csv.js';
export { fromImageFolder, decodeImage } from './image_folder.js';
export { mapInWorkers } from './workers.js';
export type { MapInWorkersOptions } from './workers.js';
export type { ImageFolderOptions } from './image_folder.js';

/**
 * Samples of IDX files (MNIST format, plain or .gz): `[image float32, label int32]` per sample, or the images alone.
 * @example await data.fromIdx('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz')
 */
export async function fromIdx(imagesPath: string, labelsPath?: string): Promise<Dataset> {
  const x = cast(await readIdx(imagesPath), 'float32');
  if (!labelsPath) return Dataset.fromTensors(x);
  return Dataset.fromTensors([x, cast(await readIdx(labelsPath), 'int32')]);
}
