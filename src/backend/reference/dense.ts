// Reference backward of the fused dense op, composed of the reference kernels (the oracle for native denseGrad).
import type { DenseGradOptions, DenseGrads, RawTensor } from '../backend.js';
import { activationGrad } from './elementwise.js';
import { matmul } from './matmul.js';
import { optimizerUpdate } from './optimizer.js';
import { reduce } from './reduce.js';

export function denseGrad(x: RawTensor, kernel: RawTensor, y: RawTensor, dy: RawTensor, options: DenseGradOptions): DenseGrads {
  const { activation, alpha, needs, sgd } = options;
  const dz = activation === 'linear' ? dy : activationGrad(activation, y, y, dy, { alpha });
  if (sgd) {
    const dx = needs[0] ? matmul(dz, kernel, { transposeB: true }) : null;
    const params = [kernel.data as Float32Array];
    const grads = [matmul(x, dz, { transposeA: true }).data as Float32Array];
    if (sgd.bias) {
      params.push(sgd.bias.data as Float32Array);
      grads.push(reduce('sum', dz, [0], false).data as Float32Array);
    }
    optimizerUpdate({ kind: 'sgd', params, grads, slots: [], hyper: { learningRate: sgd.learningRate } });
    return { dx, dkernel: null, dbias: null };
  }
  return {
    dx: needs[0] ? matmul(dz, kernel, { transposeB: true }) : null,
    dkernel: needs[1] ? matmul(x, dz, { transposeA: true }) : null,
    dbias: needs[2] ? reduce('sum', dz, [0], false) : null,
  };
}
