// A small numeric helper: Householder QR of a tall dense matrix (plain arrays, no tensors), for Orthogonal.

/**
 * The thin Q (m x n, row-major) of A = QR for a row-major m x n matrix with m >= n, with column signs
 * chosen so that diag(R) >= 0 (the unique QR; equals numpy's q * sign(diag(r))).
 */
export function orthonormalQ(a: ArrayLike<number>, m: number, n: number): Float64Array {
  if (m < n) throw new Error(`orthonormalQ: expected a tall matrix (rows >= columns), received ${m} x ${n}`);
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += r[i * n + k] ** 2;
    const norm = Math.sqrt(norm2);
    const x0 = r[k * n + k];
    const alpha = x0 > 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = r[i * n + k];
    v[0] -= alpha;
    let vn2 = 0;
    for (let i = 0; i < v.length; i++) vn2 += v[i] * v[i];
    const vn = Math.sqrt(vn2);
    if (vn > 0) for (let i = 0; i < v.length; i++) v[i] /= vn;
    vs.push(v);
    // R[k:, k:] -= 2 v (v^T R[k:, k:])
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * r[i * n + j];
      if (dot !== 0) for (let i = k; i < m; i++) r[i * n + j] -= 2 * v[i - k] * dot;
    }
    diag[k] = r[k * n + k];
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      if (dot !== 0) for (let i = k; i < m; i++) q[i * n + j] -= 2 * v[i - k] * dot;
    }
  }
  for (let j = 0; j < n; j++) {
    if (diag[j] < 0) for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j];
  }
  return q;
}
