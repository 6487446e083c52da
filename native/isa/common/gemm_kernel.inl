// A register-blocked SGEMM micro-kernel written over vec.inl, for ISAs with 16 vector registers (AVX2 + FMA,
// SSE2, NEON, SIMD128): GEMM_MR rows x 2 vectors of columns, 2 * GEMM_MR accumulators (6 x 16 on AVX2, the
// shape of XNNPACK's 6x16 fma3 broadcast kernel). A is read in place and broadcast, B rows loaded as vectors.
// The ISA defines GEMM_MR before including this. Included inside an ISA's namespace only.

constexpr long MR = GEMM_MR;
constexpr long NR = 2 * W;
/** k steps left when the C tile is fetched into L1 (24 measured best of 12, 24, 48 at 2048^3). */
constexpr long C_PREFETCH_STEPS = 24;

/**
 * C tile [mr x w] (+)= A rows (A(i, p) = a[i * ars + p * aps]) * B (kc rows of w floats); TAIL masks B's last vector.
 * R (<= MR) rows are computed: a short last row panel (M = 32 on 6 rows leaves 2) costs what its rows need.
 */
template <int R, int NV, bool TAIL>
void kernel(long kc, const float* __restrict a, long ars, long aps, const float* __restrict b, long ldb, float* c,
            long ldc, long mr, long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  vf acc[R][NV];
#pragma GCC unroll 8
  for (int i = 0; i < R; i++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) acc[i][v] = vzero();
  const long tail = w - (NV - 1) * W;
  // C is fetched twice: into L2 now, into L1 a few steps before the end. A line fetched into L1 at the start was
  // evicted again by the kc x NR B panel and the A rows streaming through L1 (at kc 512 they fill it), and the C
  // update then waited on L3: paired A/B against OpenBLAS Haswell in one process (1 thread, CPU time, AVX2 path):
  // 2048^3 0.82x -> 0.93x, 1024x784x300 0.95x -> 0.98x, 32x784x300 unchanged (1.08x).
  for (long i = 0; i < mr; i++) {
    __builtin_prefetch(c + i * ldc, 0, 2);
    __builtin_prefetch(c + i * ldc + w - 1, 0, 2);
  }
  // Rows past mr repeat the last one; their results are never stored.
  const float* ar[R];
  for (int i = 0; i < R; i++) ar[i] = a + (i < mr ? i : mr - 1) * ars;
  long po = 0;
  auto step = [&]() __attribute__((always_inline)) {
    vf bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV - 1; v++) bv[v] = vload(b + v * W);
    bv[NV - 1] = TAIL ? vloadn(b + (NV - 1) * W, tail) : vload(b + (NV - 1) * W);
#pragma GCC unroll 8
    for (int i = 0; i < R; i++) {
      const vf av = vset1(ar[i][po]);
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) acc[i][v] = vfmadd(av, bv[v], acc[i][v]);
    }
    po += aps;
    b += ldb;
  };
  const long split = kc > C_PREFETCH_STEPS ? kc - C_PREFETCH_STEPS : 0;
  long p = 0;
#pragma GCC unroll 2
  for (; p < split; p++) step();
  for (long i = 0; i < mr; i++) {
    __builtin_prefetch(c + i * ldc, 1, 3);
    __builtin_prefetch(c + i * ldc + w - 1, 1, 3);
  }
#pragma GCC unroll 2
  for (; p < kc; p++) step();
  // A whole tile with a plain store leaves from the registers: short-K products (dense dW = x^T dz, K = the batch)
  // are store-bound, and the spill below cost them ~15% (784x32x300 AVX2 0.68x -> 0.79x OpenBLAS, 1 thread).
  if (mr == R && !TAIL && !accumulate && last && !ep.bias && !ep.act && !ep.sgd) {
#pragma GCC unroll 8
    for (int i = 0; i < R; i++)
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) vstore(c + i * ldc + v * W, acc[i][v]);
    return;
  }
  // NOTE: spill through a tile with constant indices so the accumulators stay in registers in the loop.
  alignas(64) float tile[R][NV * W];
#pragma GCC unroll 8
  for (int i = 0; i < R; i++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) vstore(&tile[i][v * W], acc[i][v]);
  storeTile(&tile[0][0], NV * W, c, ldc, mr, w, accumulate, last, ep, j0);
}

template <int R>
void rowsKernel(long kc, const float* a, long ars, long aps, const float* b, long ldb, float* c, long ldc, long mr,
                long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  const bool tail = w % W != 0;
  if (w > W) {
    if (tail) kernel<R, 2, true>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
    else kernel<R, 2, false>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  } else {
    if (tail) kernel<R, 1, true>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
    else kernel<R, 1, false>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  }
}

void gemmKernel(long kc, const float* a, long ars, long aps, const float* b, long ldb, float* c, long ldc, long mr,
                long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  // Short panels run a kernel of their own height; 5 rows keep the full one (its one spare row costs little).
  if (mr >= MR - 1 || MR <= 4) rowsKernel<MR>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else if (mr > 2) rowsKernel<4>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else if (mr == 2) rowsKernel<2>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else rowsKernel<1>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
}
