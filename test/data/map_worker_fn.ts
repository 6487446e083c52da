// A map function for the mapInWorkers test (loaded in worker threads): doubles x, keeps y; throws on x = 13.
import { mul } from '../../src/ops/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

export default function double([x, y]: [Tensor, Tensor]): [Tensor, Tensor] {
  if (x.size === 1 && x.item() === 13) throw new Error('thirteen');
  return [mul(x, 2), y];
}
