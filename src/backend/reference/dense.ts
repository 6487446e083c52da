// Reference backward of the fused dense op, composed of the reference kernels (the oracle for native denseGrad).
import type { DenseGradOptions, DenseGrads, RawTensor } from '../backend.js';
import { activationGrad } from './elementwise.js';
import { matmul } from './matmul.js';
import { reduce } from './reduce.js';

export function denseGrad(x: RawTensor, kernel: RawTensor, y: RawTensor, dy: RawTensor, options: DenseGradOptions): DenseGrads {
  const { activation, alpha, needs } = options;
  const dz = activation === 'linear' ? dy : activationGrad(activation, y, y, dy, { alpha });
  return {
    dx: needs[0] ? matmul(dz, kernel, { transposeB: true }) : null,
    dkernel: needs[1] ? matmul(x, dz, { transposeA: true }) : null,
    dbias: needs[2] ? reduce('sum', dz, [0], false) : null,
  };
}
