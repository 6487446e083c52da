// Reference matmul: batched, broadcasting over batch dims, transposes by strides, fused bias + activation.
import type { MatmulOptions, RawTensor } from '../backend.js';
import { allocate, promote } from '../../tensor/dtype.js';
import { broadcastShapes, formatShape, sizeOf } from '../../tensor/shape.js';
import { batchOffsets, broadcastStrides } from './indexing.js';
import { unaryFn } from './elementwise.js';

export function matmul(a: RawTensor, b: RawTensor, options: MatmulOptions = {}): RawTensor {
  const { transposeA = false, transposeB = false, bias, activation, alpha } = options;
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new Error(`matmul: both operands need rank >= 2, received shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const k2 = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== k2) {
    throw new Error(
      `matmul: inner dimensions differ: ${formatShape(a.shape)}${transposeA ? '^T' : ''} x ` +
      `${formatShape(b.shape)}${transposeB ? '^T' : ''} (expected ${k} = ${k2})`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'matmul batch dimensions');
  const nb = sizeOf(batch);
  const sa = broadcastStrides(batchA, batch);
  const sb = broadcastStrides(batchB, batch);
  const dtype = promote(a.dtype, b.dtype);
  const out = allocate(dtype, nb * m * n);
  // Row/col strides of the logical (possibly transposed) operands.
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n;
  const bCol = transposeB ? k : 1;
  const act = activation ? unaryFn(activation, alpha ?? (activation === 'elu' ? 1 : 0.2)) : null;
  const A = a.data;
  const B = b.data;
  const acc = new Float64Array(n);
  for (let bi = 0; bi < nb; bi++) {
    const [ba, bb] = batchOffsets(bi, batch, sa, sb);
    const offA = ba * m * k;
    const offB = bb * k * n;
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const av = A[offA + i * aRow + p * aCol];
        const bBase = offB + p * bRow;
        for (let j = 0; j < n; j++) acc[j] += av * B[bBase + j * bCol];
      }
      const o = (bi * m + i) * n;
      for (let j = 0; j < n; j++) {
        let v = acc[j];
        if (bias) v += bias.data[j];
        out[o + j] = act ? act(v) : v;
      }
    }
  }
  return { data: out, shape: [...batch, m, n], dtype };
}
