// The weight gradient of a dense product, dW [k, n] = x^T dz (x [m, k], dz [m, n]), shared by the dense and conv
// backward passes: a long reduction into a narrow dW (conv: m = batch x pixels, n = filters) runs as (dz^T x)^T.
#include "weight_grad.h"

#include "gemm.h"
#include "isa.h"
#include "scratch.h"

namespace lw {
namespace {

thread_local Scratch tlsT;  // dz^T x, [n, k]
thread_local Scratch tlsG;  // its transpose before an SGD step

/**
 * With n <= 64 the product dz^T x takes the GEMM's short-M path: x's rows are read in place as B (contiguous, no
 * packing) and its columns split over the threads, where x^T dz packs dz on every thread and reads x transposed.
 * Paired A/B in one process (Intel Xeon AVX-512, 2 threads, load 19-25): the product 6272 x 288 x 64 (W4's conv2)
 * 1.8x (21 rounds); its whole fused backward (dz, dx, dW, db) 1.11x (31 rounds), 1.13x on one thread.
 * k >= 64 keeps at least two column tasks; m > 1024 leaves short reductions (dense layers' batches) as they were.
 */
bool transposedPays(long m, long k, long n) { return m > 1024 && n <= 64 && k >= 64; }

/** g[i * n + j] = t[j * k + i]. */
void transposeInto(const float* t, float* g, long k, long n) {
  for (long i0 = 0; i0 < k; i0 += 32)
    for (long j = 0; j < n; j++)
      for (long i = i0; i < i0 + 32 && i < k; i++) g[i * n + j] = t[j * k + i];
}

}  // namespace

void weightGrad(const float* x, const float* dz, float* dw, long m, long k, long n, bool sgd, float rate) {
  if (!transposedPays(m, k, n)) {
    Epilogue ep;
    ep.sgd = sgd;
    ep.sgdRate = rate;
    sgemm(k, n, m, x, 1, k, dz, n, 1, dw, n, ep);
    return;
  }
  float* t = tlsT.get(n * k);
  sgemm(n, k, m, dz, 1, n, x, k, 1, t, k, Epilogue{});
  if (!sgd) {
    transposeInto(t, dw, k, n);
    return;
  }
  // The product, then the same SGD step as the optimizer (sgemm's unfused SGD path does the same for long K).
  float* g = tlsG.get(k * n);
  transposeInto(t, g, k, n);
  isa().sgdStep(dw, g, rate, k * n);
}

}  // namespace lw
