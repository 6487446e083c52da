// Activations and exp, written once over the ISA's vector helpers (vec.inl) and instantiated per ISA: the same
// range reduction and polynomial on every instruction set. Included inside an ISA's namespace only.

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

/** expf (Cephes polynomial, ~1 ulp), NaN-propagating, overflow to inf, underflow to 0. */
inline vf vexp(vf x) {
  x = vmax(vset1(-110.f), x);  // NOTE: NaN in the second operand propagates
  x = vmin(vset1(100.f), x);
  const vf n = vround(vmul(x, vset1(1.44269504088896341f)));
  vf r = vfnmadd(n, vset1(0.693359375f), x);
  r = vfnmadd(n, vset1(-2.12194440e-4f), r);
  vf p = vset1(1.9875691500E-4f);
  p = vfmadd(p, r, vset1(1.3981999507E-3f));
  p = vfmadd(p, r, vset1(8.3334519073E-3f));
  p = vfmadd(p, r, vset1(4.1665795894E-2f));
  p = vfmadd(p, r, vset1(1.6666665459E-1f));
  p = vfmadd(p, r, vset1(5.0000001201E-1f));
  const vf r2 = vmul(r, r);
  const vf y = vadd(vfmadd(p, r2, r), vset1(1.f));
  return vscale2n(y, n);
}

/** exp(x) - 1, with a Taylor series near 0 to keep relative accuracy. */
inline vf vexpm1(vf x) {
  const vf e = vsub(vexp(x), vset1(1.f));
  // |x| < 1/32: x + x^2/2 + x^3/6 + x^4/24
  vf t = vfmadd(x, vset1(1.f / 24.f), vset1(1.f / 6.f));
  t = vfmadd(t, x, vset1(0.5f));
  t = vfmadd(vmul(t, x), x, x);
  return vblend(vlt(vabs(x), vset1(0.03125f)), e, t);
}

// exp of an argument below -87.3 is subnormal, and a subnormal result costs a microcode assist per vector on x86
// (selu of -95: 5.3 against 0.7 ns a value on AVX-512, single thread): a trained deep SELU net has such
// pre-activations, and W3 predict ran at less than half speed. Below SATURATE the activations below are already
// saturated in float32 (exp(-30) = 9.4e-14: expm1 rounds to -1, 1 + exp to 1), so clamping there changes no result.
constexpr float SATURATE = -30.f;

inline vf vact(int act, vf x, float alpha) {
  const vf zero = vzero();
  switch (act) {
    case ACT_RELU: return vmax(x, zero);
    case ACT_RELU6: return vmin(vmax(x, zero), vset1(6.f));
    case ACT_LEAKY: return vblend(vlt(x, zero), x, vmul(x, vset1(alpha)));
    case ACT_ELU: return vblend(vle(x, zero), x, vmul(vexpm1(vmax(vmin(x, zero), vset1(SATURATE))), vset1(alpha)));
    case ACT_SELU: {
      const vf e = vmul(vexpm1(vmax(vmin(x, zero), vset1(SATURATE))), vset1(SELU_ALPHA));
      return vmul(vblend(vle(x, zero), x, e), vset1(SELU_SCALE));
    }
    case ACT_SIGMOID: return vdiv(vset1(1.f), vadd(vset1(1.f), vexp(vmax(vset1(SATURATE), vsub(zero, x)))));
    case ACT_TANH: {
      // tanh(x) = sign(x) (1 - t) / (1 + t), t = exp(-2|x|); odd polynomial near 0 for accuracy.
      const vf ax = vabs(x);
      const vf t = vexp(vmax(vset1(SATURATE), vmul(ax, vset1(-2.f))));
      const vf big = vdiv(vsub(vset1(1.f), t), vadd(vset1(1.f), t));
      const vf x2 = vmul(x, x);
      vf p = vfmadd(x2, vset1(-17.f / 315.f), vset1(2.f / 15.f));
      p = vfmadd(p, x2, vset1(-1.f / 3.f));
      const vf small = vfmadd(vmul(p, x2), ax, ax);
      return vorsign(vblend(vlt(ax, vset1(0.0625f)), big, small), x);  // the sign of x (and NaN) through
    }
    default: return x;
  }
}

/** y[i] = f(x[i]) for n floats, whole vectors then one partial vector. */
template <typename F>
inline void vmap(const float* x, float* y, long n, F f) {
  long i = 0;
  for (; i + W <= n; i += W) vstore(y + i, f(vload(x + i)));
  if (i < n) vstoren(y + i, f(vloadn(x + i, n - i)), n - i);
}

/** y[i] = act(x[i]) (x may alias y). */
inline void activateArray(int act, float alpha, const float* x, float* y, long n) {
  if (act == ACT_LINEAR) {
    if (x != y)
      for (long i = 0; i < n; i++) y[i] = x[i];
  } else if (act == ACT_SOFTPLUS) {
    for (long i = 0; i < n; i++) y[i] = actScalar(act, x[i], alpha);
  } else {
    vmap(x, y, n, [&](vf v) { return vact(act, v, alpha); });
  }
}
