// The AVX-512 SGEMM micro-kernel: 8 rows x up to 48 columns (24 zmm accumulators), A read in place and broadcast,
// B rows loaded as 3 vectors (the last one masked), and a 16 x 16 register transpose for packing transposed B.

constexpr long MR = 8;
constexpr long NR = 48;

/** dst[c * ldd + r] = src[r * lds + c] for a 16 x 16 block (unpack, unpack, two lane shuffles). */
void transpose16x16(const float* src, long lds, float* dst, long ldd) {
  __m512 t[16], u[16];
  for (int i = 0; i < 16; i += 2) {
    const __m512 a = _mm512_loadu_ps(src + i * lds), b = _mm512_loadu_ps(src + (i + 1) * lds);
    t[i] = _mm512_unpacklo_ps(a, b);
    t[i + 1] = _mm512_unpackhi_ps(a, b);
  }
  for (int g = 0; g < 16; g += 4) {
    const __m512d t0 = _mm512_castps_pd(t[g]), t1 = _mm512_castps_pd(t[g + 1]);
    const __m512d t2 = _mm512_castps_pd(t[g + 2]), t3 = _mm512_castps_pd(t[g + 3]);
    u[g] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));      // columns 0, 4, 8, 12 of rows g..g+3
    u[g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));  // columns 1, 5, 9, 13
    u[g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));  // columns 2, 6, 10, 14
    u[g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));  // columns 3, 7, 11, 15
  }
  for (int c = 0; c < 4; c++) {
    const __m512 v = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44), w = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xEE);
    const __m512 x = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44), y = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xEE);
    _mm512_storeu_ps(dst + c * ldd, _mm512_shuffle_f32x4(v, x, 0x88));
    _mm512_storeu_ps(dst + (c + 4) * ldd, _mm512_shuffle_f32x4(v, x, 0xDD));
    _mm512_storeu_ps(dst + (c + 8) * ldd, _mm512_shuffle_f32x4(w, y, 0x88));
    _mm512_storeu_ps(dst + (c + 12) * ldd, _mm512_shuffle_f32x4(w, y, 0xDD));
  }
}

template <int NV>
void kernel(long kc, const float* __restrict a, long ars, long aps, const float* __restrict b, long ldb, float* c,
            long ldc, long mr, long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  __m512 acc[MR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  const __mmask16 lastMask = tailMask(w - (NV - 1) * 16);
  // Fetch the C tile (for writing) while the k loop runs: its lines are loaded for the store or the update anyway
  // (W2 training kernels ~1-2% faster, paired A/B).
  for (long i = 0; i < mr; i++)
    for (int v = 0; v < NV; v++) __builtin_prefetch(c + i * ldc + v * 16, 1, 3);
  // Row i of A starts at a + i * ars and steps by aps along k (rows past mr repeat the last one; their results are
  // never stored).
  const float* ar[MR];
  for (int i = 0; i < MR; i++) ar[i] = a + (i < mr ? i : mr - 1) * ars;
  long po = 0;
#pragma GCC unroll 2
  for (long p = 0; p < kc; p++) {
    __m512 bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV - 1; v++) bv[v] = _mm512_loadu_ps(b + v * 16);
    bv[NV - 1] = _mm512_maskz_loadu_ps(lastMask, b + (NV - 1) * 16);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      const __m512 av = _mm512_set1_ps(ar[i][po]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(av, bv[v], acc[i][v]);
    }
    po += aps;
    b += ldb;
  }
  // NOTE: spill through a tile with constant indices so the accumulators stay in registers in the loop.
  alignas(64) float tile[MR][NV * 16];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) _mm512_store_ps(&tile[i][v * 16], acc[i][v]);
  storeTile(&tile[0][0], NV * 16, c, ldc, mr, w, accumulate, last, ep, j0);
}

void gemmKernel(long kc, const float* a, long ars, long aps, const float* b, long ldb, float* c, long ldc, long mr,
                long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  const long nv = (w + 15) / 16;
  if (nv == 3) kernel<3>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else if (nv == 2) kernel<2>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else kernel<1>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
}
