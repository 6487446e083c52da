// Fused sparse categorical cross-entropy from probabilities: Keras' -log(clip(p / sum(p))[label]) as one op.
import { Tensor } from '../tensor/tensor.js';
import type { RawTensor } from '../backend/backend.js';
import { defineOp } from './define.js';
import { toTensor } from './convert.js';

interface Saved { sum: RawTensor | null; normalized: RawTensor | null; clipped: RawTensor | null }
interface XentAttrs { epsilon: number; saved: Saved }

/**
 * Per-row -log(clip(p / sum(p), eps, 1 - eps)[label]). The forward runs the same backend kernels as the unfused
 * chain (sum, div, maximum, minimum, log), so values are identical; the vjp is the chain's gradient, computed in
 * the chain's float32 operation order: dp_j = [j = y] * g / S - g * p_y / (S * S), with g = -dy / c_y inside the
 * clip range (boundaries included) and 0 outside.
 */
const sparseXentOp = defineOp<XentAttrs>({
  name: 'sparseCategoricalCrossentropy',
  forward: (bk, [p, labels], { epsilon, saved }) => {
    const last = p.shape.length - 1;
    const depth = p.shape[last];
    const s = bk.reduce('sum', p, [last], true);
    const q = bk.binary('div', p, s, 'float32');
    const c = bk.binary('minimum', bk.binary('maximum', q, toTensor(epsilon, 'float32'), 'float32'), toTensor(1 - epsilon, 'float32'), 'float32');
    const logs = bk.unary('log', c);
    saved.sum = s;
    saved.normalized = q;
    saved.clipped = c;
    const rows = labels.data.length;
    const out = new Float32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = -logs.data[i * depth + labels.data[i]];
    return { data: out, shape: [...labels.shape], dtype: 'float32' };
  },
  vjp: (dy, { inputs: [p, labels], attrs: { epsilon, saved }, needs }) => {
    if (!needs[0]) return [null, null];
    const f = Math.fround;
    const depth = p.shape[p.rank - 1];
    const lo = f(epsilon);
    const hi = f(1 - epsilon);
    const s = saved.sum!.data;
    const q = saved.normalized!.data;
    const c = saved.clipped!.data;
    const pd = p.data;
    const out = new Float32Array(pd.length);
    for (let i = 0; i < labels.data.length; i++) {
      const y = i * depth + labels.data[i];
      const qy = q[y];
      const g = qy >= lo && qy <= hi ? f(-dy.data[i] / c[y]) : 0;
      const si = s[i];
      // NOTE: 0 - t, not -t: the chain sums the negated terms from +0, so a zero gradient stays +0.
      const ds = 0 - f(f(g * pd[y]) / f(si * si));
      for (let j = i * depth; j < (i + 1) * depth; j++) out[j] = ds;
      out[y] = f(f(g / si) + ds);
    }
    return [new Tensor(out, p.shape, 'float32'), null];
  },
});

/**
 * Keras sparse_categorical_crossentropy (from probabilities, last axis) for float32 predictions and int32 labels
 * already checked to lie in [0, depth); returns the per-sample losses.
 */
export function sparseCategoricalCrossentropyFromProbabilities(labels: Tensor, probabilities: Tensor, epsilon: number): Tensor {
  return sparseXentOp([probabilities, labels], { epsilon, saved: { sum: null, normalized: null, clipped: null } });
}
