// Experiment 7: self-supervised pretraining: predict each image's rotation (labels from the data), reuse the lower layers.
import { Sequential, layers, optimizers, setRandomSeed } from 'layerwise';
import { fitTimed, last, type Ctx } from './common.js';
import { rotationTask } from './data.js';
import { compareOnLowData, describeLower, lowerLayers } from './lowdata.js';
import { fmt } from './report.js';

export async function selfSupervisedExperiment(ctx: Ctx): Promise<void> {
  const { cfg, data, section } = ctx;
  const { unlabeled, rotationEpochs, lower: units } = cfg.pretraining;
  const lowerArch = lowerLayers(units);
  const n = Math.min(unlabeled, data.sizes.train);
  const pool = data.train.x.sliceAxis(0, Math.min(cfg.pretraining.labeled, data.sizes.train - 1), n);
  const task = rotationTask(pool);
  const validTask = rotationTask(data.valid.x);
  setRandomSeed(44);
  const lower = lowerArch();
  const model = new Sequential([...lower, new layers.Dense(4, { activation: 'softmax' })]);
  model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.Nadam({ learningRate: 1e-3 }), metrics: ['accuracy'] });
  console.log('\n[7] rotation prediction (self-supervised)');
  const h = await fitTimed(model, task.x, task.y, { epochs: rotationEpochs, validationData: [validTask.x, validTask.y] });
  section.text(
    `Auxiliary task with labels from the data itself: each of ${task.x.shape[0]} unlabelled training images is rotated by k x 90 degrees ` +
    `(k = 0, 1, 2, 3 in turn) and the net predicts k. Net: ${describeLower(units)}, Dense(4, softmax); Nadam 1e-3, ` +
    `${rotationEpochs} epoch(s), ${fmt(h.seconds, 1)} s: rotation accuracy ${fmt(last(h.history.accuracy))} (train), ` +
    `${fmt(last(h.history.val_accuracy))} on ${validTask.x.shape[0]} rotated validation images (chance: 0.25).`,
  );
  await compareOnLowData(ctx, 'rotation-pretrained', lowerArch, lower);
}
