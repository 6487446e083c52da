// AVX-512F vector helpers (16 lanes): the vocabulary the shared templates in ../common are written in.
// Included inside this ISA's namespace only.
using vf = __m512;
using vm = __mmask16;
constexpr long W = 16;

inline vf vzero() { return _mm512_setzero_ps(); }
inline vf vset1(float x) { return _mm512_set1_ps(x); }
inline vf vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, vf v) { _mm512_storeu_ps(p, v); }
inline vm tailMask(long n) { return n >= 16 ? static_cast<vm>(0xffff) : static_cast<vm>((1u << n) - 1u); }
/** The first n (< W) lanes from p, the rest 0. */
inline vf vloadn(const float* p, long n) { return _mm512_maskz_loadu_ps(tailMask(n), p); }
inline void vstoren(float* p, vf v, long n) { _mm512_mask_storeu_ps(p, tailMask(n), v); }
inline vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
inline vf vsub(vf a, vf b) { return _mm512_sub_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
inline vf vdiv(vf a, vf b) { return _mm512_div_ps(a, b); }
/** a * b + c and c - a * b, one rounding. */
inline vf vfmadd(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
inline vf vfnmadd(vf a, vf b, vf c) { return _mm512_fnmadd_ps(a, b, c); }
/** max / min as x86 does: b when either is NaN. */
inline vf vmax(vf a, vf b) { return _mm512_max_ps(a, b); }
inline vf vmin(vf a, vf b) { return _mm512_min_ps(a, b); }
inline vf vabs(vf a) { return _mm512_abs_ps(a); }
inline vm vlt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
inline vm vle(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
/** m ? b : a per lane. */
inline vf vblend(vm m, vf a, vf b) { return _mm512_mask_blend_ps(m, a, b); }
inline vf vround(vf x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
/** y * 2^n for integral n in [-160, 160]. */
inline vf vscale2n(vf y, vf n) { return _mm512_scalef_ps(y, n); }
/** |mag| with the sign bit of sgn or-ed in. */
inline vf vorsign(vf mag, vf sgn) {
  const __m512i s = _mm512_and_si512(_mm512_castps_si512(sgn), _mm512_set1_epi32(INT32_MIN));
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(mag), s));
}
inline float vsum(vf v) { return _mm512_reduce_add_ps(v); }
