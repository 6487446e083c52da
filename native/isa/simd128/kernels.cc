// WebAssembly SIMD128 kernels (emscripten -msimd128; the WebAssembly build's only table besides the baseline): the
// shared templates instantiated for 4 lanes, and the common 6 x 8 GEMM micro-kernel (12 accumulators of the 16
// registers an x86 engine maps v128 to, as XNNPACK's 6x8 wasmsimd splat kernel).
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
#define GEMM_MR 6
#include "../common/gemm_kernel.inl"
}  // namespace
#define ISA_NAME "simd128"
#define ISA_TRANSPOSE16 nullptr
#include "../common/table.inl"
}  // namespace simd128
}  // namespace lw
