// AVX-512 kernels (compiled with the AVX-512 flags of binding.gyp's isa_avx512 target; chosen by dispatch.cc only
// on CPUs with avx512f/dq/bw/vl): the shared templates instantiated for 16 lanes, and an 8 x 48 GEMM micro-kernel.
#include "../common/prelude.h"

#include <immintrin.h>
// NOTE: GCC 12 flags _mm512_undefined_ps() inside its own intrinsics (masked loads, shuffles) as uninitialized.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace lw {
namespace avx512 {
namespace {
#include "vec.inl"
#include "../common/math.inl"
#include "../common/elementwise.inl"
#include "../common/train.inl"
#include "../common/gemm_tile.inl"
#include "gemm.inl"
}  // namespace
#define ISA_NAME "avx512"
#define ISA_TRANSPOSE16 transpose16x16
#include "../common/table.inl"
}  // namespace avx512
}  // namespace lw
