// The weight gradient of a dense product (dense and conv backward): dW = x^T dz, or an SGD step with it.
#pragma once

namespace lw {

/** dw [k, n] = x^T dz for x [m, k], dz [m, n]; with sgd, dw -= rate * x^T dz instead (dw holds the weights). */
void weightGrad(const float* x, const float* dz, float* dw, long m, long k, long n, bool sgd, float rate);

}  // namespace lw
