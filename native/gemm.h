// Packed, register-blocked, multi-threaded SGEMM with a fused bias + activation epilogue (the ISA-neutral driver;
// the micro-kernel comes from the active ISA table, isa.h).
#pragma once
#include "ops.h"

namespace lw {

/**
 * C[M,N] = epilogue(A[M,K] B[K,N]). Element (i,p) of A is A[i*rsa + p*csa], element (p,j) of B is
 * B[p*rsb + j*csb] (so transposes are strides); C is row-major with leading dimension ldc.
 * Threads over the persistent pool when the problem is big enough.
 */
void sgemm(long M, long N, long K, const float* A, long rsa, long csa, const float* B, long rsb, long csb,
           float* C, long ldc, const Epilogue& ep);

/**
 * Backward of dense (y = act(x W + b), x [m,k], W [k,n]) given y and dy: dz = dy * act'(y), then
 * dx = dz W^T, dW = x^T dz, db = column sums of dz; null outputs are skipped. Small problems run dx on one
 * thread while another computes dW and db.
 */
void denseGrad(int act, float alpha, const float* x, const float* w, const float* y, const float* dy, float* dx,
               float* dw, float* db, long m, long k, long n);

/**
 * denseGrad followed by a plain SGD step on the weights, fused: dx (when wanted) is computed from w first, then
 * w -= rate * dW in the epilogue of the dW product (dW never stored) and, when bias is given, bias -= rate * db.
 * Bit-identical to denseGrad then the optimizer's sgd update.
 */
void denseGradSgd(int act, float alpha, const float* x, float* w, const float* y, const float* dy, float* dx,
                  float* bias, float rate, long m, long k, long n);

}  // namespace lw
