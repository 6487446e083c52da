// The ISA-neutral drivers of the float32 kernels besides GEMM: threading and strides around the chunk kernels of
// the active ISA table (isa.h): elementwise, broadcasting binary, reductions, softmax, batch norm, optimizers.
#pragma once
#include "ops.h"

namespace lw {

/** y = f(x) for an activation (Act codes in ops.h) or a UnaryKind. */
void unary(int op, const float* x, float* y, long n, float alpha);
/** out = dy * f'(x) with y = f(x). */
void activationGrad(int act, const float* x, const float* y, const float* dy, float* out, long n, float alpha);
/** out[outShape] = a op b with broadcast strides (elements) sa, sb over `rank` dimensions. */
void binary(int op, const float* a, const float* b, float* out, const long* shape, const long* sa, const long* sb,
            int rank);
/** x viewed as [outer, r, inner]: out[o, i] = reduce over r. */
void reduce3(int op, const float* x, float* out, long outer, long r, long inner);
/** Softmax / log-softmax over the last axis of x viewed as [rows, n]. */
void softmaxRows(const float* x, float* out, long rows, long n, bool log);

/** Softmax's vjp from its output, rows of n: dx = y * (dy - sum(dy * y)), products rounded, the sum in double. */
void softmaxGradRows(const float* y, const float* dy, float* dx, long rows, long n);


/** Training batch norm of x [rows, c] over its rows: y and per-column mean, biased variance, 1/sqrt(var + eps). */
void batchNormForward(const float* x, const float* gamma, const float* beta, float epsilon, long rows, long c,
                      float* y, float* mean, float* variance, float* rstd);
/** Its backward (gradients through the batch statistics); null outputs are skipped. */
void batchNormBackward(const float* x, const float* dy, const float* mean, const float* rstd, const float* gamma,
                       long rows, long c, float* dx, float* dgamma, float* dbeta);

/** y[i, j] = x[i, j] * scale[j] + shift[j] for x [rows, c] (inference batch norm, layer norm). */
void scaleShift(const float* x, const float* scale, const float* shift, long rows, long c, float* y);

/** In place: target = target * momentum + value * (1 - momentum) (Keras' moving statistics). */
void movingAverage(float* target, const float* value, long n, double momentum);

/** One parameter of an optimizer call: weights, gradient, up to 4 slots, length. */
struct OptParam {
  float* w;
  const float* g;
  float* slots[4];
  long n;
};
/** Updates every parameter in one call, the combined element range split over the thread pool. */
void optimizerStepAll(int kind, const OptParam* params, long count, int nslots, const OptHyper& h);

}  // namespace lw
