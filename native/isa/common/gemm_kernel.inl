// A register-blocked SGEMM micro-kernel written over vec.inl, for ISAs with 16 vector registers (AVX2 + FMA,
// SSE2, NEON, SIMD128): GEMM_MR rows x 2 vectors of columns, 2 * GEMM_MR accumulators (6 x 16 on AVX2, the
// shape of XNNPACK's 6x16 fma3 broadcast kernel). A is read in place and broadcast, B rows loaded as vectors.
// The ISA defines GEMM_MR before including this. Included inside an ISA's namespace only.

constexpr long MR = GEMM_MR;
constexpr long NR = 2 * W;

/** C tile [mr x w] (+)= A rows (A(i, p) = a[i * ars + p * aps]) * B (kc rows of w floats); TAIL masks B's last vector. */
template <int NV, bool TAIL>
void kernel(long kc, const float* __restrict a, long ars, long aps, const float* __restrict b, long ldb, float* c,
            long ldc, long mr, long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  vf acc[MR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) acc[i][v] = vzero();
  const long tail = w - (NV - 1) * W;
  for (long i = 0; i < mr; i++)
    for (int v = 0; v < NV; v++) __builtin_prefetch(c + i * ldc + v * W, 1, 3);
  // Rows past mr repeat the last one; their results are never stored.
  const float* ar[MR];
  for (int i = 0; i < MR; i++) ar[i] = a + (i < mr ? i : mr - 1) * ars;
  long po = 0;
#pragma GCC unroll 2
  for (long p = 0; p < kc; p++) {
    vf bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV - 1; v++) bv[v] = vload(b + v * W);
    bv[NV - 1] = TAIL ? vloadn(b + (NV - 1) * W, tail) : vload(b + (NV - 1) * W);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      const vf av = vset1(ar[i][po]);
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) acc[i][v] = vfmadd(av, bv[v], acc[i][v]);
    }
    po += aps;
    b += ldb;
  }
  // NOTE: spill through a tile with constant indices so the accumulators stay in registers in the loop.
  alignas(64) float tile[MR][NV * W];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) vstore(&tile[i][v * W], acc[i][v]);
  storeTile(&tile[0][0], NV * W, c, ldc, mr, w, accumulate, last, ep, j0);
}

void gemmKernel(long kc, const float* a, long ars, long aps, const float* b, long ldb, float* c, long ldc, long mr,
                long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  const bool tail = w % W != 0;
  if (w > W) {
    if (tail) kernel<2, true>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
    else kernel<2, false>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  } else {
    if (tail) kernel<1, true>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
    else kernel<1, false>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  }
}
