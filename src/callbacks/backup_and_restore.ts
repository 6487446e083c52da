// BackupAndRestore: back up weights, optimizer state, the random generator and the data position; a later fit resumes exactly.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { convertArray, type DType } from '../tensor/dtype.js';
import type { Variable } from '../autograd/variable.js';
import { globalRng } from '../random/rng.js';
import { metricStates, requestResume, seedStreams, trainingPosition, type ResumePoint } from '../models/resume.js';
import type { Model } from '../models/functional.js';
import { installTrainingStateWriter, trainingStatePath } from './checkpoint.js';
import { writeFileAtomic } from '../utils/atomic.js';
import { Callback } from './callback.js';

interface StoredTensor {
  shape: number[];
  dtype: DType;
  /** Base64 of the little-endian float64 values (exact for every dtype layerwise stores). */
  data: string;
}

interface Backup {
  format: 'layerwise-backup-1' | 'layerwise-backup-2';
  /** The epoch to run (= completed epochs when `resume.step` is 0). */
  epoch: number;
  weights: StoredTensor[];
  optimizer: StoredTensor[];
  /** Format 2: where in the epoch, the data position and the generator's states. */
  resume?: ResumePoint;
}

function store(t: Tensor): StoredTensor {
  const f64 = Float64Array.from(t.dataSync());
  return { shape: [...t.shape], dtype: t.dtype, data: Buffer.from(f64.buffer).toString('base64') };
}

function load(s: StoredTensor): Tensor {
  const buf = Buffer.from(s.data, 'base64');
  const f64 = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return new Tensor(convertArray(f64, s.dtype), s.shape, s.dtype);
}

function optimizerVariables(model: Model): Variable[] {
  const opt = model.optimizer as { variables?: () => Variable[] } | undefined;
  return typeof opt?.variables === 'function' ? opt.variables() : [];
}

/** The resume point after epoch `epoch` ends: the next epoch, from its start (or the carried iterator position). */
export function epochEndPoint(model: Model, epoch: number): ResumePoint {
  const pos = trainingPosition(model);
  const rng = globalRng().getState();
  const carry = pos?.carry ?? 0;
  // A pass carried into the next epoch (tensors with stepsPerEpoch) is redrawn from the state it drew its shuffle from.
  const epochRng = carry > 0 && pos?.passRng ? pos.passRng : rng;
  return { epoch: epoch + 1, step: 0, position: carry, carry, epochRng, rng, loss: { total: 0, count: 0 } };
}

/** Everything an exact resume needs at `point`: weights, optimizer variables, generators, data position, metric accumulators. */
export function captureTrainingState(model: Model, point: ResumePoint): Backup {
  return {
    format: 'layerwise-backup-2',
    epoch: point.epoch,
    weights: model.getWeights().map(store),
    optimizer: optimizerVariables(model).map((v) => store(v.read())),
    resume: { ...point, layerRngs: seedStreams(model).map((s) => s.getState()) },
  };
}

/** Restores a state file written by BackupAndRestore or ModelCheckpoint({ saveTrainingState }); call in onTrainBegin. */
export function restoreTrainingState(model: Model, file: string): void {
  const backup = JSON.parse(readFileSync(file, 'utf8')) as Backup;
  if (backup.format !== 'layerwise-backup-1' && backup.format !== 'layerwise-backup-2') throw new Error(`restore: ${file} is not a layerwise backup or training state`);
  model.setWeights(backup.weights.map(load));
  const opt = model.optimizer as { build?: (vs: Variable[]) => void } | undefined;
  if (typeof opt?.build === 'function') opt.build(model.compiled?.trainable ?? model.trainableWeights);
  const vars = optimizerVariables(model);
  if (vars.length === backup.optimizer.length && vars.every((v, i) => v.shape.join() === backup.optimizer[i].shape.join())) {
    vars.forEach((v, i) => v.assign(load(backup.optimizer[i])));
    const withLr = opt as { setVariables?: (vs: Tensor[]) => void };
    if (typeof withLr.setVariables === 'function') withLr.setVariables(vars.map((v) => v.read()));
  }
  if (backup.resume) {
    const streams = seedStreams(model);
    backup.resume.layerRngs?.forEach((st, i) => streams[i]?.setState(st));
    requestResume(model, backup.resume);
  } else model.resumeEpoch = backup.epoch;
}

// ModelCheckpoint({ saveTrainingState: true }) writes its state files through this (Node only).
installTrainingStateWriter(async (model, file, epoch) => {
  await writeFileAtomic(file, JSON.stringify(captureTrainingState(model, epochEndPoint(model, epoch))));
});

/**
 * Resumes a fit exactly from a ModelCheckpoint saved with `saveTrainingState: true`: pass the checkpoint's path
 * (or its `.state.json`). Weights, optimizer variables, generators and data position come back, and fit continues
 * at the epoch after the checkpoint, ending as the uninterrupted fit would have.
 * @example await model.fit(x, y, { epochs: 10, callbacks: [new callbacks.ResumeFromCheckpoint('ckpt/epoch_04.keras')] });
 */
export class ResumeFromCheckpoint extends Callback {
  readonly stateFile: string;

  constructor(path: string) {
    super();
    this.stateFile = path.endsWith('.state.json') ? path : trainingStatePath(path);
    if (!existsSync(this.stateFile)) throw new Error(`ResumeFromCheckpoint: no training state at ${this.stateFile} (save the checkpoint with ModelCheckpoint({ saveTrainingState: true }))`);
  }

  override onTrainBegin(): void {
    restoreTrainingState(this.model!, this.stateFile);
  }
}

export interface BackupAndRestoreOptions {
  /** 'epoch' (default): back up after every epoch; a number n: also after every n batches (Keras' save_freq). */
  saveFreq?: 'epoch' | number;
  /** Remove the backup when fit completes (default true). */
  deleteCheckpoint?: boolean;
}

/**
 * Keras' BackupAndRestore, exact: writes the model's weights, the optimizer's variables, the global random
 * generator's state and the data position (epoch, batch, the epoch's shuffle) to `backupDir/backup.json`
 * (atomically: temporary file, fsync, rename). When fit starts and a backup exists, everything is restored and
 * training resumes at the batch after the backup, so a fit killed at any moment and restarted under the same seed
 * ends with bit-identical weights. The backup is deleted when fit ends normally, kept when it was aborted or crashed.
 * Seeded layers' private generators (Dropout, RandomFlip... given a seed) are saved too.
 * NOTE: exactness assumes the data pipeline's randomness is seeded (shuffle seeds, the global seed), not Math.random.
 * @example await model.fit(ds, { epochs: 10, callbacks: [new callbacks.BackupAndRestore('runs/backup', { saveFreq: 100 })] });
 */
export class BackupAndRestore extends Callback {
  private readonly file: string;
  private readonly saveFreq: 'epoch' | number;
  private batches = 0;

  constructor(readonly backupDir: string, private readonly options: BackupAndRestoreOptions = {}) {
    super();
    if (!backupDir) throw new Error('BackupAndRestore: backupDir is required');
    this.file = join(backupDir, 'backup.json');
    this.saveFreq = options.saveFreq ?? 'epoch';
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new Error(`BackupAndRestore: saveFreq must be 'epoch' or a positive integer, received ${String(this.saveFreq)}`);
    }
  }

  override onTrainBegin(): void {
    this.batches = 0;
    if (existsSync(this.file)) restoreTrainingState(this.model!, this.file);
  }

  private async save(point: ResumePoint): Promise<void> {
    await mkdir(this.backupDir, { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify(captureTrainingState(this.model!, point)));
  }

  override async onBatchEnd(): Promise<void> {
    this.batches++;
    if (this.saveFreq === 'epoch' || this.batches % this.saveFreq !== 0) return;
    const pos = trainingPosition(this.model!);
    if (pos) await this.save({ ...pos, loss: { ...pos.loss }, rng: globalRng().getState(), metrics: metricStates(this.model!) });
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    await this.save(epochEndPoint(this.model!, epoch));
  }

  override onTrainEnd(): void {
    if (this.params.aborted) return;
    if (this.options.deleteCheckpoint ?? true) rmSync(this.file, { force: true });
  }
}
