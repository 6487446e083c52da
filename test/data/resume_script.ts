// Helper process for resume.test.ts: a seeded fit with dropout, Adam and a shuffled feed, backed up every 3 batches.
// Does nothing unless run with --run <backupDir> <outFile> <stream|tensor|steps|tensor-steps> (the test runner may load every file under test/).
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import '../../src/backend/native.js';
import { Sequential } from '../../src/models/index.js';
import { Dense, Dropout } from '../../src/layers/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { Dataset } from '../../src/data/index.js';
import { BackupAndRestore } from '../../src/callbacks/backup_and_restore.js';
import { LambdaCallback } from '../../src/callbacks/lambda.js';
import * as metrics from '../../src/metrics/index.js';

async function main(backupDir: string, outFile: string, mode: string): Promise<void> {
  setRandomSeed(1234);
  const x = randomNormal([384, 6]);
  const y = tensor((x.array() as number[][]).map((r) => (r[0] + r[1] * r[2] > 0 ? 1 : r[3] > 0.5 ? 2 : 0)), [384], 'int32');
  const model = new Sequential([
    new Dense(24, { inputShape: [6], activation: 'relu' }),
    new Dropout(0.3),
    new Dense(3, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy', new metrics.SparseTopKCategoricalAccuracy({ k: 2 })] });
  // Every epoch's logs, merged across restarts (written before the backup of that epoch: a kill loses none).
  const logsFile = `${outFile}.epochs.json`;
  const epochLogs = new LambdaCallback({
    onEpochEnd: (epoch, logs) => {
      const all = existsSync(logsFile) ? JSON.parse(readFileSync(logsFile, 'utf8')) as Record<string, unknown> : {};
      all[epoch] = logs;
      writeFileSync(`${logsFile}.tmp`, JSON.stringify(all));
      renameSync(`${logsFile}.tmp`, logsFile);
    },
  });
  const delay = new LambdaCallback({ onBatchEnd: () => new Promise<void>((r) => setTimeout(r, 4)) });
  const started = new LambdaCallback({ onTrainBegin: () => void process.stdout.write('training\n') });
  const callbacks = [epochLogs, new BackupAndRestore(backupDir, { saveFreq: 3 }), started, delay];
  const ds = Dataset.fromTensors([x, y]).shuffle(128).batch(16);
  if (mode === 'stream') await model.fit(ds, { epochs: 5, verbose: 0, callbacks });
  else if (mode === 'steps') await model.fit(ds.repeat(), { epochs: 5, stepsPerEpoch: 17, verbose: 0, callbacks });
  // 24 batches per pass, 7 per epoch: passes end mid-epoch (a short epoch 4), later ones carry over epochs.
  else if (mode === 'tensor-steps') await model.fit(x, y, { epochs: 5, batchSize: 16, stepsPerEpoch: 7, verbose: 0, callbacks });
  else await model.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0, callbacks });
  const weights = model.getWeights().map((w) => Buffer.from(Float64Array.from(w.dataSync()).buffer).toString('base64'));
  writeFileSync(`${outFile}.tmp`, JSON.stringify(weights));
  renameSync(`${outFile}.tmp`, outFile);
}

const at = process.argv.indexOf('--run');
if (at >= 0) await main(process.argv[at + 1], process.argv[at + 2], process.argv[at + 3]);
