// NEON (AArch64 ASIMD) vector helpers (4 lanes): the vocabulary the shared templates in ../common are written in.
// Included inside this ISA's namespace only.
using vf = float32x4_t;
using vm = uint32x4_t;
constexpr long W = 4;

inline vf vzero() { return vdupq_n_f32(0.f); }
inline vf vset1(float x) { return vdupq_n_f32(x); }
inline vf vload(const float* p) { return vld1q_f32(p); }
inline void vstore(float* p, vf v) { vst1q_f32(p, v); }
/** The first n (< W) lanes from p, the rest 0. */
inline vf vloadn(const float* p, long n) {
  float t[4] = {0.f, 0.f, 0.f, 0.f};
  for (long i = 0; i < n; i++) t[i] = p[i];
  return vld1q_f32(t);
}
inline void vstoren(float* p, vf v, long n) {
  float t[4];
  vst1q_f32(t, v);
  for (long i = 0; i < n; i++) p[i] = t[i];
}
inline vf vadd(vf a, vf b) { return vaddq_f32(a, b); }
inline vf vsub(vf a, vf b) { return vsubq_f32(a, b); }
inline vf vmul(vf a, vf b) { return vmulq_f32(a, b); }
inline vf vdiv(vf a, vf b) { return vdivq_f32(a, b); }
/** a * b + c and c - a * b, one rounding (FMLA / FMLS). */
inline vf vfmadd(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }
inline vf vfnmadd(vf a, vf b, vf c) { return vfmsq_f32(c, a, b); }
/** max / min as x86 does (b when either is NaN), so every ISA rounds and propagates alike; FMAX would return NaN. */
inline vf vmax(vf a, vf b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
inline vf vmin(vf a, vf b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
inline vf vabs(vf a) { return vabsq_f32(a); }
inline vm vlt(vf a, vf b) { return vcltq_f32(a, b); }
inline vm vle(vf a, vf b) { return vcleq_f32(a, b); }
/** m ? b : a per lane. */
inline vf vblend(vm m, vf a, vf b) { return vbslq_f32(m, b, a); }
/** Round to nearest, ties to even (FRINTN), as x86's _MM_FROUND_TO_NEAREST_INT. */
inline vf vround(vf x) { return vrndnq_f32(x); }
/** y * 2^n for integral n in [-160, 160]: two exponent-field multiplies, so neither factor leaves the normal range. */
inline vf vscale2n(vf y, vf n) {
  const int32x4_t ni = vcvtq_s32_f32(n);
  const int32x4_t n1 = vshrq_n_s32(ni, 1), n2 = vsubq_s32(ni, n1);
  const int32x4_t bias = vdupq_n_s32(127);
  const vf f1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n1, bias), 23));
  const vf f2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n2, bias), 23));
  return vmulq_f32(vmulq_f32(y, f1), f2);
}
/** |mag| with the sign bit of sgn or-ed in. */
inline vf vorsign(vf mag, vf sgn) {
  const uint32x4_t s = vandq_u32(vreinterpretq_u32_f32(sgn), vdupq_n_u32(0x80000000u));
  return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(mag), s));
}
/** (v0 + v2) + (v1 + v3), the baseline's order. */
inline float vsum(vf v) {
  const float32x2_t h = vadd_f32(vget_low_f32(v), vget_high_f32(v));
  return vget_lane_f32(h, 0) + vget_lane_f32(h, 1);
}
