// The browser-safe public API shared by the Node entry (index.ts) and the browser entry (index.browser.ts).
export { Tensor } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export {
  tensor, scalar, zeros, ones, fill, zerosLike, onesLike, range, eye,
  randomUniform, randomNormal, truncatedNormal, randomPermutation,
} from './tensor/creation.js';
export type { TensorLike, NestedArray } from './tensor/creation.js';
export * as ops from './ops/index.js';
export {
  add, sub, mul, div, pow, neg, maximum, minimum, where, clip, equal, notEqual, less, lessEqual, greater, greaterEqual,
  exp, expm1, log, log1p, sqrt, rsqrt, abs, sign, square,
  sum, mean, max, min, argmax, argmin, moments, logSumExp,
  matmul, reshape, transpose, slice, sliceAxis, concat, stack, gather, booleanMask, cast, oneHot, squeeze, expandDims, pad,
  relu, leakyRelu, elu, selu, sigmoid, tanh, softplus, softmax, logSoftmax,
} from './ops/index.js';
export { Variable, variable } from './autograd/variable.js';
export type { VariableOptions } from './autograd/variable.js';
export { valueAndGrads, valueAndGrad, grad, GradientTape } from './autograd/gradients.js';
export { noGrad } from './autograd/tape.js';
export { setRandomSeed } from './random/rng.js';
export { backendInfo, getBackend, ready, setBackend } from './backend/registry.js';
export type { BackendInfo } from './backend/registry.js';
export type { BackendName } from './backend/backend.js';
export { initWasm, wasmInfo } from './backend/wasm.js';
export * as layers from './layers/index.js';
export * as initializers from './initializers/index.js';
export * as activations from './activations/index.js';
export * as regularizers from './regularizers/index.js';
export * as constraints from './constraints/index.js';
export * as losses from './losses/index.js';
export * as metrics from './metrics/index.js';
export * as optimizers from './optimizers/index.js';
export { Input, InputLayer, Layer } from './layers/index.js';
export { Sequential, Model, cloneModel } from './models/index.js';
export { resetNameCounters as clearSession } from './utils/naming.js';
export * as diagnostics from './diagnostics/index.js';
