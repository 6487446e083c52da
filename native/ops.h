// Operation codes and constants shared by the N-API boundary, the drivers and every ISA's kernels (no code).
#pragma once

namespace lw {

enum Act : int { ACT_LINEAR = 0, ACT_RELU, ACT_RELU6, ACT_LEAKY, ACT_ELU, ACT_SELU, ACT_SIGMOID, ACT_TANH, ACT_SOFTPLUS };
enum UnaryKind : int {
  U_NEG = 100, U_EXP, U_EXPM1, U_LOG, U_LOG1P, U_SQRT, U_RSQRT, U_ABS, U_SQUARE, U_RECIPROCAL, U_SIN, U_COS,
  U_FLOOR, U_CEIL, U_SIGN
};
enum BinaryKind : int { B_ADD = 0, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_POW };
enum ReduceKind : int { R_SUM = 0, R_MAX, R_MIN };
enum OptKind : int { O_SGD = 0, O_ADAM, O_RMSPROP, O_NADAM };

constexpr float SELU_ALPHA = 1.6732632423543772f;
constexpr float SELU_SCALE = 1.0507009873554805f;

/**
 * Applied to C once the full K sum is done: C = act(C + bias) (bias may be null). With sgd set, C is instead a
 * weight stepped in place by plain SGD on the product: C -= sgdRate * (A B), one rounding per element as the
 * optimizer's update (bias and act are then ignored).
 */
struct Epilogue {
  const float* bias = nullptr;
  int act = 0;
  float alpha = 0.f;
  bool sgd = false;
  float sgdRate = 0.f;
};

struct OptHyper {
  float lr = 0, momentum = 0, beta1 = 0, beta2 = 0, epsilon = 0, rho = 0, weightDecay = 0;
  double iteration = 1;
  /** Nadam: the momentum-schedule product u_1 * ... * u_t (already including this step's u_t). */
  double uProduct = 1;
  bool nesterov = false, amsgrad = false, centered = false;
};

}  // namespace lw
