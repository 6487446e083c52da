// Sums over typed arrays for the health figures, with four running sums so the additions overlap.

/** Sum of squares (the additions of one running sum wait on each other; four overlap). */
export function sumSquares(d: ArrayLike<number>): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n = d.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = d[i], b = d[i + 1], c = d[i + 2], e = d[i + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += e * e;
  }
  for (; i < n; i++) s0 += d[i] * d[i];
  return s0 + s1 + (s2 + s3);
}

/** Sum with four running sums (see sumSquares). */
export function sumOf(d: ArrayLike<number>): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n = d.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += d[i];
    s1 += d[i + 1];
    s2 += d[i + 2];
    s3 += d[i + 3];
  }
  for (; i < n; i++) s0 += d[i];
  return s0 + s1 + (s2 + s3);
}
