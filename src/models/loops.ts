// The fit / evaluate / predict loops: batching, shuffling, validation, callbacks, yielding between batches.
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/tape.js';
import type { Model } from './functional.js';
import { shuffledIndices, splitTail, takeBatch, yieldToEventLoop, type ModelData } from './data.js';
import {
  currentLogs, joinBatches, newTrackers, prepare, requireCompiled, resetMetrics, testStep, trainStep,
  type EvaluateArgs, type FitArgs, type PredictArgs, type Prepared,
} from './training.js';
import { CallbackList, type Callback, type Logs } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { Progbar, ProgbarLogger } from '../callbacks/progbar.js';

function positiveInt(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${what} must be a positive integer, received ${v}`);
  return v;
}

function pack(p: Prepared): Tensor[] {
  return [...p.xs, ...p.ys, ...(p.sw ? [p.sw] : [])];
}

function unpack(ts: Tensor[], like: Prepared): Prepared {
  const nx = like.xs.length;
  const ny = like.ys.length;
  return { xs: ts.slice(0, nx), ys: ts.slice(nx, nx + ny), sw: like.sw ? ts[nx + ny] : null, n: ts[0].shape[0] };
}

/** Runs the test steps over `data`; returns the logs (with `prefix`, e.g. 'val_'). */
async function evaluateLoop(model: Model, data: Prepared, batchSize: number, prefix: string, bar: Progbar | null): Promise<Logs> {
  resetMetrics(model);
  const trackers = newTrackers(model);
  const all = pack(data);
  const steps = Math.ceil(data.n / batchSize);
  for (let step = 0; step < steps; step++) {
    const start = step * batchSize;
    const b = unpack(takeBatch(all, start, Math.min(data.n, start + batchSize), null), data);
    testStep(model, b.xs, b.ys, b.sw, trackers);
    bar?.update(step + 1, Object.entries(currentLogs(model, trackers, prefix)));
    if (step + 1 < steps) await yieldToEventLoop();
  }
  const logs = currentLogs(model, trackers, prefix);
  bar?.update(steps, Object.entries(logs), true);
  return logs;
}

/**
 * Keras fit: epochs of shuffled mini-batches, running-mean logs, optional validation, callbacks.
 * The epoch loss is the mean of the batch losses weighted by batch size (Keras 3's loss tracker).
 */
export async function fit(model: Model, x: ModelData, y: ModelData, args: FitArgs = {}): Promise<History> {
  requireCompiled(model, 'fit');
  const batchSize = positiveInt(args.batchSize ?? 32, 'fit: batchSize');
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, received ${epochs}`);
  const verbose = args.verbose ?? 1;
  const validationFreq = positiveInt(args.validationFreq ?? 1, 'fit: validationFreq');
  let data = prepare(model, x, y, args.sampleWeight, args.classWeight);
  let val: Prepared | null = null;
  if (args.validationData) {
    const [vx, vy, vsw] = args.validationData;
    val = prepare(model, vx, vy, vsw ?? null);
  } else if (args.validationSplit) {
    const { train, val: held } = splitTail(pack(data), data.n, args.validationSplit);
    val = unpack(held, data);
    data = unpack(train, data);
  }
  const valBatch = positiveInt(args.validationBatchSize ?? batchSize, 'fit: validationBatchSize');
  const steps = Math.ceil(data.n / batchSize);
  const user: Callback[] = args.callbacks ?? [];
  const history = new History();
  const callbacks = new CallbackList([
    ...(verbose > 0 && !user.some((c) => c instanceof ProgbarLogger) ? [new ProgbarLogger()] : []),
    ...user,
    history,
  ]);
  callbacks.setModel(model);
  callbacks.setParams({ epochs, steps, verbose, samples: data.n, batchSize });
  model.stopTraining = false;
  model.resumeEpoch = null;
  await callbacks.call('onTrainBegin');
  const first = model.resumeEpoch ?? args.initialEpoch ?? 0;
  model.resumeEpoch = null;
  const all = pack(data);
  let logs: Logs = {};
  let aborted = false;
  for (let epoch = first; epoch < epochs && !model.stopTraining; epoch++) {
    resetMetrics(model);
    const trackers = newTrackers(model);
    await callbacks.callAt('onEpochBegin', epoch);
    const order = args.shuffle === false ? null : shuffledIndices(data.n);
    for (let step = 0; step < steps; step++) {
      if (args.signal?.aborted) {
        aborted = true;
        break;
      }
      const start = step * batchSize;
      const end = Math.min(data.n, start + batchSize);
      const b = unpack(takeBatch(all, start, end, order), data);
      await callbacks.callAt('onBatchBegin', step, { batch: step, size: end - start });
      trainStep(model, b.xs, b.ys, b.sw, trackers);
      model.lastTrainBatch = { xs: b.xs, ys: b.ys };
      await callbacks.callAt('onBatchEnd', step, currentLogs(model, trackers));
      if (model.stopTraining) break;
      await yieldToEventLoop();
    }
    if (aborted || args.signal?.aborted) {
      aborted = true;
      break;
    }
    const epochLogs = currentLogs(model, trackers);
    if (val && (epoch + 1) % validationFreq === 0) Object.assign(epochLogs, await evaluateLoop(model, val, valBatch, 'val_', null));
    await callbacks.callAt('onEpochEnd', epoch, epochLogs);
    logs = epochLogs;
  }
  if (aborted) {
    model.stopTraining = true;
    for (const c of callbacks.callbacks) c.params.aborted = true;
  }
  await callbacks.call('onTrainEnd', logs);
  return history;
}

/** Keras evaluate: [loss, ...per-output losses, ...metrics] over the whole data. */
export async function evaluate(model: Model, x: ModelData, y: ModelData, args: EvaluateArgs = {}): Promise<number[]> {
  requireCompiled(model, 'evaluate');
  const batchSize = positiveInt(args.batchSize ?? 32, 'evaluate: batchSize');
  const data = prepare(model, x, y, args.sampleWeight);
  const verbose = args.verbose ?? 1;
  const bar = verbose > 0 ? new Progbar(Math.ceil(data.n / batchSize), { verbose }) : null;
  return Object.values(await evaluateLoop(model, data, batchSize, '', bar));
}

/** Keras predict: outputs in inference mode, batch by batch, concatenated (one tensor per output); verbose 1 (default) shows the bar. */
export async function predict(model: Model, x: ModelData, args: PredictArgs = {}): Promise<Tensor | Tensor[]> {
  const batchSize = positiveInt(args.batchSize ?? 32, 'predict: batchSize');
  const data = prepare(model, x, null);
  const steps = Math.ceil(data.n / batchSize);
  const bar = (args.verbose ?? 1) > 0 ? new Progbar(steps, { verbose: args.verbose ?? 1 }) : null;
  const outs: Tensor[][] = [];
  for (let step = 0; step < steps; step++) {
    const start = step * batchSize;
    const xs = takeBatch(data.xs, start, Math.min(data.n, start + batchSize), null);
    outs.push(noGrad(() => model.callList(xs, { training: false, reuseIntermediates: true })));
    bar?.update(step + 1, [], step + 1 === steps);
    if (step + 1 < steps) await yieldToEventLoop();
  }
  const joined = joinBatches(outs);
  return joined.length === 1 ? joined[0] : joined;
}
