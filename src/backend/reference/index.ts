// The reference backend: plain TypeScript, obviously correct, the oracle every other backend is tested against.
import type { Backend } from '../backend.js';
import { activationGrad, binary, cast, unary, where } from './elementwise.js';
import { argReduce, reduce, softmax, softmaxGrad } from './reduce.js';
import { matmul } from './matmul.js';
import { denseGrad } from './dense.js';
import { batchNorm, batchNormGrad, scaleShift } from './batchnorm.js';
import { concat, gather, oneHot, pad, scatterAdd, slice, transpose } from './layout.js';
import { movingAverage, optimizerUpdate } from './optimizer.js';
import { col2im, im2col, pool2d, pool2dGrad } from './conv.js';

export const referenceBackend: Backend = {
  name: 'reference',
  unary,
  activationGrad,
  binary,
  where,
  reduce,
  argReduce,
  matmul,
  denseGrad,
  batchNorm,
  batchNormGrad,
  scaleShift,
  softmax,
  softmaxGrad,
  cast,
  transpose,
  slice,
  concat,
  gather,
  scatterAdd,
  oneHot,
  pad,
  im2col,
  col2im,
  pool2d,
  pool2dGrad,
  movingAverage,
  optimizerUpdate,
};
