// BackupAndRestore: back up weights (and optimizer state) after each epoch; a later fit resumes after the last backup.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { convertArray, type DType } from '../tensor/dtype.js';
import type { Variable } from '../autograd/variable.js';
import { Callback } from './callback.js';

interface StoredTensor {
  shape: number[];
  dtype: DType;
  /** Base64 of the little-endian float64 values (exact for every dtype layerwise stores). */
  data: string;
}

interface Backup {
  format: 'layerwise-backup-1';
  /** The next epoch to run (= completed epochs). */
  epoch: number;
  weights: StoredTensor[];
  optimizer: StoredTensor[];
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

export interface BackupAndRestoreOptions {
  /** Remove the backup when fit completes (default true). */
  deleteCheckpoint?: boolean;
}

/**
 * Keras' BackupAndRestore: after every epoch, writes the model's weights, the optimizer's variables
 * and the epoch to `backupDir/backup.json` (atomically: write then rename). When fit starts and a
 * backup exists, the weights are restored and training resumes at the epoch after the last backup.
 * The optimizer is built on the model's trainable variables and its variables (iterations, learning
 * rate, slots) restored when their count and shapes match the backup (otherwise its slots start fresh). The backup is deleted when fit ends normally, but kept when
 * the fit was aborted (AbortSignal) or crashed, so the next fit resumes.
 * @example await model.fit(x, y, { epochs: 10, callbacks: [new callbacks.BackupAndRestore('runs/backup')] });
 */
export class BackupAndRestore extends Callback {
  private readonly file: string;

  constructor(readonly backupDir: string, private readonly options: BackupAndRestoreOptions = {}) {
    super();
    if (!backupDir) throw new Error('BackupAndRestore: backupDir is required');
    this.file = join(backupDir, 'backup.json');
  }

  private optimizerVariables(): Variable[] {
    const opt = this.model?.optimizer as { variables?: () => Variable[] } | undefined;
    return typeof opt?.variables === 'function' ? opt.variables() : [];
  }

  override onTrainBegin(): void {
    if (!existsSync(this.file)) return;
    const backup = JSON.parse(readFileSync(this.file, 'utf8')) as Backup;
    if (backup.format !== 'layerwise-backup-1') throw new Error(`BackupAndRestore: ${this.file} is not a layerwise backup`);
    this.model!.setWeights(backup.weights.map(load));
    const opt = this.model!.optimizer as { build?: (vs: Variable[]) => void } | undefined;
    if (typeof opt?.build === 'function') opt.build(this.model!.compiled?.trainable ?? this.model!.trainableWeights);
    const vars = this.optimizerVariables();
    if (vars.length === backup.optimizer.length && vars.every((v, i) => v.shape.join() === backup.optimizer[i].shape.join())) {
      vars.forEach((v, i) => v.assign(load(backup.optimizer[i])));
      const withLr = opt as { setVariables?: (vs: Tensor[]) => void };
      if (typeof withLr.setVariables === 'function') withLr.setVariables(vars.map((v) => v.read()));
    }
    this.model!.resumeEpoch = backup.epoch;
  }

  override onEpochEnd(epoch: number): void {
    const backup: Backup = {
      format: 'layerwise-backup-1',
      epoch: epoch + 1,
      weights: this.model!.getWeights().map(store),
      optimizer: this.optimizerVariables().map((v) => store(v.read())),
    };
    mkdirSync(this.backupDir, { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(backup));
    renameSync(tmp, this.file);
  }

  override onTrainEnd(): void {
    if (this.params.aborted) return;
    if (this.options.deleteCheckpoint ?? true) rmSync(this.file, { force: true });
  }
}
