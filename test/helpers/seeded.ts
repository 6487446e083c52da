// Seeded test data without the library's RNG: a linear congruential sequence in [-0.5, 0.5), the same on every run.
import { Tensor } from '../../src/tensor/tensor.js';

/** n numbers of the sequence started at `seed`, each in [-0.5, 0.5). */
export function seededNumbers(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

/** A float32 tensor of `shape` filled with seededNumbers. */
export function seededTensor(shape: number[], seed: number): Tensor {
  return new Tensor(Float32Array.from(seededNumbers(shape.reduce((a, b) => a * b, 1), seed)), shape, 'float32');
}
