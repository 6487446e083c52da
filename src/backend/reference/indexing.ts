// Index helpers shared by the reference kernels: broadcast strides and an odometer over shapes.
import type { Shape } from '../../tensor/shape.js';
import { stridesOf } from '../../tensor/shape.js';

/** Strides of `shape` read as if broadcast to `outShape` (0 along broadcast dimensions). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const s = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const j = i - off;
    return j < 0 || shape[j] === 1 ? 0 : s[j];
  });
}

/** Calls fn(outIndex, offsetA, offsetB) for every element of outShape, walking two strided inputs. */
export function forEachBroadcast(
  outShape: Shape, sa: readonly number[], sb: readonly number[],
  fn: (i: number, ia: number, ib: number) => void,
): void {
  const rank = outShape.length;
  let total = 1;
  for (const d of outShape) total *= d;
  if (total === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < total; i++) {
    fn(i, ia, ib);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < outShape[d]) break;
      ia -= sa[d] * outShape[d];
      ib -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/** Offsets (in batch entries) of batch item `bi` in two operands broadcast over `batch` with strides sa, sb. */
export function batchOffsets(bi: number, batch: readonly number[], sa: readonly number[], sb: readonly number[]): [number, number] {
  let offA = 0;
  let offB = 0;
  let rem = bi;
  for (let d = batch.length - 1; d >= 0; d--) {
    const idx = rem % batch[d];
    rem = Math.floor(rem / batch[d]);
    offA += idx * sa[d];
    offB += idx * sb[d];
  }
  return [offA, offB];
}
