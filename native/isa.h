// The per-ISA kernel interface: one table of micro-kernels and chunk kernels per instruction set, chosen once at
// load (dispatch.cc). The drivers (gemm.cc, kernels.cc, ...) do the blocking and threading and call only these.
#pragma once
#include "ops.h"

namespace lw {

/** The register-blocked GEMM micro-kernel of an ISA and the shape of its tile. */
struct GemmKernel {
  long mr;  // rows of C per call (A read in place: A(i, p) = a[i * ars + p * aps])
  long nr;  // columns of C per call; packed B panels are padded to a multiple of `pad` columns
  long pad;
  /**
   * C tile [mr x w] (+)= A rows * B (kc rows of w floats, row stride ldb, readable up to roundUp(w, pad) columns
   * only when packed); applies `ep` when `last` (column j of the tile is column j0 + j of the bias).
   */
  void (*run)(long kc, const float* a, long ars, long aps, const float* b, long ldb, float* c, long ldc, long mr,
              long w, bool accumulate, bool last, const Epilogue& ep, long j0);
  /** Optional fast transpose for packing: dst[c * ldd + r] = src[r * lds + c], 16 x 16 (null: scalar copy). */
  void (*transpose16)(const float* src, long lds, float* dst, long ldd);
};

/** Everything an ISA provides; every function works on one chunk (the drivers split work over threads). */
struct IsaKernels {
  const char* name;
  GemmKernel gemm;
  /** y = f(x) for an activation (Act) or a UnaryKind; x may alias y. */
  void (*unary)(int op, const float* x, float* y, long n, float alpha);
  /** out = dy * f'(x) with y = f(x). */
  void (*activationGrad)(int act, const float* x, const float* y, const float* dy, float* out, long n, float alpha);
  /** out[i] = a[i * sa] op b[i * sb] (strides 0 broadcast). */
  void (*binary)(int op, const float* a, const float* b, float* out, long n, long sa, long sb);
  /** x [outer, r] -> out[outer] (sum in double, max/min NaN-propagating). */
  void (*reduceRows)(int op, const float* x, float* out, long outer, long r);
  /** x [r, inner] -> out[inner]; acc is scratch of inner doubles (sum). */
  void (*reduceCols)(int op, const float* x, float* out, long r, long inner, double* acc);
  /** Softmax / log-softmax of rows [r0, r1) of x [rows, n]. */
  void (*softmaxRows)(const float* x, float* out, long r0, long r1, long n, bool log);
  /** dx = y * (dy - sum(dy * y)) for rows of n. */
  void (*softmaxGradRows)(const float* y, const float* dy, float* dx, long rows, long n);
  /** Training batch norm of columns [j0, j1) of x [rows, c]. */
  void (*bnForward)(const float* x, const float* gamma, const float* beta, float epsilon, long rows, long c, long j0,
                    long j1, float* y, float* mean, float* variance, float* rstd);
  void (*bnBackward)(const float* x, const float* dy, const float* mean, const float* rstd, const float* gamma,
                     long rows, long c, long j0, long j1, float* dx, float* dgamma, float* dbeta);
  /** y[i, j] = x[i, j] * scale[j] + shift[j] for rows [r0, r1). */
  void (*scaleShift)(const float* x, const float* scale, const float* shift, long r0, long r1, long c, float* y);
  /** One parameter's in-place optimizer update (slots as in src/backend/reference/optimizer.ts). */
  void (*optimizerStep)(int kind, float* w, const float* g, float* const* slots, int nslots, long n,
                        const OptHyper& h);
  /** w -= rate * g: the plain SGD update (the fused paths call it so their rounding equals the optimizer's). */
  void (*sgdStep)(float* w, const float* g, float rate, long n);
  /** out[j] = sum over rows of z[i, j] for z [m, n] (rows in order). */
  void (*columnSums)(const float* z, float* out, long m, long n);
  /** Max pooling of one output pixel over c channels: y = NaN-propagating max of the taps x[0..taps) (pool.inl). */
  void (*poolMaxRow)(const float* const* x, long taps, float* y, long c);
  /**
   * Its gradient: dy to the first maximum's tap (dx[t] += dy when accumulate, else = dy there and 0 elsewhere); with
   * relu, only where that maximum is > 0 (the gradient through the ReLU that produced x, in the same pass).
   */
  void (*poolMaxGradRow)(const float* const* x, long taps, const float* dy, float* const* dx, long c, bool accumulate,
                         bool relu);
  /**
   * Direct convolution of single-float taps (conv_taps.inl): y[p, 0:f] = act(sum over t of src[t][p * step] *
   * w[t, 0:f] + bias) for pixels p in [0, count), y rows f apart; and its kernel gradient, dw[t, 0:f] += sum over p
   * of src[t][p * step] * dz[p, 0:f].
   */
  void (*convTapsRows)(const float* const* src, long k, long count, long step, const float* w, long f,
                       const Epilogue& ep, float* y);
  void (*convTapsGrad)(const float* const* src, long k, long count, long step, const float* dz, long f, float* dw);
};

/** The active table (selected on first use from LAYERWISE_ISA or the CPU's features). */
const IsaKernels& isa();
/** Switches the active table; returns null on success, else a message naming the CPU's features. */
const char* selectIsa(const char* name);
/** Names of the ISAs this CPU can run, best first (e.g. "avx512,avx2,baseline"). */
const char* supportedIsas();
/** The CPU's brand string (cpuid on x86-64, else /proc/cpuinfo) and its relevant features. */
const char* cpuModel();
const char* cpuFeatures();

// One entry per compiled ISA (native/isa/<name>/kernels.cc).
namespace baseline { const IsaKernels& kernels(); }
#if defined(__x86_64__) || defined(_M_X64)
namespace avx2 { const IsaKernels& kernels(); }
namespace avx512 { const IsaKernels& kernels(); }
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
namespace neon { const IsaKernels& kernels(); }
#endif
#if defined(__wasm_simd128__)
namespace simd128 { const IsaKernels& kernels(); }
#endif

}  // namespace lw
