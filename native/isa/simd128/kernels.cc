// WebAssembly SIMD128 kernels (emscripten -msimd128; the WebAssembly build's only table besides the baseline): the
// shared templates instantiated for 4 lanes, and the common GEMM micro-kernel at 4 x 8. An x86 engine maps v128 to
// the 16 XMM registers and keeps one as scratch, and SIMD128 has no FMA (a multiply into a temporary, then an add),
// so 6 x 8 (12 accumulators) spills; 4 x 8 is XNNPACK's wasmsimd-on-x86 shape. Paired A/B, 1 thread, CPU time,
// Xeon (AVX-512 host), V8 11.3: 4 x 8 over 6 x 8 +27% at 32x784x300, +12% 1024x784x300, +8% 1024x300x100,
// +20% 32x100x100, +16% 32x300x784 (B^T), +0-6% with A^T; 5 x 8 and a 4 x 8 shuffle-splat variant measured lower.
#include "../common/prelude.h"
#include <wasm_simd128.h>

namespace lw {
namespace simd128 {
namespace {
#include "vec.inl"
#include "../common/math.inl"
#include "../common/elementwise.inl"
#include "../common/train.inl"
#include "../common/gemm_tile.inl"
#define GEMM_MR 4
#include "../common/gemm_kernel.inl"
}  // namespace
#define ISA_NAME "simd128"
#define ISA_TRANSPOSE16 nullptr
#include "../common/table.inl"
}  // namespace simd128
}  // namespace lw
