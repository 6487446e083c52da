// layerwise: the public API (re-exports only; see API.md). Node entry: native backend first, then wasm.
import './backend/native.js';
import './backend/wasm.js';
export * from './api.js';
export { initWasmThreads } from './backend/wasm_threads_node.js';
export * as callbacks from './callbacks/index.js';
export * as datasets from './datasets/index.js';
export * as data from './data/node.js';
export { loadModel, saveModel, saveWeights, loadWeights, registerSerializable } from './saving/index.js';
export type { SaveOptions, LoadOptions } from './saving/index.js';
export * as plots from './plots/index.js';
export { plotHistory, plotGradientNorms, plotActivationHistograms, plotActivationFunctions } from './plots/index.js';
