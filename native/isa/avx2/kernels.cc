// AVX2 + FMA kernels (compiled with -mavx2 -mfma by binding.gyp's isa_avx2 target; chosen by dispatch.cc only on
// CPUs with avx2 and fma): the shared templates instantiated for 8 lanes, and a 6 x 16 GEMM micro-kernel.
#include "../common/prelude.h"
#include <immintrin.h>

namespace lw {
namespace avx2 {
namespace {
#include "vec.inl"
#include "../common/math.inl"
#include "../common/elementwise.inl"
#include "../common/train.inl"
#include "../common/gemm_tile.inl"
#define GEMM_MR 6
#include "../common/gemm_kernel.inl"
}  // namespace
#define ISA_NAME "avx2"
#define ISA_TRANSPOSE16 nullptr
#include "../common/table.inl"
}  // namespace avx2
}  // namespace lw
