// The GEMM epilogue, written once for every ISA's micro-kernel: a register tile spilled to memory is added to C
// (when accumulating over K blocks), then biased and activated, or used as an SGD step. Included inside an ISA's
// namespace only.

/** C[mr x w] (+)= tile (rows of ldt floats); on the last K block applies `ep` (bias column j0 + j). */
inline void storeTile(const float* tile, long ldt, float* c, long ldc, long mr, long w, bool accumulate, bool last,
                      const Epilogue& ep, long j0) {
  for (long i = 0; i < mr; i++) {
    float* ci = c + i * ldc;
    const float* ti = tile + i * ldt;
    for (long j = 0; j < w; j += W) {
      const long n = w - j;
      const bool full = n >= W;
      vf r = vload(ti + j);
      if (accumulate) r = vadd(r, full ? vload(ci + j) : vloadn(ci + j, n));
      if (last && ep.sgd) {
        r = vfnmadd(vset1(ep.sgdRate), r, full ? vload(ci + j) : vloadn(ci + j, n));
      } else if (last) {
        if (ep.bias) r = vadd(r, full ? vload(ep.bias + j0 + j) : vloadn(ep.bias + j0 + j, n));
        if (ep.act) r = vact(ep.act, r, ep.alpha);
      }
      if (full) vstore(ci + j, r);
      else vstoren(ci + j, r, n);
    }
  }
}
