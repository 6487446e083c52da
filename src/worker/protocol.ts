// The messages between fitInWorker (main thread) and serveFitWorker (a Web Worker): tensors travel as typed arrays
// with their shape and dtype, the model as the bytes of its .keras file (architecture, weights, compile state).
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Logs } from '../callbacks/callback.js';

/** A tensor copied out of its storage (the copy's buffer can be transferred). */
export interface WireTensor {
  data: TypedArray;
  shape: number[];
  dtype: DType;
}

/** The fit options that cross to the worker (plain data: no callbacks, no tensors besides validationData). */
export interface WireFitArgs {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationBatchSize?: number;
  validationFreq?: number;
  initialEpoch?: number;
  classWeight?: Record<number, number>;
}

export type ToWorker =
  | { kind: 'layerwise.fit'; id: number; model: Uint8Array; x: WireTensor; y: WireTensor; validationData?: [WireTensor, WireTensor];
    args: WireFitArgs; seed?: number; batches: boolean }
  | { kind: 'layerwise.stop'; id: number };

export type FromWorker =
  | { kind: 'layerwise.start'; id: number; backend: string; threads: number; isa: string | null }
  | { kind: 'layerwise.epoch'; id: number; epoch: number; logs: Logs }
  | { kind: 'layerwise.batch'; id: number; epoch: number; batch: number; logs: Logs }
  | { kind: 'layerwise.done'; id: number; weights: WireTensor[]; history: Record<string, number[]>; epoch: number[] }
  | { kind: 'layerwise.error'; id: number; message: string };

/** Copies a tensor's values out (never its storage itself, so transferring the copy detaches nothing in use). */
export function toWire(t: Tensor): WireTensor {
  return { data: t.dataSync().slice(), shape: [...t.shape], dtype: t.dtype };
}

export function fromWire(w: WireTensor): Tensor {
  return tensor(w.data, w.shape, w.dtype);
}

/** The buffers of wire tensors, to transfer rather than copy. */
export function buffers(ws: WireTensor[]): ArrayBuffer[] {
  return ws.map((w) => w.data.buffer as ArrayBuffer);
}
