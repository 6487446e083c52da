// SIMD helpers: a vectorized expf and the activation functions shared by GEMM epilogues and unary kernels.
#pragma once
#include <cmath>
#include <cstdint>
#if defined(__AVX512F__)
#include <immintrin.h>
#define LW_AVX512 1
// NOTE: GCC 12 flags _mm512_undefined_ps() inside its own intrinsics (masked loads, shuffles) as uninitialized.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace lw {

enum Act : int { ACT_LINEAR = 0, ACT_RELU, ACT_RELU6, ACT_LEAKY, ACT_ELU, ACT_SELU, ACT_SIGMOID, ACT_TANH, ACT_SOFTPLUS };

constexpr float SELU_ALPHA = 1.6732632423543772f;
constexpr float SELU_SCALE = 1.0507009873554805f;

inline float actScalar(int act, float x, float alpha) {
  switch (act) {
    case ACT_RELU: return x > 0.f ? x : 0.f;
    case ACT_RELU6: return x > 0.f ? (x < 6.f ? x : 6.f) : 0.f;
    case ACT_LEAKY: return x >= 0.f ? x : alpha * x;
    case ACT_ELU: return x > 0.f ? x : alpha * std::expm1(x);
    case ACT_SELU: return x > 0.f ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * std::expm1(x);
    case ACT_SIGMOID: return x >= 0.f ? 1.f / (1.f + std::exp(-x)) : std::exp(x) / (1.f + std::exp(x));
    case ACT_TANH: return std::tanh(x);
    case ACT_SOFTPLUS: return std::fmax(x, 0.f) + std::log1p(std::exp(-std::fabs(x)));
    default: return x;
  }
}

/** f'(x) * dy with f'(x) written with x and y = f(x) (PyTorch kink conventions, as the reference). */
inline float actGradScalar(int act, float x, float y, float dy, float alpha) {
  switch (act) {
    case ACT_RELU: return x > 0.f ? dy : 0.f;
    case ACT_RELU6: return (x > 0.f && x < 6.f) ? dy : 0.f;
    case ACT_LEAKY: return x > 0.f ? dy : alpha * dy;
    case ACT_ELU: return x > 0.f ? dy : dy * (y + alpha);
    case ACT_SELU: return x > 0.f ? dy * SELU_SCALE : dy * (y + SELU_SCALE * SELU_ALPHA);
    case ACT_SIGMOID: return dy * y * (1.f - y);
    case ACT_TANH: return dy * (1.f - y * y);
    case ACT_SOFTPLUS: return dy * (x >= 0.f ? 1.f / (1.f + std::exp(-x)) : std::exp(x) / (1.f + std::exp(x)));
    default: return dy;
  }
}

#if LW_AVX512
/** expf on 16 lanes (Cephes polynomial, ~1 ulp), NaN-propagating, overflow to inf, underflow to 0. */
inline __m512 exp512(__m512 x) {
  x = _mm512_max_ps(_mm512_set1_ps(-110.f), x);  // NOTE: NaN in the second operand propagates
  x = _mm512_min_ps(_mm512_set1_ps(100.f), x);
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500E-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507E-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073E-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894E-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459E-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201E-1f));
  const __m512 r2 = _mm512_mul_ps(r, r);
  const __m512 y = _mm512_add_ps(_mm512_fmadd_ps(p, r2, r), _mm512_set1_ps(1.f));
  return _mm512_scalef_ps(y, n);
}

/** expm1 on 16 lanes: exp(x) - 1, with a Taylor series near 0 to keep relative accuracy. */
inline __m512 expm1512(__m512 x) {
  const __m512 e = _mm512_sub_ps(exp512(x), _mm512_set1_ps(1.f));
  // |x| < 1/32: x + x^2/2 + x^3/6 + x^4/24
  __m512 t = _mm512_fmadd_ps(x, _mm512_set1_ps(1.f / 24.f), _mm512_set1_ps(1.f / 6.f));
  t = _mm512_fmadd_ps(t, x, _mm512_set1_ps(0.5f));
  t = _mm512_fmadd_ps(_mm512_mul_ps(t, x), x, x);
  const __mmask16 small = _mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(0.03125f), _CMP_LT_OQ);
  return _mm512_mask_blend_ps(small, e, t);
}

inline __m512 act512(int act, __m512 x, float alpha) {
  const __m512 zero = _mm512_setzero_ps();
  switch (act) {
    case ACT_RELU: return _mm512_max_ps(x, zero);
    case ACT_RELU6: return _mm512_min_ps(_mm512_max_ps(x, zero), _mm512_set1_ps(6.f));
    case ACT_LEAKY: {
      const __mmask16 neg = _mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ);
      return _mm512_mask_mul_ps(x, neg, x, _mm512_set1_ps(alpha));
    }
    case ACT_ELU: {
      const __mmask16 neg = _mm512_cmp_ps_mask(x, zero, _CMP_LE_OQ);
      return _mm512_mask_mul_ps(x, neg, expm1512(_mm512_min_ps(x, zero)), _mm512_set1_ps(alpha));
    }
    case ACT_SELU: {
      const __mmask16 neg = _mm512_cmp_ps_mask(x, zero, _CMP_LE_OQ);
      const __m512 e = _mm512_mul_ps(expm1512(_mm512_min_ps(x, zero)), _mm512_set1_ps(SELU_ALPHA));
      return _mm512_mul_ps(_mm512_mask_blend_ps(neg, x, e), _mm512_set1_ps(SELU_SCALE));
    }
    case ACT_SIGMOID: {
      const __m512 e = exp512(_mm512_sub_ps(zero, x));
      return _mm512_div_ps(_mm512_set1_ps(1.f), _mm512_add_ps(_mm512_set1_ps(1.f), e));
    }
    case ACT_TANH: {
      // tanh(x) = sign(x) (1 - t) / (1 + t), t = exp(-2|x|); odd polynomial near 0 for accuracy.
      const __m512 ax = _mm512_abs_ps(x);
      const __m512 t = exp512(_mm512_mul_ps(ax, _mm512_set1_ps(-2.f)));
      __m512 big = _mm512_div_ps(_mm512_sub_ps(_mm512_set1_ps(1.f), t), _mm512_add_ps(_mm512_set1_ps(1.f), t));
      const __m512 x2 = _mm512_mul_ps(x, x);
      __m512 p = _mm512_fmadd_ps(x2, _mm512_set1_ps(-17.f / 315.f), _mm512_set1_ps(2.f / 15.f));
      p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-1.f / 3.f));
      const __m512 smallv = _mm512_fmadd_ps(_mm512_mul_ps(p, x2), ax, ax);
      const __mmask16 small = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.0625f), _CMP_LT_OQ);
      big = _mm512_mask_blend_ps(small, big, smallv);
      // copy the sign of x (and NaN through)
      const __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(INT32_MIN));
      return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(big), sign));
    }
    default: return x;
  }
}

inline __mmask16 tailMask(long n) { return n >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << n) - 1u); }
#endif

/** y[i] = act(x[i]) (x may alias y). */
inline void activateArray(int act, float alpha, const float* x, float* y, long n) {
  if (act == ACT_LINEAR) {
    if (x != y) for (long i = 0; i < n; i++) y[i] = x[i];
    return;
  }
#if LW_AVX512
  if (act != ACT_SOFTPLUS) {
    long i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, act512(act, _mm512_loadu_ps(x + i), alpha));
    if (i < n) {
      const __mmask16 m = tailMask(n - i);
      _mm512_mask_storeu_ps(y + i, m, act512(act, _mm512_maskz_loadu_ps(m, x + i), alpha));
    }
    return;
  }
#endif
  for (long i = 0; i < n; i++) y[i] = actScalar(act, x[i], alpha);
}

}  // namespace lw
