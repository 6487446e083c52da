// Fused training-mode batch normalization over the rows of x [rows, c] (channels last): forward and backward,
// the columns split over the thread pool when large enough.
#include <algorithm>
#include <cmath>

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
  const float n = static_cast<float>(rows);
  overColumns(rows, c, [&](long j0, long j1) {
    for (long j = j0; j < j1; j++) mean[j] = variance[j] = 0.f;
    for (long i = 0; i < rows; i++) {
      const float* xi = x + i * c;
      for (long j = j0; j < j1; j++) mean[j] += xi[j];
    }
    for (long j = j0; j < j1; j++) mean[j] /= n;
    for (long i = 0; i < rows; i++) {
      const float* xi = x + i * c;
      for (long j = j0; j < j1; j++) {
        const float d = xi[j] - mean[j];
        variance[j] += d * d;
      }
    }
    // y = x * inv + (beta - mean * inv) with inv = gamma / sqrt(var + eps), as Keras' batch_normalization.
    alignas(64) float inv[64], res[64];
    for (long jb = j0; jb < j1; jb += 64) {
      const long je = std::min(j1, jb + 64);
      for (long j = jb; j < je; j++) {
        variance[j] /= n;
        rstd[j] = 1.f / std::sqrt(variance[j] + epsilon);
        inv[j - jb] = gamma ? gamma[j] * rstd[j] : rstd[j];
        res[j - jb] = (beta ? beta[j] : 0.f) - mean[j] * inv[j - jb];
      }
      for (long i = 0; i < rows; i++) {
        const float* xi = x + i * c;
        float* yi = y + i * c;
        for (long j = jb; j < je; j++) yi[j] = xi[j] * inv[j - jb] + res[j - jb];
      }
    }
  });
}

void batchNormBackward(const float* x, const float* dy, const float* mean, const float* rstd, const float* gamma,
                       long rows, long c, float* dx, float* dgamma, float* dbeta) {
  const float n = static_cast<float>(rows);
  overColumns(rows, c, [&](long j0, long j1) {
    alignas(64) float sdy[64], sdyx[64];
    for (long jb = j0; jb < j1; jb += 64) {
      const long je = std::min(j1, jb + 64);
      for (long j = jb; j < je; j++) sdy[j - jb] = sdyx[j - jb] = 0.f;
      for (long i = 0; i < rows; i++) {
        const float* xi = x + i * c;
        const float* gi = dy + i * c;
        for (long j = jb; j < je; j++) {
          sdy[j - jb] += gi[j];
          sdyx[j - jb] += gi[j] * ((xi[j] - mean[j]) * rstd[j]);
        }
      }
      for (long j = jb; j < je; j++) {
        if (dbeta) dbeta[j] = sdy[j - jb];
        if (dgamma) dgamma[j] = sdyx[j - jb];
      }
      if (!dx) continue;
      // dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat))
      for (long i = 0; i < rows; i++) {
        const float* xi = x + i * c;
        const float* gi = dy + i * c;
        float* di = dx + i * c;
        for (long j = jb; j < je; j++) {
          const float xhat = (xi[j] - mean[j]) * rstd[j];
          const float scale = gamma ? gamma[j] * rstd[j] : rstd[j];
          di[j] = (gi[j] - sdy[j - jb] / n - xhat * (sdyx[j - jb] / n)) * scale;
        }
      }
    }
  });
}

void scaleShift(const float* x, const float* scale, const float* shift, long rows, long c, float* y) {
  auto work = [&](long r0, long r1) {
    for (long i = r0; i < r1; i++) {
      const float* xi = x + i * c;
      float* yi = y + i * c;
      for (long j = 0; j < c; j++) yi[j] = xi[j] * scale[j] + shift[j];
    }
  };
  ThreadPool& pool = ThreadPool::get();
  const long nth = pool.size();
  if (nth == 1 || rows * c < 65536 || rows < 2) {
    work(0, rows);
    return;
  }
  const long tasks = std::min(nth * TASKS_PER_THREAD, rows);
  pool.run(static_cast<int>(tasks), [&](int t) { work(rows * t / tasks, rows * (t + 1) / tasks); });
}

// NOTE: no FMA contraction here: each product is rounded before the sum, as Keras' separate float32 ops do.
__attribute__((optimize("fp-contract=off"))) void movingAverage(float* target, const float* value, long n, double momentum) {
  // Keras: (1 - momentum) is computed in double, then both factors meet the float32 tensors.
  const float keep = static_cast<float>(momentum), take = static_cast<float>(1.0 - momentum);
  for (long i = 0; i < n; i++) {
    const float a = target[i] * keep, b = value[i] * take;
    target[i] = a + b;
  }
}

}  // namespace lw
