// Fused sparse categorical cross-entropy from probabilities: Keras' -log(clip(p / sum(p))[label]) as one op.
import { Tensor } from '../tensor/tensor.js';
import { defineOp } from './define.js';

/** Per row: the sum of p, and the normalized and clipped probability of the label. */
interface Saved { sum: Float32Array | null; normalized: Float32Array | null; clipped: Float32Array | null }
interface XentAttrs { epsilon: number; saved: Saved }

/**
 * Per-row -log(clip(p / sum(p), eps, 1 - eps)[label]). Only the label's entry of p / sum(p) reaches the value, so the
 * forward computes just that entry, with the reference kernels' float32 arithmetic (the sum accumulated in double
 * and rounded once, then div, maximum, minimum and log each rounded to float32): the unfused chain's values on the
 * reference backend, without five backend calls on every training step. The vjp is the chain's gradient, computed
 * in the chain's float32 operation order: dp_j = [j = y] * g / S - g * p_y / (S * S), with g = -dy / c_y inside
 * the clip range (boundaries included) and 0 outside.
 */
const sparseXentOp = defineOp<XentAttrs>({
  name: 'sparseCategoricalCrossentropy',
  forward: (_bk, [p, labels], { epsilon, saved }) => {
    const f = Math.fround;
    const depth = p.shape[p.shape.length - 1];
    const lo = f(epsilon);
    const hi = f(1 - epsilon);
    const rows = labels.data.length;
    const pd = p.data;
    const out = new Float32Array(rows);
    const sums = new Float32Array(rows);
    const normalized = new Float32Array(rows);
    const clipped = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      let acc = 0;
      for (let j = i * depth; j < (i + 1) * depth; j++) acc += pd[j];
      const si = f(acc);
      const q = f(pd[i * depth + labels.data[i]] / si);
      // NOTE: Math.max/min propagate NaN, as the reference maximum/minimum do.
      const c = Math.min(Math.max(q, lo), hi);
      sums[i] = si;
      normalized[i] = q;
      clipped[i] = c;
      out[i] = -f(Math.log(c));
    }
    saved.sum = sums;
    saved.normalized = normalized;
    saved.clipped = clipped;
    return { data: out, shape: [...labels.shape], dtype: 'float32' };
  },
  vjp: (dy, { inputs: [p, labels], attrs: { epsilon, saved }, needs }) => {
    if (!needs[0]) return [null, null];
    const f = Math.fround;
    const depth = p.shape[p.rank - 1];
    const lo = f(epsilon);
    const hi = f(1 - epsilon);
    const s = saved.sum!;
    const q = saved.normalized!;
    const c = saved.clipped!;
    const pd = p.data;
    const out = new Float32Array(pd.length);
    for (let i = 0; i < labels.data.length; i++) {
      const y = i * depth + labels.data[i];
      const qy = q[i];
      const g = qy >= lo && qy <= hi ? f(-dy.data[i] / c[i]) : 0;
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
