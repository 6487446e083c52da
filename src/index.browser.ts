// layerwise in a page (package.json "exports" browser condition): the same API with the WebAssembly backend, models
// saved to IndexedDB / downloads and loaded from URLs, ArrayBuffers and Files, Fashion-MNIST over HTTP. No Node built-in.
import './backend/wasm.js';
export * from './api.js';
export * as callbacks from './callbacks/common.js';
export * as datasets from './datasets/browser.js';
export * as data from './data/index.js';
export { loadModel, saveModel, saveWeights, loadWeights, registerSerializable, modelToBytes, listModels, deleteModel } from './saving/browser.js';
export type { SaveOptions, LoadOptions, ModelSource } from './saving/browser.js';
