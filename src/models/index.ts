// Models: Sequential, the functional Model, cloneModel, and their option types.
export { Model, isModel } from './functional.js';
export type { ModelArgs } from './functional.js';
export { Sequential } from './sequential.js';
export type { SequentialArgs } from './sequential.js';
export { cloneModel } from './clone.js';
export type { CloneOptions } from './clone.js';
export type { SummaryOptions } from './summary.js';
export type {
  CompileArgs, FitArgs, EvaluateArgs, PredictArgs, BatchArgs, LossSpec, MetricSpec, OptimizerLike, ModelData,
} from './training.js';
export { registerModelIO } from './io.js';
export type { ModelIO } from './io.js';
