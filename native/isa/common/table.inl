// This ISA's kernel table (isa.h), from the functions the shared .inl files and the ISA's gemm.inl defined.
// Included in an ISA's namespace, after its anonymous namespace closed.

namespace {
#include "pool.inl"
#include "conv_taps.inl"
}  // namespace

const IsaKernels& kernels() {
  static const IsaKernels table = {
      ISA_NAME,
      GemmKernel{MR, NR, W, gemmKernel, ISA_TRANSPOSE16},
      unaryChunk,
      activationGradChunk,
      binaryChunk,
      reduceRowsChunk,
      reduceColsChunk,
      softmaxRowsChunk,
      softmaxGradRowsChunk,
      bnForwardCols,
      bnBackwardCols,
      scaleShiftRows,
      optimizerStep,
      sgdStep,
      columnSums,
      poolMaxRow,
      poolMaxGradRow,
      convTapsRows,
      convTapsGrad,
  };
  return table;
}
