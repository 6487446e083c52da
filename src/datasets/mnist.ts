// MNIST digits, as keras.datasets.mnist: mnist.npz fetched through getFile, then read with the npz reader.
import { readFile } from 'node:fs/promises';
import type { Tensor } from '../tensor/tensor.js';
import type { DatasetSplits } from './fashion_mnist.js';
import { getFile, type GetFileOptions } from './get_file.js';
import { readNpz } from './npz.js';

/** Keras' origin and SHA-256 of mnist.npz. */
export const MNIST_ORIGIN = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz';
export const MNIST_SHA256 = '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1';

export interface MnistOptions extends Omit<GetFileOptions, 'extract' | 'archiveFormat'> {
  /** File name in the cache (Keras' `path`, default 'mnist.npz'). */
  path?: string;
  /** Download URL (default Keras' mirror); a different origin usually needs its own `sha256`. */
  origin?: string;
}

/**
 * Loads MNIST: uint8 images [60000, 28, 28] / [10000, 28, 28] and uint8 labels, downloaded once
 * into ~/.layerwise/datasets/mnist.npz (SHA-256 verified) like `keras.datasets.mnist.load_data()`.
 * @example const [[xTrain, yTrain], [xTest, yTest]] = await datasets.mnist.loadData();
 */
export async function loadData(options: MnistOptions = {}): Promise<DatasetSplits> {
  const { path: fname = 'mnist.npz', origin = MNIST_ORIGIN, ...rest } = options;
  const hashOpts = rest.sha256 === undefined && rest.fileHash === undefined ? { sha256: MNIST_SHA256 } : {};
  const file = await getFile(fname, origin, { ...rest, ...hashOpts });
  const arrays = readNpz(new Uint8Array(await readFile(file)), file);
  const pick = (key: string): Tensor => {
    const t = arrays[key];
    if (t === undefined) throw new Error(`mnist.loadData: ${file} has no array '${key}' (found: ${Object.keys(arrays).join(', ') || 'none'})`);
    return t;
  };
  return [[pick('x_train'), pick('y_train')], [pick('x_test'), pick('y_test')]];
}
