// Portable 4-lane vector helpers written with GCC/Clang vector extensions: SSE2 on x86-64, NEON on aarch64,
// SIMD128 under emscripten -msimd128, scalar code elsewhere. Included inside this ISA's namespace only.
typedef float vf __attribute__((vector_size(16)));
typedef int vi __attribute__((vector_size(16)));
using vm = vi;
constexpr long W = 4;

inline vf vzero() { return vf{0.f, 0.f, 0.f, 0.f}; }
inline vf vset1(float x) { return vf{x, x, x, x}; }
inline vf vload(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void vstore(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
/** The first n (< W) lanes from p, the rest 0. */
inline vf vloadn(const float* p, long n) {
  vf v = vzero();
  for (long i = 0; i < n; i++) v[i] = p[i];
  return v;
}
inline void vstoren(float* p, vf v, long n) {
  for (long i = 0; i < n; i++) p[i] = v[i];
}
inline vf vadd(vf a, vf b) { return a + b; }
inline vf vsub(vf a, vf b) { return a - b; }
inline vf vmul(vf a, vf b) { return a * b; }
inline vf vdiv(vf a, vf b) { return a / b; }
/** a * b + c and c - a * b (fused where the target contracts). */
inline vf vfmadd(vf a, vf b, vf c) { return a * b + c; }
inline vf vfnmadd(vf a, vf b, vf c) { return c - a * b; }
/** max / min as x86 does: b when either is NaN. */
inline vf vmax(vf a, vf b) { return a > b ? a : b; }
inline vf vmin(vf a, vf b) { return a < b ? a : b; }
inline vf vabs(vf a) { return reinterpret_cast<vf>(reinterpret_cast<vi>(a) & 0x7fffffff); }
inline vm vlt(vf a, vf b) { return a < b; }
inline vm vle(vf a, vf b) { return a <= b; }
/** m ? b : a per lane. */
inline vf vblend(vm m, vf a, vf b) { return m ? b : a; }
/** Round to nearest for |x| < 2^22 (the add-subtract trick). */
inline vf vround(vf x) {
  const vf magic = vset1(12582912.f);  // 1.5 * 2^23
  return (x + magic) - magic;
}
/** y * 2^n for integral n in [-160, 160]: two exponent-field multiplies, so neither factor leaves the normal range. */
inline vf vscale2n(vf y, vf n) {
  const vi ni = __builtin_convertvector(n, vi);
  const vi n1 = ni >> 1, n2 = ni - n1;
  const vf f1 = reinterpret_cast<vf>((n1 + 127) << 23), f2 = reinterpret_cast<vf>((n2 + 127) << 23);
  return y * f1 * f2;
}
/** |mag| with the sign bit of sgn or-ed in. */
inline vf vorsign(vf mag, vf sgn) {
  return reinterpret_cast<vf>(reinterpret_cast<vi>(mag) | (reinterpret_cast<vi>(sgn) & static_cast<int>(0x80000000u)));
}
inline float vsum(vf v) { return (v[0] + v[2]) + (v[1] + v[3]); }
