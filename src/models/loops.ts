// The fit / evaluate / predict loops over a batch feed (tensors or a stream): validation, callbacks, exact resume.
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/tape.js';
import { globalRng } from '../random/rng.js';
import type { Model } from './functional.js';
import { splitTail, yieldToEventLoop, type ModelData } from './data.js';
import {
  currentLogs, joinBatches, newTrackers, prepare, requireCompiled, resetMetrics, testStep, trainStep,
  type DataSource, type EvaluateArgs, type FitArgs, type PredictArgs, type Prepared,
} from './training.js';
import { isStream, pack, StreamFeed, TensorFeed, unpack, type Feed } from './feeds.js';
import { restoreMetricStates, setTrainingPosition, takeResume, type TrainingPosition } from './resume.js';
import { isPromise } from '../data/iterator.js';
import { CallbackList, type Callback, type Logs } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { Progbar, ProgbarLogger } from '../callbacks/progbar.js';

function positiveInt(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${what} must be a positive integer, received ${v}`);
  return v;
}

/** Runs the test steps over a feed; returns the logs (with `prefix`, e.g. 'val_'). */
async function evaluateLoop(model: Model, feed: Feed, prefix: string, bar: Progbar | null): Promise<Logs> {
  resetMetrics(model);
  const trackers = newTrackers(model);
  const started = feed.begin(0, 0);
  if (isPromise(started)) await started;
  let step = 0;
  for (;; step++) {
    let b = feed.next(step);
    if (isPromise(b)) b = await b;
    if (!b) break;
    testStep(model, b.xs, b.ys, b.sw, trackers);
    bar?.update(step + 1, Object.entries(currentLogs(model, trackers, prefix)));
    await yieldToEventLoop();
  }
  const logs = currentLogs(model, trackers, prefix);
  bar?.update(step, Object.entries(logs), true);
  return logs;
}

/** Keras' array adapter: batchSize if given, else ceil(samples / steps) with steps, else 32. */
function arrayBatchSize(given: number | undefined, n: number, steps: number | undefined, sizeArg: string, stepsArg: string): number {
  if (given !== undefined) return positiveInt(given, sizeArg);
  return steps === undefined ? 32 : Math.max(1, Math.ceil(n / positiveInt(steps, stepsArg)));
}

const optionalSteps = (v: number | undefined, what: string): number | null => (v === undefined ? null : positiveInt(v, what));

/** The training feed and the validation feed of a fit call. */
function fitFeeds(model: Model, x: ModelData | DataSource, y: ModelData | undefined, args: FitArgs): { train: Feed; val: Feed | null } {
  let val: Feed | null = null;
  const vd = args.validationData;
  const valSteps = optionalSteps(args.validationSteps, 'fit: validationSteps');
  const valFeed = (p: Prepared): TensorFeed =>
    new TensorFeed(p, arrayBatchSize(args.validationBatchSize ?? args.batchSize, p.n, args.validationSteps, 'fit: validationBatchSize', 'fit: validationSteps'), false, valSteps, 'validation');
  if (vd && isStream(vd)) val = new StreamFeed(model, vd, { mode: 'fit', steps: args.validationSteps, what: 'validation', release: true });
  else if (vd) {
    const [vx, vy, vsw] = vd as [ModelData, ModelData, Tensor?];
    val = valFeed(prepare(model, vx, vy, vsw ?? null));
  }
  if (isStream(x)) {
    if (y !== undefined && y !== null) throw new Error('fit: a Dataset or iterable yields [x, y] batches itself; do not pass y');
    if (args.validationSplit) throw new Error('fit: validationSplit needs in-memory tensors; pass validationData with a Dataset');
    if (args.sampleWeight || args.classWeight) throw new Error('fit: with a Dataset, yield [x, y, sampleWeight] batches instead of sampleWeight/classWeight');
    return { train: new StreamFeed(model, x, { mode: 'fit', steps: args.stepsPerEpoch, what: 'fit', release: true }), val };
  }
  if (y === undefined) throw new Error('fit: expected targets y with in-memory x (or pass a Dataset of [x, y] batches)');
  let data = prepare(model, x, y, args.sampleWeight, args.classWeight);
  if (!vd && args.validationSplit) {
    const { train, val: held } = splitTail(pack(data), data.n, args.validationSplit);
    val = valFeed(unpack(held, data));
    data = unpack(train, data);
  }
  const steps = optionalSteps(args.stepsPerEpoch, 'fit: stepsPerEpoch');
  return { train: new TensorFeed(data, arrayBatchSize(args.batchSize, data.n, args.stepsPerEpoch, 'fit: batchSize', 'fit: stepsPerEpoch'), args.shuffle !== false, steps), val };
}

/**
 * Keras fit: epochs of shuffled mini-batches (or a stream's batches), running-mean logs, optional validation,
 * callbacks. The epoch loss is the mean of the batch losses weighted by batch size (Keras 3's loss tracker).
 * The position (epoch, batch, shuffle generator state) is exposed so BackupAndRestore can resume exactly.
 */
export async function fit(model: Model, x: ModelData | DataSource, y: ModelData | undefined, args: FitArgs = {}): Promise<History> {
  requireCompiled(model, 'fit');
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, received ${epochs}`);
  const verbose = args.verbose ?? 1;
  const validationFreq = positiveInt(args.validationFreq ?? 1, 'fit: validationFreq');
  const { train: feed, val } = fitFeeds(model, x, y, args);
  const batchSize = feed instanceof TensorFeed ? feed.batchSize : args.batchSize ?? 32;
  const user: Callback[] = args.callbacks ?? [];
  const history = new History();
  const callbacks = new CallbackList([
    ...(verbose > 0 && !user.some((c) => c instanceof ProgbarLogger) ? [new ProgbarLogger()] : []),
    ...user,
    history,
  ]);
  callbacks.setModel(model);
  const params = { epochs, steps: feed.steps, verbose, samples: feed.samples, batchSize };
  callbacks.setParams(params);
  model.stopTraining = false;
  model.resumeEpoch = null;
  takeResume(model);
  await callbacks.call('onTrainBegin');
  const resume = takeResume(model);
  const first = resume?.epoch ?? model.resumeEpoch ?? args.initialEpoch ?? 0;
  model.resumeEpoch = null;
  const rng = globalRng();
  let logs: Logs = {};
  let aborted = false;
  try {
    for (let epoch = first; epoch < epochs && !model.stopTraining; epoch++) {
      resetMetrics(model);
      const trackers = newTrackers(model);
      await callbacks.callAt('onEpochBegin', epoch);
      const at = resume && epoch === resume.epoch ? resume : null;
      // The epoch's shuffle is drawn from the generator's state at this point: a resumed epoch redraws the same one.
      if (at) rng.setState(at.epochRng);
      const pos: TrainingPosition = { epoch, step: at?.step ?? 0, position: at?.position ?? 0, epochRng: rng.getState(), loss: { total: 0, count: 0 }, carry: 0 };
      const started = feed.begin(epoch, pos.position);
      if (isPromise(started)) await started;
      // In-memory tensors with stepsPerEpoch: the open pass may have drawn its shuffle in an earlier epoch.
      if (feed.passRng) pos.epochRng = feed.passRng;
      if (at) {
        // Mid-epoch: the generator continues from the saved batch. At an epoch start (step 0) the saved state was
        // the one the shuffle drew from, already in place: restoring it again would replay the shuffle's draws (but
        // a pass carried over from an earlier epoch was redrawn from its own older state: the saved one follows).
        if (at.step > 0 || (feed.passRng && at.position > 0)) rng.setState(at.rng);
        trackers.loss.restore(at.loss);
        at.outputLosses?.forEach((s, i) => trackers.outputs[i]?.restore(s));
        if (at.step > 0 && at.metrics) restoreMetricStates(model, at.metrics);
      }
      setTrainingPosition(model, pos);
      let step = pos.step;
      for (;; step++) {
        if (args.signal?.aborted) {
          aborted = true;
          break;
        }
        let b = feed.next(step);
        if (isPromise(b)) b = await b;
        if (!b) break;
        await callbacks.callAt('onBatchBegin', step, { batch: step, size: b.n });
        trainStep(model, b.xs, b.ys, b.sw, trackers);
        model.lastTrainBatch = { xs: b.xs, ys: b.ys };
        pos.step = step + 1;
        pos.position = feed.position();
        pos.loss = trackers.loss.state();
        if (trackers.outputs.length > 1) pos.outputLosses = trackers.outputs.map((t) => t.state());
        pos.carry = feed.carriesOver ? feed.carry?.() ?? pos.position : 0;
        pos.passRng = feed.passRng ?? undefined;
        await callbacks.callAt('onBatchEnd', step, currentLogs(model, trackers));
        if (model.stopTraining) break;
        await yieldToEventLoop();
      }
      if (aborted || args.signal?.aborted) {
        aborted = true;
        break;
      }
      if (feed.exhausted) {
        console.warn(`Warning: fit: your input ran out of data after ${step} batches of epoch ${epoch + 1}; interrupting training. Make sure the dataset can generate at least stepsPerEpoch * epochs batches (use repeat()).`);
        model.stopTraining = true;
      }
      if (params.steps === null) params.steps = step;
      const epochLogs = currentLogs(model, trackers);
      if (val && (epoch + 1) % validationFreq === 0) Object.assign(epochLogs, await evaluateLoop(model, val, 'val_', null));
      await callbacks.callAt('onEpochEnd', epoch, epochLogs);
      logs = epochLogs;
    }
  } finally {
    setTrainingPosition(model, null);
  }
  if (aborted) {
    model.stopTraining = true;
    for (const c of callbacks.callbacks) c.params.aborted = true;
  }
  await callbacks.call('onTrainEnd', logs);
  return history;
}

/** Keras evaluate: [loss, ...per-output losses, ...metrics] over the whole data (or `steps` batches of a stream). */
export async function evaluate(model: Model, x: ModelData | DataSource, y: ModelData | undefined, args: EvaluateArgs = {}): Promise<number[]> {
  requireCompiled(model, 'evaluate');
  let feed: Feed;
  if (isStream(x)) feed = new StreamFeed(model, x, { mode: 'fit', steps: args.steps, what: 'evaluate', release: true });
  else {
    if (y === undefined) throw new Error('evaluate: expected targets y with in-memory x (or pass a Dataset of [x, y] batches)');
    const p = prepare(model, x, y, args.sampleWeight);
    feed = new TensorFeed(p, arrayBatchSize(args.batchSize, p.n, args.steps, 'evaluate: batchSize', 'evaluate: steps'), false, optionalSteps(args.steps, 'evaluate: steps'), 'evaluate');
  }
  const verbose = args.verbose ?? 1;
  const bar = verbose > 0 ? new Progbar(feed.steps, { verbose }) : null;
  return Object.values(await evaluateLoop(model, feed, '', bar));
}

/** Keras predict: outputs in inference mode, batch by batch, concatenated (one tensor per output); verbose 1 (default) shows the bar. */
export async function predict(model: Model, x: ModelData | DataSource, args: PredictArgs = {}): Promise<Tensor | Tensor[]> {
  let feed: Feed;
  if (isStream(x)) feed = new StreamFeed(model, x, { mode: 'predict', steps: args.steps, what: 'predict' });
  else {
    const p = prepare(model, x, null);
    feed = new TensorFeed(p, arrayBatchSize(args.batchSize, p.n, args.steps, 'predict: batchSize', 'predict: steps'), false, optionalSteps(args.steps, 'predict: steps'), 'predict');
  }
  const bar = (args.verbose ?? 1) > 0 ? new Progbar(feed.steps, { verbose: args.verbose ?? 1 }) : null;
  const outs: Tensor[][] = [];
  const started = feed.begin(0, 0);
  if (isPromise(started)) await started;
  let step = 0;
  for (;; step++) {
    let b: Prepared | null | Promise<Prepared | null> = feed.next(step);
    if (isPromise(b)) b = await b;
    if (!b) break;
    const xs = b.xs;
    outs.push(noGrad(() => model.callList(xs, { training: false, reuseIntermediates: true })));
    bar?.update(step + 1, []);
    await yieldToEventLoop();
  }
  bar?.update(step, [], true);
  const joined = joinBatches(outs);
  return joined.length === 1 ? joined[0] : joined;
}
