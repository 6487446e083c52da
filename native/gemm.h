// Packed, register-blocked, multi-threaded SGEMM with a fused bias + activation epilogue.
#pragma once

namespace lw {

/** Applied to C once the full K sum is done: C = act(C + bias) (bias may be null). */
struct Epilogue {
  const float* bias = nullptr;
  int act = 0;
  float alpha = 0.f;
};

/**
 * C[M,N] = epilogue(A[M,K] B[K,N]). Element (i,p) of A is A[i*rsa + p*csa], element (p,j) of B is
 * B[p*rsb + j*csb] (so transposes are strides); C is row-major with leading dimension ldc.
 * Threads over the persistent pool when the problem is big enough.
 */
void sgemm(long M, long N, long K, const float* A, long rsa, long csa, const float* B, long rsb, long csb,
           float* C, long ldc, const Epilogue& ep);

}  // namespace lw
