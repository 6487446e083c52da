// The NEON SGEMM micro-kernel, sized for AArch64's 32 vector registers: 8 rows x up to 12 columns (24 accumulators,
// 3 B vectors, 1 broadcast A value: 28 registers), A read in place and broadcast with LD1R, B rows loaded as 3
// vectors (the last one partial at a tail), FMLA. And a 16 x 16 transpose (4 x 4 blocks of TRN1/TRN2) for packing.

constexpr long MR = 8;
constexpr long NR = 12;

/** dst[c * ldd + r] = src[r * lds + c] for a 16 x 16 block, 4 x 4 at a time. */
void transpose16x16(const float* src, long lds, float* dst, long ldd) {
  for (int rb = 0; rb < 16; rb += 4) {
    for (int cb = 0; cb < 16; cb += 4) {
      const float* s = src + rb * lds + cb;
      const vf r0 = vld1q_f32(s), r1 = vld1q_f32(s + lds), r2 = vld1q_f32(s + 2 * lds), r3 = vld1q_f32(s + 3 * lds);
      const vf t0 = vtrn1q_f32(r0, r1), t1 = vtrn2q_f32(r0, r1), t2 = vtrn1q_f32(r2, r3), t3 = vtrn2q_f32(r2, r3);
      const float64x2_t u0 = vreinterpretq_f64_f32(t0), u1 = vreinterpretq_f64_f32(t1);
      const float64x2_t u2 = vreinterpretq_f64_f32(t2), u3 = vreinterpretq_f64_f32(t3);
      float* d = dst + cb * ldd + rb;
      vst1q_f32(d, vreinterpretq_f32_f64(vtrn1q_f64(u0, u2)));
      vst1q_f32(d + ldd, vreinterpretq_f32_f64(vtrn1q_f64(u1, u3)));
      vst1q_f32(d + 2 * ldd, vreinterpretq_f32_f64(vtrn2q_f64(u0, u2)));
      vst1q_f32(d + 3 * ldd, vreinterpretq_f32_f64(vtrn2q_f64(u1, u3)));
    }
  }
}

/** C tile [mr x w] (+)= A rows (A(i, p) = a[i * ars + p * aps]) * B (kc rows of w floats); TAIL: w % 4 != 0. */
template <int NV, bool TAIL>
void kernel(long kc, const float* __restrict a, long ars, long aps, const float* __restrict b, long ldb, float* c,
            long ldc, long mr, long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  vf acc[MR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) acc[i][v] = vdupq_n_f32(0.f);
  const long tail = w - (NV - 1) * W;
  for (long i = 0; i < mr; i++) __builtin_prefetch(c + i * ldc, 1, 3);
  // Rows past mr repeat the last one; their results are never stored.
  const float* ar[MR];
  for (int i = 0; i < MR; i++) ar[i] = a + (i < mr ? i : mr - 1) * ars;
  long po = 0;
#pragma GCC unroll 2
  for (long p = 0; p < kc; p++) {
    vf bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV - 1; v++) bv[v] = vld1q_f32(b + v * W);
    bv[NV - 1] = TAIL ? vloadn(b + (NV - 1) * W, tail) : vld1q_f32(b + (NV - 1) * W);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      const vf av = vld1q_dup_f32(ar[i] + po);
#pragma GCC unroll 3
      for (int v = 0; v < NV; v++) acc[i][v] = vfmaq_f32(acc[i][v], av, bv[v]);
    }
    po += aps;
    b += ldb;
  }
  // NOTE: spill through a tile with constant indices so the accumulators stay in registers in the loop.
  alignas(64) float tile[MR][NV * W];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) vst1q_f32(&tile[i][v * W], acc[i][v]);
  storeTile(&tile[0][0], NV * W, c, ldc, mr, w, accumulate, last, ep, j0);
}

template <int NV>
void kernelW(long kc, const float* a, long ars, long aps, const float* b, long ldb, float* c, long ldc, long mr,
             long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  if (w % W != 0) kernel<NV, true>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else kernel<NV, false>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
}

void gemmKernel(long kc, const float* a, long ars, long aps, const float* b, long ldb, float* c, long ldc, long mr,
                long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  const long nv = (w + W - 1) / W;
  if (nv == 3) kernelW<3>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else if (nv == 2) kernelW<2>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else kernelW<1>(kc, a, ars, aps, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
}
