// IDX files (the MNIST format) from paths (Node); the parsing from bytes is idx_parse.ts.
import { readFile } from 'node:fs/promises';
import type { Tensor } from '../tensor/tensor.js';
import { idxToTensor, maybeGunzip, parseIdx } from './idx_parse.js';

export { idxToTensor, maybeGunzip, parseIdx } from './idx_parse.js';
export type { IdxArray, IdxType } from './idx_parse.js';

/**
 * Reads an IDX file (plain or .gz, detected from its first bytes) into a Tensor.
 * @example const labels = await readIdx('data/fashion-mnist/t10k-labels-idx1-ubyte.gz'); // uint8 [10000]
 */
export async function readIdx(filePath: string): Promise<Tensor> {
  const raw = new Uint8Array(await readFile(filePath));
  return idxToTensor(parseIdx(maybeGunzip(raw, filePath), filePath));
}
