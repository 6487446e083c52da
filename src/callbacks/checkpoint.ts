// ModelCheckpoint: save the model (or its weights) after epochs, optionally only when the monitored value improves.
import { Callback, type Logs } from './callback.js';
import { monitorValue, resolveMode, type MonitorMode } from './early_stopping.js';
import type { Model } from '../models/functional.js';

export interface ModelCheckpointOptions {
  monitor?: string;
  verbose?: number;
  /** Save only when `monitor` improves on the best value so far. */
  saveBestOnly?: boolean;
  /** Call model.saveWeights(path) instead of model.save(path). */
  saveWeightsOnly?: boolean;
  mode?: MonitorMode;
  /** Only save when the value beats this as well. */
  initialValueThreshold?: number;
  /**
   * Also write `<path>.state.json` beside each checkpoint (Node only): what BackupAndRestore keeps (weights and
   * optimizer variables bit for bit, the global and layer generators' states, the epoch and data position), so
   * `fit(..., { callbacks: [new callbacks.ResumeFromCheckpoint(path)] })` resumes exactly after that epoch
   * (default false: the model file alone, as Keras, restarts with a fresh optimizer and generator).
   */
  saveTrainingState?: boolean;
}

/** Writes a training-state file for the model after epoch `epoch` (installed by the Node-only callbacks module). @internal */
export type TrainingStateWriter = (model: Model, file: string, epoch: number) => Promise<void>;
let stateWriter: TrainingStateWriter | null = null;
/** @internal */
export function installTrainingStateWriter(w: TrainingStateWriter): void {
  stateWriter = w;
}

/** Where ModelCheckpoint({ saveTrainingState }) writes the training state of the checkpoint at `path`. */
export function trainingStatePath(path: string): string {
  return `${path}.state.json`;
}

/** Python-style `{epoch:02d}` / `{val_loss:.2f}` placeholders in a checkpoint path. */
export function formatFilepath(template: string, epoch: number, logs: Logs): string {
  const values: Record<string, number> = { ...logs, epoch };
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g, (whole, key: string, spec?: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`ModelCheckpoint: filepath "${template}" uses {${key}} but the logs have no such key (available: ${Object.keys(values).join(', ')})`);
    if (!spec) return String(v);
    const m = /^(0?)(\d*)(?:\.(\d+))?([dfe])$/.exec(spec);
    if (!m) return whole;
    const [, zero, width, precision, kind] = m;
    const s = kind === 'd' ? String(Math.trunc(v)) : kind === 'e' ? v.toExponential(Number(precision ?? 6)).replace(/e([+-])(\d)$/, 'e$10$2') : v.toFixed(Number(precision ?? 6));
    return width ? s.padStart(Number(width), zero ? '0' : ' ') : s;
  });
}

type Savable = { save?: (path: string) => unknown; saveWeights?: (path: string) => unknown };

/**
 * Keras' ModelCheckpoint. Saving goes through `model.save(path)` (or `model.saveWeights(path)` with
 * saveWeightsOnly), which src/saving implements (registerModelIO in src/models/io.ts); without it they throw a clear error.
 * @example new callbacks.ModelCheckpoint('my_checkpoints.keras', { saveBestOnly: true })
 */
export class ModelCheckpoint extends Callback {
  readonly monitor: string;
  best: number;
  warned = false;
  private readonly max: boolean;

  constructor(readonly filepath: string, private readonly options: ModelCheckpointOptions = {}) {
    super();
    if (options.saveTrainingState && !stateWriter) throw new Error('ModelCheckpoint: saveTrainingState writes files and needs Node (import layerwise from Node, not the browser build)');
    this.monitor = options.monitor ?? 'val_loss';
    this.max = resolveMode(options.mode ?? 'auto', this.monitor) === 'max';
    this.best = options.initialValueThreshold ?? (this.max ? -Infinity : Infinity);
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const path = formatFilepath(this.filepath, epoch + 1, logs);
    const verbose = (this.options.verbose ?? 0) > 0;
    if (this.options.saveBestOnly) {
      const current = monitorValue(this, this.monitor, logs, 'Can save best model only with');
      if (current === undefined) return;
      const better = this.max ? current > this.best : current < this.best;
      if (!better) {
        if (verbose) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best.toFixed(5)}`);
        return;
      }
      if (verbose) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${this.best.toFixed(5)} to ${current.toFixed(5)}, saving model to ${path}`);
      this.best = current;
    } else if (verbose) {
      console.log(`\nEpoch ${epoch + 1}: saving model to ${path}`);
    }
    await this.save(path, epoch);
  }

  private async save(path: string, epoch: number): Promise<void> {
    const model = this.model as unknown as Savable;
    const method = this.options.saveWeightsOnly ? 'saveWeights' : 'save';
    const fn = model[method];
    if (typeof fn !== 'function') throw new Error(`ModelCheckpoint: the model has no ${method}(path) method; cannot write "${path}"`);
    await fn.call(model, path);
    // After the model file: a state file always has its checkpoint beside it.
    if (this.options.saveTrainingState) await stateWriter!(this.model!, trainingStatePath(path), epoch);
  }
}
