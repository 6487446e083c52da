// SGEMM driver, the same for every ISA: Goto-style blocking (KC x NC B blocks, MC row blocks), the active ISA's
// micro-kernel reading A in place, B packed into panels (read in place for short-M products with contiguous rows),
// fused bias + activation (or an SGD step) on the last K block, threads over the persistent pool.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "isa.h"
#include "scratch.h"
#include "threadpool.h"

namespace lw {
namespace {

// Measured on the 2-core AVX-512 host (bench/results): KC 512 with a wide NC (B block ~4 MB, L3) lifted 2048^3 from
// ~185 to ~210 GFLOP/s (fewer A repacks per B block, half the C passes) and left the training shapes unchanged.
constexpr long KC = 512;
constexpr long ONE_BLOCK_K = 1024;
constexpr long MC = 256;
constexpr long NC = 2064;    // a multiple of every micro-kernel's NR (48, 16, 8)
constexpr long SMALL_M = 64;  // at or below this, B is read in place when its rows are contiguous

thread_local Scratch tlsB;
thread_local Scratch tlsCt;  // C^T, for short products with a transposed B
thread_local Scratch tlsSgd;  // the product, when an SGD epilogue cannot run in place (K spans several blocks)

inline long roundUp(long w, long to) { return (w + to - 1) / to * to; }

/** Packs B[p0:p0+kc, j0:j0+nc] into NR-column panels of kc x roundUp(w, pad) (zero-padded columns). */
void packB(const GemmKernel& g, const float* B, long rsb, long csb, long p0, long kc, long j0, long nc, float* dst) {
  for (long jr = 0; jr < nc; jr += g.nr) {
    const long w = std::min(g.nr, nc - jr);
    const long wp = roundUp(w, g.pad);
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
        if (g.transpose16 && rsb == 1 && pe - pb == 16)
          for (; j + 16 <= w; j += 16) g.transpose16(B + p0 + pb + (j0 + jr + j) * csb, csb, d + pb * wp + j, wp);
        for (; j < w; j++) {
          const float* s = B + p0 * rsb + (j0 + jr + j) * csb;
          for (long p = pb; p < pe; p++) d[p * wp + j] = s[p * rsb];
        }
        for (long p = pb; p < pe; p++)
          for (long j2 = w; j2 < wp; j2++) d[p * wp + j2] = 0.f;
      }
    }
  }
}

/** Serial GEMM over the block [m0,m1) x [n0,n1) of C. */
void gemmBlock(long m0, long m1, long n0, long n1, long K, const float* A, long rsa, long csa, const float* B,
               long rsb, long csb, float* C, long ldc, const Epilogue& ep) {
  const GemmKernel& g = isa().gemm;
  const bool direct = csb == 1 && m1 - m0 <= SMALL_M;
  // The micro-kernels read A in place (their MR rows of kc floats stay in L1 across the column panels): packing it
  // cost more than it saved on AVX-512 (paired A/B: 32x784x300 ~140 -> ~185 GFLOP/s, 1024x784x300 +10-15%,
  // 1024x300x100 +18%, 2048^3 +0-3%, transposed A +0-4%).
  // K up to ONE_BLOCK_K runs as one block, so C is written once (1024x784x300 +4%, 32x784x300 +2%, paired A/B);
  // longer K keeps KC-deep blocks (2048^3 measured best at 512).
  const long kcMax = K <= ONE_BLOCK_K ? K : KC;
  float* bufB = direct ? nullptr : tlsB.get(kcMax * (NC + 16));
  for (long pc = 0; pc < K; pc += kcMax) {
    const long kc = std::min(kcMax, K - pc);
    const bool accumulate = pc > 0;
    const bool last = pc + kc == K;
    for (long jc = n0; jc < n1; jc += NC) {
      const long nc = std::min(NC, n1 - jc);
      if (!direct) packB(g, B, rsb, csb, pc, kc, jc, nc, bufB);
      for (long ic = m0; ic < m1; ic += MC) {
        const long mc = std::min(MC, m1 - ic);
        auto tile = [&](long ir, long jr) {
          const long mr = std::min(g.mr, mc - ir), w = std::min(g.nr, nc - jr);
          const float* bp = direct ? B + pc * rsb + jc + jr : bufB + jr * kc;
          const long ldb = direct ? rsb : roundUp(w, g.pad);
          g.run(kc, A + (ic + ir) * rsa + pc * csa, rsa, csa, bp, ldb, C + (ic + ir) * ldc + jc + jr, ldc, mr, w,
                accumulate, last, ep, jc + jr);
        };
        // Short K (dense dW, K = the batch): the packed B block is small, so row panels outer write C a row panel at a
        // time (whole lines) instead of 16-column strips: 784x32x300 +3-5% on AVX2 and AVX-512 (paired, 1 thread).
        if (direct || kc <= 64) {
          for (long ir = 0; ir < mc; ir += g.mr)
            for (long jr = 0; jr < nc; jr += g.nr) tile(ir, jr);
        } else {
          // BLIS order on packed B: one B micro-panel (kc x NR, L1/L2) meets every A row panel of the block (L2)
          // instead of each A panel streaming the whole B block from L3. Paired A/B against OpenBLAS in one process
          // (1 thread, busy shared host): 2048^3 0.45-0.53x -> 0.85-0.87x on AVX-512, 0.61-0.71x -> 0.81x on AVX2.
          for (long jr = 0; jr < nc; jr += g.nr)
            for (long ir = 0; ir < mc; ir += g.mr) tile(ir, jr);
        }
      }
    }
  }
}

}  // namespace

void sgemm(long M, long N, long K, const float* A, long rsa, long csa, const float* B, long rsb, long csb, float* C,
           long ldc, const Epilogue& ep) {
  if (M <= 0 || N <= 0) return;
  const IsaKernels& k = isa();
  if (ep.sgd && (K <= 0 || K > ONE_BLOCK_K)) {
    // In place needs the whole K sum in registers; otherwise form the product, then step (K <= 0: zero step).
    if (K <= 0) return;
    float* t = tlsSgd.get(M * N);
    sgemm(M, N, K, A, rsa, csa, B, rsb, csb, t, N, Epilogue{});
    for (long i = 0; i < M; i++) k.sgdStep(C + i * ldc, t + i * N, ep.sgdRate, N);
    return;
  }
  if (K <= 0) {
    for (long i = 0; i < M; i++) {
      float* ci = C + i * ldc;
      for (long j = 0; j < N; j++) ci[j] = ep.bias ? ep.bias[j] : 0.f;
      k.unary(ep.act, ci, ci, N, ep.alpha);
    }
    return;
  }
  if (M <= SMALL_M && rsb == 1 && csb != 1 && N > 2 * M && K >= 256 && !ep.bias && !ep.act && !ep.sgd) {
    // A short product with a transposed B (dense dx = dz W^T) runs as C^T = B^T A^T, then a transpose: B^T is read
    // in place instead of packing all of B, and only A (M x K) is packed. Paired vs OpenBLAS in one process (1 thread,
    // CPU time, Intel Xeon, load 6-7): 32x300x784 AVX2 1.03x -> 1.30x, AVX-512 1.40x -> 1.46x; 32x784x300 AVX2
    // 1.07x -> 1.35x, AVX-512 1.48x -> 1.84x; at K = 100 the transpose of C costs more than it saves (AVX2 -6%).
    float* t = tlsCt.get(N * M);
    sgemm(N, M, K, B, csb, rsb, A, csa, rsa, t, M, ep);
    for (long j0 = 0; j0 < N; j0 += 32)
      for (long i = 0; i < M; i++)
        for (long j = j0; j < j0 + 32 && j < N; j++) C[i * ldc + j] = t[j * M + i];
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
    // Split the columns into chunks of whole 16-wide groups: one per thread, or finer (>= 3 groups each) for
    // short-M products, so a preempted thread delays less work.
    const long tasks = M <= SMALL_M ? std::max(std::min(nvec / 3, 4 * nth), std::min(nth, nvec)) : std::min(nth, nvec);
    pool.run(static_cast<int>(tasks), [&](int t) {
      const long v0 = nvec * t / tasks, v1 = nvec * (t + 1) / tasks;
      const long n0 = v0 * 16, n1 = std::min(N, v1 * 16);
      if (n0 < n1) gemmBlock(0, M, n0, n1, K, A, rsa, csa, B, rsb, csb, C, ldc, ep);
    });
  } else {
    const long mr = k.gemm.mr;
    const long panels = (M + mr - 1) / mr;
    pool.run(static_cast<int>(nth), [&](int t) {
      const long r0 = panels * t / nth * mr, r1 = std::min(M, panels * (t + 1) / nth * mr);
      if (r0 < r1) gemmBlock(r0, r1, 0, N, K, A, rsa, csa, B, rsb, csb, C, ldc, ep);
    });
  }
}

}  // namespace lw
