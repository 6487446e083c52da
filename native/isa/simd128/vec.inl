// WebAssembly SIMD128 vector helpers (4 lanes, <wasm_simd128.h>): the vocabulary the shared templates in ../common
// are written in. SIMD128 has no fused multiply-add (relaxed SIMD is not assumed). Included inside this ISA's
// namespace only.
using vf = v128_t;
using vm = v128_t;
constexpr long W = 4;

inline vf vzero() { return wasm_f32x4_const(0.f, 0.f, 0.f, 0.f); }
inline vf vset1(float x) { return wasm_f32x4_splat(x); }
inline vf vload(const float* p) { return wasm_v128_load(p); }
inline void vstore(float* p, vf v) { wasm_v128_store(p, v); }
/** The first n (< W) lanes from p, the rest 0. */
inline vf vloadn(const float* p, long n) {
  alignas(16) float t[4] = {0.f, 0.f, 0.f, 0.f};
  std::memcpy(t, p, static_cast<size_t>(n) * sizeof(float));
  return wasm_v128_load(t);
}
inline void vstoren(float* p, vf v, long n) {
  alignas(16) float t[4];
  wasm_v128_store(t, v);
  std::memcpy(p, t, static_cast<size_t>(n) * sizeof(float));
}
inline vf vadd(vf a, vf b) { return wasm_f32x4_add(a, b); }
inline vf vsub(vf a, vf b) { return wasm_f32x4_sub(a, b); }
inline vf vmul(vf a, vf b) { return wasm_f32x4_mul(a, b); }
inline vf vdiv(vf a, vf b) { return wasm_f32x4_div(a, b); }
/** a * b + c and c - a * b (two roundings: SIMD128 has no FMA). */
inline vf vfmadd(vf a, vf b, vf c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
inline vf vfnmadd(vf a, vf b, vf c) { return wasm_f32x4_sub(c, wasm_f32x4_mul(a, b)); }
/**
 * max / min as x86 does (a > b ? a : b, so b when either is NaN): pmax(b, a) = b < a ? a : b, one instruction
 * (maxps / minps on x86 engines), unlike f32x4.max which canonicalizes NaN at a higher cost.
 */
inline vf vmax(vf a, vf b) { return wasm_f32x4_pmax(b, a); }
inline vf vmin(vf a, vf b) { return wasm_f32x4_pmin(b, a); }
inline vf vabs(vf a) { return wasm_f32x4_abs(a); }
inline vm vlt(vf a, vf b) { return wasm_f32x4_lt(a, b); }
inline vm vle(vf a, vf b) { return wasm_f32x4_le(a, b); }
/** m ? b : a per lane. */
inline vf vblend(vm m, vf a, vf b) { return wasm_v128_bitselect(b, a, m); }
inline vf vround(vf x) { return wasm_f32x4_nearest(x); }
/** y * 2^n for integral n in [-160, 160]: two exponent-field multiplies, so neither factor leaves the normal range. */
inline vf vscale2n(vf y, vf n) {
  const v128_t ni = wasm_i32x4_trunc_sat_f32x4(n);
  const v128_t n1 = wasm_i32x4_shr(ni, 1), n2 = wasm_i32x4_sub(ni, n1);
  const v128_t bias = wasm_i32x4_splat(127);
  const vf f1 = wasm_i32x4_shl(wasm_i32x4_add(n1, bias), 23);
  const vf f2 = wasm_i32x4_shl(wasm_i32x4_add(n2, bias), 23);
  return wasm_f32x4_mul(wasm_f32x4_mul(y, f1), f2);
}
/** |mag| with the sign bit of sgn or-ed in. */
inline vf vorsign(vf mag, vf sgn) { return wasm_v128_or(mag, wasm_v128_and(sgn, wasm_f32x4_splat(-0.f))); }
/** (v0 + v2) + (v1 + v3), the baseline's order. */
inline float vsum(vf v) {
  const vf s = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1);
}
