// The narrow Backend interface: typed arrays and shapes in, typed arrays out. No autograd here.
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';

/** A dense, row-major array with its shape and dtype: what crosses the backend boundary. */
export interface RawTensor {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type UnaryOp =
  | 'neg' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'square'
  | 'reciprocal' | 'sin' | 'cos' | 'floor' | 'ceil' | 'round' | 'logicalNot'
  | ActivationOp;

/** Activations: forward through `unary`, fused backward through `activationGrad`, fused epilogue in `matmul`. */
export type ActivationOp =
  | 'linear' | 'relu' | 'relu6' | 'leakyRelu' | 'elu' | 'selu' | 'sigmoid' | 'tanh' | 'softplus';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'mod' | 'floorDiv'
  | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual'
  | 'logicalAnd' | 'logicalOr';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** Scalar parameter of parametric unary ops (leakyRelu slope, elu alpha). */
export interface UnaryParams { alpha?: number }

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** Added to every row of the result (length = columns of the result). */
  bias?: RawTensor;
  /** Applied after the bias. */
  activation?: ActivationOp;
  alpha?: number;
}

export interface DenseGradOptions {
  activation: ActivationOp;
  alpha?: number;
  /** Which of dx, dkernel, dbias to compute (the others come back null). */
  needs: readonly [boolean, boolean, boolean];
  /**
   * Plain SGD fused into the backward: once dx is computed, the kernel (and `bias`, when given) are stepped in
   * place, w -= learningRate * g, exactly as optimizerUpdate's 'sgd' kind without momentum would; dkernel and
   * dbias then come back null (needs[1] and needs[2] are ignored).
   */
  sgd?: { learningRate: number; bias: RawTensor | null };
}

/** Gradients of dense(x, kernel, bias, activation) given its output y and dy. */
export interface DenseGrads {
  dx: RawTensor | null;
  dkernel: RawTensor | null;
  dbias: RawTensor | null;
}

/** Training-mode batch normalization: the output and the batch statistics (keepDims shapes). */
export interface BatchNormResult {
  y: RawTensor;
  mean: RawTensor;
  /** Biased batch variance. */
  variance: RawTensor;
  /** 1 / sqrt(variance + epsilon). */
  rstd: RawTensor;
}

export interface BatchNormGrads {
  dx: RawTensor | null;
  dgamma: RawTensor | null;
  dbeta: RawTensor | null;
}

export type OptimizerKind = 'sgd' | 'adam' | 'rmsprop' | 'adagrad' | 'adamax' | 'nadam' | 'adadelta' | 'ftrl';

/** One in-place optimizer update over many parameters (see reference/optimizer.ts for the maths). */
export interface OptimizerUpdate {
  kind: OptimizerKind;
  params: Float32Array[];
  grads: Float32Array[];
  /** slots[k][i]: the k-th slot (e.g. m, v) of parameter i. */
  slots: Float32Array[][];
  hyper: Record<string, number>;
  /** Per-parameter flags (e.g. nesterov, amsgrad, centered). */
  flags?: Record<string, boolean>;
}

/**
 * A 2-D sliding window over channels-last input [n, h, w, c] producing [n, outH, outW, ...]: the window at output
 * (oy, ox) reads rows oy * strideH - padTop + ky * dilationH (ky < kh), and likewise for columns; positions outside
 * the input read as padding (zero for im2col, ignored by pooling). Conv1D and pooling 1D use h = kh = 1.
 */
export interface Window2D {
  n: number; h: number; w: number; c: number;
  kh: number; kw: number;
  strideH: number; strideW: number;
  dilationH: number; dilationW: number;
  padTop: number; padLeft: number;
  outH: number; outW: number;
}

export type PoolKind = 'max' | 'avg';
/** The backends layerwise ships: the pure-TypeScript oracle, the C++ addon, and the same kernels in WebAssembly. */
export type BackendName = 'reference' | 'native' | 'wasm';

export interface Backend {
  readonly name: BackendName;

  unary(op: UnaryOp, x: RawTensor, params?: UnaryParams): RawTensor;
  /** dy * f'(x) for an activation f, given x and y = f(x). */
  activationGrad(op: ActivationOp, x: RawTensor, y: RawTensor, dy: RawTensor, params?: UnaryParams): RawTensor;
  /** Broadcasting binary op; comparisons and logical ops return bool, the rest `outDtype`. */
  binary(op: BinaryOp, a: RawTensor, b: RawTensor, outDtype: DType): RawTensor;
  /** Broadcasting select: cond ? a : b. */
  where(cond: RawTensor, a: RawTensor, b: RawTensor): RawTensor;
  /** Reduces sorted `axes`; keepDims keeps them as size 1. */
  reduce(op: ReduceOp, x: RawTensor, axes: readonly number[], keepDims: boolean): RawTensor;
  /** Index (int32) of the max/min along `axis` (first occurrence). */
  argReduce(op: 'argmax' | 'argmin', x: RawTensor, axis: number): RawTensor;
  /** [..., m, k] x [..., k, n] with batch broadcasting, optional transposes and a fused bias/activation epilogue. */
  matmul(a: RawTensor, b: RawTensor, options?: MatmulOptions): RawTensor;
  /**
   * Backward of y = activation(x @ kernel + bias) for x [m, k], kernel [k, n], given y and dy [m, n]:
   * dz = activationGrad(y, y, dy), dx = dz kernel^T, dkernel = x^T dz, dbias = column sums of dz.
   * Only activations whose derivative follows from y (the dense op's fusable ones) are allowed.
   */
  denseGrad(x: RawTensor, kernel: RawTensor, y: RawTensor, dy: RawTensor, options: DenseGradOptions): DenseGrads;
  /**
   * Training batch norm of x over sorted `axes`: y = x * inv + (beta - mean * inv), inv = gamma * rstd (Keras'
   * moments + batch_normalization). gamma and beta (nullable) have the keepDims shape of the statistics.
   */
  batchNorm(x: RawTensor, gamma: RawTensor | null, beta: RawTensor | null, axes: readonly number[], epsilon: number): BatchNormResult;
  /** Backward of batchNorm through the batch statistics; needs = [dx, dgamma, dbeta]. */
  batchNormGrad(x: RawTensor, dy: RawTensor, mean: RawTensor, rstd: RawTensor, gamma: RawTensor | null, axes: readonly number[],
    needs: readonly [boolean, boolean, boolean]): BatchNormGrads;
  /** x * scale + shift with broadcasting (the affine step of batch and layer normalization). */
  scaleShift(x: RawTensor, scale: RawTensor, shift: RawTensor): RawTensor;
  /** Numerically stable softmax / log-softmax along `axis`. */
  softmax(x: RawTensor, axis: number, log: boolean): RawTensor;
  /**
   * The vjp of softmax along `axis` from its output y: dx = y * (dy - sum(dy * y, axis)), each product and
   * difference rounded to the dtype, the sum accumulated in double.
   */
  softmaxGrad(y: RawTensor, dy: RawTensor, axis: number): RawTensor;
  cast(x: RawTensor, dtype: DType): RawTensor;
  transpose(x: RawTensor, perm: readonly number[]): RawTensor;
  slice(x: RawTensor, begin: readonly number[], size: readonly number[]): RawTensor;
  concat(xs: readonly RawTensor[], axis: number): RawTensor;
  /** Takes `indices` (int32) along `axis`. */
  gather(x: RawTensor, indices: RawTensor, axis: number): RawTensor;
  /** Adds `updates` into a zero tensor of `shape` at `indices` along `axis` (the vjp of gather). */
  scatterAdd(updates: RawTensor, indices: RawTensor, axis: number, shape: Shape): RawTensor;
  oneHot(indices: RawTensor, depth: number, dtype: DType): RawTensor;
  /** Pads with `value`; paddings[i] = [before, after]. */
  pad(x: RawTensor, paddings: readonly (readonly [number, number])[], value: number): RawTensor;
  /** Unfolds the windows of x [n, h, w, c] into rows: [n * outH * outW, kh * kw * c], columns ordered (ky, kx, c). */
  im2col(x: RawTensor, g: Window2D): RawTensor;
  /** The adjoint of im2col: sums each row of cols [n * outH * outW, kh * kw * c] back into [n, h, w, c]. */
  col2im(cols: RawTensor, g: Window2D): RawTensor;
  /**
   * Pooling of x [n, h, w, c] over each window to [n, outH, outW, c]; padded positions are left out (max over the
   * valid inputs; average divides by the count of valid inputs, as TensorFlow does).
   */
  pool2d(x: RawTensor, g: Window2D, kind: PoolKind): RawTensor;
  /**
   * The vjp of pool2d: dy [n, outH, outW, c] to dx [n, h, w, c] (max: to the first maximum of each window). With
   * `relu` (max only), x is the output of a ReLU and dx is also multiplied by its derivative (x > 0): the ReLU's
   * activationGrad fused into the same pass, equal to it applied afterwards.
   */
  pool2dGrad(x: RawTensor, dy: RawTensor, g: Window2D, kind: PoolKind, relu?: boolean): RawTensor;
  /**
   * Optional, inference only: activation(im2col(x) kernel + bias) as [n, outH, outW, filters] for x [n, h, w, c] and
   * kernel [kh * kw * c, filters], without forming the whole column matrix; null when it cannot (the caller then
   * lowers through im2col and matmul).
   */
  convForward?(x: RawTensor, kernel: RawTensor, bias: RawTensor | null, g: Window2D, activation: ActivationOp, alpha?: number): RawTensor | null;
  /**
   * Optional: the kernel gradient im2col(x)^T dz as [kh * kw * c, filters] (and the bias gradient, column sums of dz
   * [n * outH * outW, filters], when wanted) without forming the column matrix; null when it cannot.
   */
  convWeightGrad?(x: RawTensor, dz: RawTensor, g: Window2D, filters: number, needsBias: boolean): { dkernel: RawTensor; dbias: RawTensor | null } | null;
  /**
   * In place, for each pair: target = target * momentum + value * (1 - momentum) in float32 (each product
   * rounded, then the sum), as Keras updates the moving statistics of batch normalization.
   */
  movingAverage(targets: Float32Array[], values: Float32Array[], momentum: number): void;
  /** Applies an optimizer step in place over every parameter in one call. */
  optimizerUpdate(update: OptimizerUpdate): void;
  /**
   * Optional: hands back arrays that no live tensor uses any more (the training loop's gradients after the
   * update), so later outputs can reuse them. The caller guarantees nothing reads or writes them afterwards.
   */
  recycle?(arrays: readonly TypedArray[]): void;
}
