// C ABI of the WebAssembly backend: plain pointers into the wasm heap and numbers, no checks (src/backend/wasm_addon.ts
// validates and copies operands before it calls these). The kernels are the native backend's own sources.
#include <emscripten/emscripten.h>

#include <algorithm>

#include "../gemm.h"
#include "../isa.h"
#include "../kernels.h"
#include "../threadpool.h"

#define LW_EXPORT extern "C" EMSCRIPTEN_KEEPALIVE

LW_EXPORT void lw_gemm(const float* a, const float* b, float* c, long m, long n, long k, int ta, int tb, const float* bias,
                       int act, float alpha) {
  lw::Epilogue ep;
  ep.bias = bias;
  ep.act = act;
  ep.alpha = alpha;
  const long rsa = ta ? 1 : k, csa = ta ? m : 1;
  const long rsb = tb ? 1 : n, csb = tb ? k : 1;
#ifdef __EMSCRIPTEN_PTHREADS__
  // Tall products (predict at batch 1024) in row blocks, TASKS_PER_THREAD per thread rather than sgemm's one per
  // thread: a pthread worker the host preempts (a busy machine, a page's other threads) then holds up one small block
  // and the caller takes the rest, instead of idling while the worker's half waits for a time slice. A block runs
  // serially (a job's tasks never start another job); sgemm may read B in place for its <= 64-row pieces, which costs
  // nothing here (1 thread, CPU time: 64x784x300 26.8 vs 1024x784x300 24.7 GFLOP/s). Measured at load 11 on the
  // 2-core Xeon, 1024x784x300: the caller idled 8.1 ms a call waiting for the worker with the 2-task split, 4.1 ms
  // with this one (1024x100x100: 0.73 -> 0.58 ms).
  constexpr long GEMM_ROWS = 128;
  lw::ThreadPool& pool = lw::ThreadPool::get();
  const long nth = pool.size();
  if (nth > 1 && m >= 2 * GEMM_ROWS && 2.0 * m * n * k >= 4.0e6) {
    const long mr = lw::isa().gemm.mr;
    const long panels = (m + mr - 1) / mr;
    const long tasks = std::min(nth * lw::TASKS_PER_THREAD, std::max(nth, m / GEMM_ROWS));
    pool.run(static_cast<int>(tasks), [&](int t) {
      const long r0 = panels * t / tasks * mr, r1 = std::min(m, panels * (t + 1) / tasks * mr);
      if (r0 < r1) lw::sgemm(r1 - r0, n, k, a + r0 * rsa, rsa, csa, b, rsb, csb, c + r0 * n, n, ep);
    });
    return;
  }
#endif
  lw::sgemm(m, n, k, a, rsa, csa, b, rsb, csb, c, n, ep);
}

LW_EXPORT void lw_unary(int op, const float* x, float* y, long n, float alpha) { lw::unary(op, x, y, n, alpha); }

LW_EXPORT void lw_activation_grad(int act, const float* x, const float* y, const float* dy, float* out, long n, float alpha) {
  lw::activationGrad(act, x, y, dy, out, n, alpha);
}

/** dims: [shape..., strides of a..., strides of b...] as int32, rank >= 1. */
LW_EXPORT void lw_binary(int op, const float* a, const float* b, float* out, const long* dims, int rank) {
  lw::binary(op, a, b, out, dims, dims + rank, dims + 2 * rank, rank);
}

LW_EXPORT void lw_reduce(int op, const float* x, float* out, long outer, long r, long inner) {
  lw::reduce3(op, x, out, outer, r, inner);
}

LW_EXPORT void lw_softmax(const float* x, float* out, long rows, long n, int log) { lw::softmaxRows(x, out, rows, n, log != 0); }

LW_EXPORT void lw_softmax_grad(const float* y, const float* dy, float* dx, long rows, long n) {
  lw::softmaxGradRows(y, dy, dx, rows, n);
}

LW_EXPORT void lw_dense_grad(int act, float alpha, const float* x, const float* w, const float* y, const float* dy, float* dx,
                             float* dw, float* db, long m, long k, long n) {
  lw::denseGrad(act, alpha, x, w, y, dy, dx, dw, db, m, k, n);
}

LW_EXPORT void lw_dense_grad_sgd(int act, float alpha, const float* x, float* w, const float* y, const float* dy, float* dx,
                                 float* bias, float rate, long m, long k, long n) {
  lw::denseGradSgd(act, alpha, x, w, y, dy, dx, bias, rate, m, k, n);
}

LW_EXPORT void lw_batchnorm_forward(const float* x, const float* gamma, const float* beta, float epsilon, long rows, long c,
                                    float* y, float* mean, float* variance, float* rstd) {
  lw::batchNormForward(x, gamma, beta, epsilon, rows, c, y, mean, variance, rstd);
}

LW_EXPORT void lw_batchnorm_backward(const float* x, const float* dy, const float* mean, const float* rstd, const float* gamma,
                                     long rows, long c, float* dx, float* dgamma, float* dbeta) {
  lw::batchNormBackward(x, dy, mean, rstd, gamma, rows, c, dx, dgamma, dbeta);
}

LW_EXPORT void lw_scale_shift(const float* x, const float* scale, const float* shift, long rows, long c, float* y) {
  lw::scaleShift(x, scale, shift, rows, c, y);
}

LW_EXPORT void lw_moving_average(float* target, const float* value, long n, double momentum) {
  lw::movingAverage(target, value, n, momentum);
}

/**
 * params: count records of 6 words [w, g, slot0, slot1, slot2, slot3] (pointers) and lengths[count];
 * hyper: [lr, momentum, beta1, beta2, epsilon, rho, weightDecay, iteration]; flags: nesterov 1, amsgrad 2, centered 4.
 */
LW_EXPORT void lw_optimizer(int kind, float* const* params, const long* lengths, long count, int nslots, const double* hyper,
                            int flags) {
  lw::OptHyper h;
  h.lr = static_cast<float>(hyper[0]);
  h.momentum = static_cast<float>(hyper[1]);
  h.beta1 = static_cast<float>(hyper[2]);
  h.beta2 = static_cast<float>(hyper[3]);
  h.epsilon = static_cast<float>(hyper[4]);
  h.rho = static_cast<float>(hyper[5]);
  h.weightDecay = static_cast<float>(hyper[6]);
  h.iteration = hyper[7];
  h.uProduct = hyper[8];
  h.nesterov = flags & 1;
  h.amsgrad = flags & 2;
  h.centered = flags & 4;
  constexpr long MAX = 256;
  lw::OptParam ps[MAX];
  for (long base = 0; base < count; base += MAX) {
    const long np = count - base < MAX ? count - base : MAX;
    for (long p = 0; p < np; p++) {
      float* const* r = params + 6 * (base + p);
      ps[p] = lw::OptParam{r[0], r[1], {r[2], r[3], r[4], r[5]}, lengths[base + p]};
    }
    lw::optimizerStepAll(kind, ps, np, nslots, h);
  }
}

LW_EXPORT int lw_num_threads() { return lw::ThreadPool::get().size(); }

/** The active instruction-set table's name (a NUL-terminated string in the heap). */
LW_EXPORT const char* lw_isa() { return lw::isa().name; }
