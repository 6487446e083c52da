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
