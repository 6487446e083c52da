// SGEMM: Goto-style blocking (KC x NC B blocks, MC x KC A blocks), an 8 x 48 AVX-512 micro-kernel reading A in
// place (8 x 16 generic fallback on packed A), B read in place for short-M products with contiguous rows, fused
// bias + activation (or an SGD step) on the last K block.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "scratch.h"
#include "simd.h"
#include "threadpool.h"

namespace lw {
namespace {

constexpr long MR = 8;
#if LW_AVX512
constexpr long NR = 48;  // 3 zmm vectors per row
#else
constexpr long NR = 16;
#endif
// Measured on the 2-core AVX-512 host (bench/results): KC 512 with a wide NC (B block ~4 MB, L3) lifted 2048^3 from
// ~185 to ~210 GFLOP/s (fewer A repacks per B block, half the C passes) and left the training shapes unchanged.
constexpr long KC = 512;
constexpr long ONE_BLOCK_K = 1024;
constexpr long MC = 256;
constexpr long NC = 2064;    // multiple of NR and 16
constexpr long SMALL_M = 64;  // at or below this, B is read in place when its rows are contiguous

thread_local Scratch tlsA;
thread_local Scratch tlsB;
thread_local Scratch tlsSgd;  // the product, when an SGD epilogue cannot run in place (K spans several blocks)

/** Packs A[i0:i0+mc, p0:p0+kc] into MR-row panels: panel r holds a[p*MR + i], zero-padded rows. */
void packA(const float* A, long rsa, long csa, long i0, long mc, long p0, long kc, float* dst) {
  for (long ir = 0; ir < mc; ir += MR) {
    const long mr = std::min(MR, mc - ir);
    float* d = dst + ir * kc;
    if (csa == 1) {
      for (long i = 0; i < mr; i++) {
        const float* s = A + (i0 + ir + i) * rsa + p0;
        for (long p = 0; p < kc; p++) d[p * MR + i] = s[p];
      }
      for (long i = mr; i < MR; i++)
        for (long p = 0; p < kc; p++) d[p * MR + i] = 0.f;
    } else {
      for (long p = 0; p < kc; p++) {
        const float* s = A + (i0 + ir) * rsa + (p0 + p) * csa;
        long i = 0;
        for (; i < mr; i++) d[p * MR + i] = s[i * rsa];
        for (; i < MR; i++) d[p * MR + i] = 0.f;
      }
    }
  }
}

#if LW_AVX512
/** dst[c * ldd + r] = src[r * lds + c] for a 16 x 16 block (unpack, unpack, two lane shuffles). */
inline void transpose16x16(const float* src, long lds, float* dst, long ldd) {
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
#endif

inline long roundUp16(long w) { return (w + 15) & ~15L; }

/** Packs B[p0:p0+kc, j0:j0+nc] into NR-column panels of kc x roundUp16(w) (zero-padded columns). */
void packB(const float* B, long rsb, long csb, long p0, long kc, long j0, long nc, float* dst) {
  for (long jr = 0; jr < nc; jr += NR) {
    const long w = std::min(NR, nc - jr);
    const long wp = roundUp16(w);
    float* d = dst + jr * kc;
    if (csb == 1) {
      for (long p = 0; p < kc; p++) {
        const float* s = B + (p0 + p) * rsb + j0 + jr;
        std::memcpy(d + p * wp, s, w * sizeof(float));
        for (long j = w; j < wp; j++) d[p * wp + j] = 0.f;
      }
    } else {
      // Transposed B: 16 x 16 blocks (register transposes when B(p, j) is contiguous along p).
      for (long pb = 0; pb < kc; pb += 16) {
        const long pe = std::min(kc, pb + 16);
        long j = 0;
#if LW_AVX512
        if (rsb == 1 && pe - pb == 16)
          for (; j + 16 <= w; j += 16) transpose16x16(B + p0 + pb + (j0 + jr + j) * csb, csb, d + pb * wp + j, wp);
#endif
        for (; j < w; j++) {
          const float* s = B + p0 * rsb + (j0 + jr + j) * csb;
          for (long p = pb; p < pe; p++) d[p * wp + j] = s[p * rsb];
        }
        for (long p = pb; p < pe; p++)
          for (long j = w; j < wp; j++) d[p * wp + j] = 0.f;
      }
    }
  }
}

#if LW_AVX512
/** C tile [mr x w] (+)= a-panel (kc x MR) * b (kc rows of NV*16, row stride ldb); epilogue when last. */
template <int NV, bool DIRECT_A = false>
void kernel(long kc, const float* __restrict a, const float* __restrict b, long ldb, float* c, long ldc, long mr,
            long w, bool accumulate, bool last, const Epilogue& ep, long j0, long ars = 1, long aps = MR) {
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
  // Direct A: row i of the panel starts at a + i * ars and steps by aps along k (rows past mr repeat the last one;
  // their results are never stored).
  const float* ar[MR];
  if (DIRECT_A)
    for (int i = 0; i < MR; i++) ar[i] = a + std::min<long>(i, mr - 1) * ars;
  long po = 0;
#pragma GCC unroll 2
  for (long p = 0; p < kc; p++) {
    __m512 bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV - 1; v++) bv[v] = _mm512_loadu_ps(b + v * 16);
    bv[NV - 1] = _mm512_maskz_loadu_ps(lastMask, b + (NV - 1) * 16);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      const __m512 av = _mm512_set1_ps(DIRECT_A ? ar[i][po] : a[i]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(av, bv[v], acc[i][v]);
    }
    if (DIRECT_A) po += aps;
    else a += MR;
    b += ldb;
  }
  // NOTE: spill through a tile with constant indices so the accumulators stay in registers in the loop.
  alignas(64) float tile[MR][NV * 16];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) _mm512_store_ps(&tile[i][v * 16], acc[i][v]);
  for (long i = 0; i < mr; i++) {
    float* ci = c + i * ldc;
    for (int v = 0; v < NV; v++) {
      const __mmask16 m = v == NV - 1 ? lastMask : static_cast<__mmask16>(0xffff);
      __m512 r = _mm512_load_ps(&tile[i][v * 16]);
      if (accumulate) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(m, ci + v * 16));
      if (last && ep.sgd) {
        r = _mm512_fnmadd_ps(_mm512_set1_ps(ep.sgdRate), r, _mm512_maskz_loadu_ps(m, ci + v * 16));
      } else if (last) {
        if (ep.bias) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(m, ep.bias + j0 + v * 16));
        if (ep.act) r = act512(ep.act, r, ep.alpha);
      }
      _mm512_mask_storeu_ps(ci + v * 16, m, r);
    }
  }
}

void microKernel(long kc, const float* a, const float* b, long ldb, float* c, long ldc, long mr, long w,
                 bool accumulate, bool last, const Epilogue& ep, long j0) {
  const long nv = (w + 15) / 16;
  if (nv == 3) kernel<3>(kc, a, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else if (nv == 2) kernel<2>(kc, a, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
  else kernel<1>(kc, a, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0);
}

/** The micro-kernel reading A in place: A(i, p) = a[i * ars + p * aps] for the panel's rows. */
void microKernelDirectA(long kc, const float* a, long ars, long aps, const float* b, long ldb, float* c, long ldc,
                        long mr, long w, bool accumulate, bool last, const Epilogue& ep, long j0) {
  const long nv = (w + 15) / 16;
  if (nv == 3) kernel<3, true>(kc, a, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0, ars, aps);
  else if (nv == 2) kernel<2, true>(kc, a, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0, ars, aps);
  else kernel<1, true>(kc, a, b, ldb, c, ldc, mr, w, accumulate, last, ep, j0, ars, aps);
}
#define LW_DIRECT_A 1
#else
void microKernel(long kc, const float* a, const float* b, long ldb, float* c, long ldc, long mr, long w,
                 bool accumulate, bool last, const Epilogue& ep, long j0) {
  float acc[MR][NR] = {};
  for (long p = 0; p < kc; p++) {
    for (long i = 0; i < MR; i++)
      for (long j = 0; j < NR; j++) acc[i][j] += a[i] * (j < w ? b[j] : 0.f);
    a += MR;
    b += ldb;
  }
  for (long i = 0; i < mr; i++) {
    float* ci = c + i * ldc;
    for (long j = 0; j < w; j++) {
      float r = acc[i][j] + (accumulate ? ci[j] : 0.f);
      if (last && ep.sgd) {
        r = ci[j] - ep.sgdRate * r;
      } else if (last) {
        if (ep.bias) r += ep.bias[j0 + j];
        if (ep.act) r = actScalar(ep.act, r, ep.alpha);
      }
      ci[j] = r;
    }
  }
}
#endif

/** Serial GEMM over the block [m0,m1) x [n0,n1) of C. */
void gemmBlock(long m0, long m1, long n0, long n1, long K, const float* A, long rsa, long csa, const float* B,
               long rsb, long csb, float* C, long ldc, const Epilogue& ep) {
  const long mTotal = m1 - m0;
  const bool direct = csb == 1 && mTotal <= SMALL_M;
#if defined(LW_DIRECT_A)
  // The AVX-512 kernel reads A in place (its 8 rows of kc floats stay in L1 across the column panels): packing it
  // cost more than it saved. Short products first (32x784x300 ~140 -> ~185 GFLOP/s, W3 training +28%), then every
  // shape, in paired A/B runs: 1024x784x300 +10-15%, 1024x300x100 +18%, 4096x64x64 +21%, 1000^3 +4%, 2048^3 +0-3%,
  // transposed A (weight gradients) +0-4%.
  const bool directA = true;
#else
  const bool directA = false;
#endif
  // K up to ONE_BLOCK_K runs as one block, so C is written once (1024x784x300 +4%, 32x784x300 +2%, paired A/B);
  // longer K keeps KC-deep blocks (2048^3 measured best at 512).
  const long kcMax = K <= ONE_BLOCK_K ? K : KC;
  float* bufA = directA ? nullptr : tlsA.get(std::min(MC, ((mTotal + MR - 1) / MR) * MR) * kcMax);
  float* bufB = direct ? nullptr : tlsB.get(kcMax * (NC + 16));
  for (long pc = 0; pc < K; pc += kcMax) {
    const long kc = std::min(kcMax, K - pc);
    const bool accumulate = pc > 0;
    const bool last = pc + kc == K;
    for (long jc = n0; jc < n1; jc += NC) {
      const long nc = std::min(NC, n1 - jc);
      if (!direct) packB(B, rsb, csb, pc, kc, jc, nc, bufB);
      for (long ic = m0; ic < m1; ic += MC) {
        const long mc = std::min(MC, m1 - ic);
        if (!directA) packA(A, rsa, csa, ic, mc, pc, kc, bufA);
        for (long ir = 0; ir < mc; ir += MR) {
          const long mr = std::min(MR, mc - ir);
          for (long jr = 0; jr < nc; jr += NR) {
            const long w = std::min(NR, nc - jr);
            const float* bp = direct ? B + pc * rsb + jc + jr : bufB + jr * kc;
            const long ldb = direct ? rsb : roundUp16(w);
            float* ct = C + (ic + ir) * ldc + jc + jr;
#if defined(LW_DIRECT_A)
            if (directA) {
              microKernelDirectA(kc, A + (ic + ir) * rsa + pc * csa, rsa, csa, bp, ldb, ct, ldc, mr, w, accumulate, last,
                                 ep, jc + jr);
              continue;
            }
#endif
            microKernel(kc, bufA + ir * kc, bp, ldb, ct, ldc, mr, w, accumulate, last, ep, jc + jr);
          }
        }
      }
    }
  }
}

}  // namespace

void sgemm(long M, long N, long K, const float* A, long rsa, long csa, const float* B, long rsb, long csb, float* C,
           long ldc, const Epilogue& ep) {
  if (M <= 0 || N <= 0) return;
  if (ep.sgd && (K <= 0 || K > ONE_BLOCK_K)) {
    // In place needs the whole K sum in registers; otherwise form the product, then step (K <= 0: zero step).
    if (K <= 0) return;
    float* t = tlsSgd.get(M * N);
    sgemm(M, N, K, A, rsa, csa, B, rsb, csb, t, N, Epilogue{});
    const float rate = ep.sgdRate;
    for (long i = 0; i < M; i++)
      for (long j = 0; j < N; j++) C[i * ldc + j] -= rate * t[i * N + j];
    return;
  }
  if (K <= 0) {
    for (long i = 0; i < M; i++) {
      float* ci = C + i * ldc;
      for (long j = 0; j < N; j++) ci[j] = ep.bias ? ep.bias[j] : 0.f;
      activateArray(ep.act, ep.alpha, ci, ci, N);
    }
    return;
  }
  ThreadPool& pool = ThreadPool::get();
  const long nth = pool.size();
  const double flops = 2.0 * M * N * K;
  const long nvec = (N + 15) / 16;
  if (nth == 1 || flops < 4.0e5) {
    gemmBlock(0, M, 0, N, K, A, rsa, csa, B, rsb, csb, C, ldc, ep);
    return;
  }
  if (M <= SMALL_M || (nvec >= 2 * nth && N > M)) {
    // Split the columns into chunks of whole 16-wide vectors: one per thread, or finer (>= 3 vectors each) for
    // short-M products whose A panel is cheap to repack, so a preempted thread delays less work.
    const long tasks = M <= SMALL_M ? std::max(std::min(nvec / 3, 4 * nth), std::min(nth, nvec)) : std::min(nth, nvec);
    pool.run(static_cast<int>(tasks), [&](int t) {
      const long v0 = nvec * t / tasks, v1 = nvec * (t + 1) / tasks;
      const long n0 = v0 * 16, n1 = std::min(N, v1 * 16);
      if (n0 < n1) gemmBlock(0, M, n0, n1, K, A, rsa, csa, B, rsb, csb, C, ldc, ep);
    });
  } else {
    const long panels = (M + MR - 1) / MR;
    pool.run(static_cast<int>(nth), [&](int t) {
      const long r0 = panels * t / nth * MR, r1 = std::min(M, panels * (t + 1) / nth * MR);
      if (r0 < r1) gemmBlock(r0, r1, 0, N, K, A, rsa, csa, B, rsb, csb, C, ldc, ep);
    });
  }
}

}  // namespace lw
