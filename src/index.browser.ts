// layerwise in a page (package.json "exports" browser condition): the same API with the WebAssembly backend, models
// saved to IndexedDB / downloads and loaded from URLs, ArrayBuffers and Files, Fashion-MNIST over HTTP, fit in a Web
// Worker (fitInWorker / serveFitWorker); the threaded wasm build when cross-origin isolated. No Node built-in.
import './backend/wasm.js';
import './backend/wasm_threads_web.js';
export * from './api.js';
export { initWasmThreads, wasmThreadsSupported } from './backend/wasm_threads_web.js';
export * as callbacks from './callbacks/common.js';
export * as datasets from './datasets/browser.js';
export * as data from './data/index.js';
export { loadModel, saveModel, saveWeights, loadWeights, registerSerializable, modelToBytes, listModels, deleteModel } from './saving/browser.js';
export type { SaveOptions, LoadOptions, ModelSource } from './saving/browser.js';
export { fitInWorker } from './worker/fit_in_worker.js';
export type { FitInWorkerOptions, FitWorkerPort, WorkerFitResult } from './worker/fit_in_worker.js';
export { serveFitWorker } from './worker/fit_worker.js';
export type { FitWorkerScope } from './worker/fit_worker.js';
