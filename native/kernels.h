// Vectorized float32 kernels besides GEMM: elementwise, broadcasting binary, reductions, softmax, optimizers.
#pragma once

namespace lw {

enum UnaryKind : int {
  U_NEG = 100, U_EXP, U_EXPM1, U_LOG, U_LOG1P, U_SQRT, U_RSQRT, U_ABS, U_SQUARE, U_RECIPROCAL, U_SIN, U_COS,
  U_FLOOR, U_CEIL, U_SIGN
};
enum BinaryKind : int { B_ADD = 0, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_POW };
enum ReduceKind : int { R_SUM = 0, R_MAX, R_MIN };
enum OptKind : int { O_SGD = 0, O_ADAM, O_RMSPROP };

/** y = f(x) for an activation (Act codes in simd.h) or a UnaryKind. */
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

struct OptHyper {
  float lr = 0, momentum = 0, beta1 = 0, beta2 = 0, epsilon = 0, rho = 0, weightDecay = 0;
  double iteration = 1;
  bool nesterov = false, amsgrad = false, centered = false;
};
/** One parameter's in-place update; slots as in src/backend/reference/optimizer.ts. */
void optimizerStep(int kind, float* w, const float* g, float* const* slots, int nslots, long n, const OptHyper& h);

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
