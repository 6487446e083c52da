// Drivers of the fused training-mode batch normalization over the rows of x [rows, c] (channels last), forward and
// backward, and of scaleShift: the columns (rows) split over the thread pool, the arithmetic in the ISA table.
#include <algorithm>

#include "isa.h"
#include "kernels.h"
#include "threadpool.h"

namespace lw {
namespace {

/** Runs fn(j0, j1) over column ranges (whole 16-column groups per thread) when rows * c is large. */
template <typename F>
void overColumns(long rows, long c, F fn) {
  ThreadPool& pool = ThreadPool::get();
  const long nth = pool.size();
  const long groups = (c + 15) / 16;
  if (nth == 1 || rows * c < 65536 || groups < 2) {
    fn(0L, c);
    return;
  }
  const long tasks = std::min(nth * TASKS_PER_THREAD, groups);
  pool.run(static_cast<int>(tasks), [&](int t) {
    const long j0 = std::min(c, groups * t / tasks * 16), j1 = std::min(c, groups * (t + 1) / tasks * 16);
    if (j0 < j1) fn(j0, j1);
  });
}

}  // namespace

void batchNormForward(const float* x, const float* gamma, const float* beta, float epsilon, long rows, long c,
                      float* y, float* mean, float* variance, float* rstd) {
  const IsaKernels& k = isa();
  overColumns(rows, c, [&](long j0, long j1) {
    k.bnForward(x, gamma, beta, epsilon, rows, c, j0, j1, y, mean, variance, rstd);
  });
}

void batchNormBackward(const float* x, const float* dy, const float* mean, const float* rstd, const float* gamma,
                       long rows, long c, float* dx, float* dgamma, float* dbeta) {
  const IsaKernels& k = isa();
  overColumns(rows, c, [&](long j0, long j1) { k.bnBackward(x, dy, mean, rstd, gamma, rows, c, j0, j1, dx, dgamma, dbeta); });
}

void scaleShift(const float* x, const float* scale, const float* shift, long rows, long c, float* y) {
  const IsaKernels& k = isa();
  ThreadPool& pool = ThreadPool::get();
  const long nth = pool.size();
  if (nth == 1 || rows * c < 65536 || rows < 2) {
    k.scaleShift(x, scale, shift, 0, rows, c, y);
    return;
  }
  const long tasks = std::min(nth * TASKS_PER_THREAD, rows);
  pool.run(static_cast<int>(tasks), [&](int t) { k.scaleShift(x, scale, shift, rows * t / tasks, rows * (t + 1) / tasks, c, y); });
}

// NOTE: no FMA contraction here: each product is rounded before the sum, as Keras' separate float32 ops do.
#if defined(__clang__)
#define LW_NO_CONTRACT
#else
#define LW_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#endif
LW_NO_CONTRACT void movingAverage(float* target, const float* value, long n, double momentum) {
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
  // Keras: (1 - momentum) is computed in double, then both factors meet the float32 tensors.
  const float keep = static_cast<float>(momentum), take = static_cast<float>(1.0 - momentum);
  for (long i = 0; i < n; i++) {
    const float a = target[i] * keep, b = value[i] * take;
    target[i] = a + b;
  }
}

}  // namespace lw
