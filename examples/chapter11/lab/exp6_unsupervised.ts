// Experiment 6: unsupervised pretraining: an autoencoder and a small GAN (custom loop) on unlabelled images, reused for the low-data task.
import {
  Sequential, layers, losses, callbacks, optimizers, randomNormal, concat, zeros, ones, noGrad, valueAndGrads, setRandomSeed, randomPermutation,
} from 'layerwise';
import type { Layer, Tensor } from 'layerwise';
import { fitTimed, last, type Ctx } from './common.js';
import { compareOnLowData, describeLower, lowerLayers, type LowerBuilder } from './lowdata.js';
import { fmt } from './report.js';

const selu = (units: number, args: Record<string, unknown> = {}): Layer => new layers.Dense(units, { activation: 'selu', kernelInitializer: 'lecun_normal', ...args });

export async function unsupervisedExperiment(ctx: Ctx): Promise<void> {
  const { cfg, data, section } = ctx;
  const { unlabeled, aeEpochs, lower: units, codings } = cfg.pretraining;
  const lowerArch = lowerLayers(units);
  const mirrored = [...units].reverse();
  const n = Math.min(unlabeled, data.sizes.train);
  // The labelled images of the low-data task are the first ones; the unlabelled pool is the rest (labels never read).
  const pool = data.train.x.sliceAxis(0, Math.min(cfg.pretraining.labeled, data.sizes.train - 1), n);
  section.text(
    `Unlabelled pool: ${pool.shape[0]} training images (no labels used). Reused lower layers, in every case: ${describeLower(units)} (LeCun normal).`,
  );

  // --- stacked autoencoder: lower layers + Dense(30) codings, mirrored decoder, reconstruction MSE
  setRandomSeed(42);
  const encoder = lowerArch();
  const ae = new Sequential([
    ...encoder,
    selu(codings),
    ...mirrored.map((u) => selu(u)),
    new layers.Dense(28 * 28, { activation: 'sigmoid' }),
    new layers.Reshape({ targetShape: [28, 28] }),
  ]);
  ae.compile({ loss: 'mse', optimizer: new optimizers.Nadam({ learningRate: 1e-3 }) });
  console.log('\n[6] autoencoder');
  const h = await fitTimed(ae, pool, pool, { epochs: aeEpochs, validationData: [data.valid.x, data.valid.x] });
  section.text(
    `**Autoencoder** (encoder: the lower layers + Dense(${codings}, SELU); decoder: ${mirrored.map((u) => `Dense(${u}, SELU)`).join(', ')}, Dense(784, sigmoid), Reshape): ` +
    `MSE reconstruction loss, Nadam 1e-3, ${aeEpochs} epochs: loss ${fmt(h.history.loss[0])} -> ${fmt(last(h.history.loss))}, ` +
    `validation reconstruction MSE ${fmt(last(h.history.val_loss))} (${fmt(h.seconds, 1)} s).`,
  );
  await compareOnLowData(ctx, 'autoencoder encoder', lowerArch, encoder);

  // --- GAN: custom training loop, two optimizers
  const gan = await trainGan(ctx, pool, lowerArch);
  section.text(
    `**GAN** (generator: ${mirrored.map((u) => `Dense(${u}, SELU)`).join(', ')}, Dense(784, sigmoid), Reshape, from ${codings} Gaussian codings; discriminator: the lower layers + Dense(1, sigmoid)), ` +
    `trained with a custom loop (\`valueAndGrads\` + \`applyGradients\`), one RMSprop optimizer per network, batch ${cfg.pretraining.ganBatch}, ${cfg.pretraining.ganEpochs} epoch(s), ${fmt(gan.seconds, 1)} s:`,
  );
  section.table(['Epoch', 'discriminator loss (mean)', 'generator loss (mean)', 'D(real) mean', 'D(fake) mean'], gan.epochs.map((e, i) => [String(i + 1), e.dLoss, e.gLoss, e.dReal, e.dFake]));
  await compareOnLowData(ctx, 'GAN discriminator', lowerArch, gan.discriminatorLower);
}

interface GanEpoch { dLoss: number; gLoss: number; dReal: number; dFake: number }

async function trainGan({ cfg }: Ctx, pool: Tensor, lowerArch: LowerBuilder): Promise<{ epochs: GanEpoch[]; discriminatorLower: Layer[]; seconds: number }> {
  const t0 = performance.now();
  setRandomSeed(43);
  const { codings, lower: units } = cfg.pretraining;
  const mirrored = [...units].reverse();
  const generator = new Sequential([
    ...mirrored.map((u, i) => selu(u, i === 0 ? { inputShape: [codings] } : {})),
    new layers.Dense(28 * 28, { activation: 'sigmoid' }),
    new layers.Reshape({ targetShape: [28, 28] }),
  ]);
  const lower = lowerArch();
  const discriminator = new Sequential([...lower, new layers.Dense(1, { activation: 'sigmoid' })]);
  const bce = losses.get('binary_crossentropy');
  const optD = new optimizers.RMSprop({ learningRate: 1e-3 });
  const optG = new optimizers.RMSprop({ learningRate: 1e-3 });
  const b = cfg.pretraining.ganBatch;
  const steps = Math.floor(pool.shape[0] / b);
  const yD = concat([zeros([b, 1]), ones([b, 1])], 0);
  const yG = ones([b, 1]);
  const epochs: GanEpoch[] = [];
  for (let epoch = 0; epoch < cfg.pretraining.ganEpochs; epoch++) {
    const order = randomPermutation(pool.shape[0]).cast('int32');
    const sums = { dLoss: 0, gLoss: 0, dReal: 0, dFake: 0 };
    const bar = new callbacks.Progbar(steps, { verbose: process.stdout.isTTY ? 1 : 2 });
    console.log(`GAN epoch ${epoch + 1}/${cfg.pretraining.ganEpochs}`);
    for (let step = 0; step < steps; step++) {
      const real = pool.gather(order.sliceAxis(0, step * b, (step + 1) * b), 0);
      // phase 1: train the discriminator on fake (0) and real (1) images
      const fake = noGrad(() => generator.apply(randomNormal([b, codings]), { training: true }) as Tensor);
      const xD = concat([fake, real], 0);
      let probs: Tensor | null = null;
      const d = valueAndGrads(() => {
        probs = discriminator.apply(xD, { training: true }) as Tensor;
        return bce.apply(yD, probs);
      }, discriminator.trainableWeights);
      optD.applyGradients(d.grads.map((g, i) => [g, discriminator.trainableWeights[i]]));
      // phase 2: train the generator to make the discriminator say "real"
      const g = valueAndGrads(() => bce.apply(yG, discriminator.apply(generator.apply(randomNormal([b, codings]), { training: true }) as Tensor, { training: true }) as Tensor), generator.trainableWeights);
      optG.applyGradients(g.grads.map((gr, i) => [gr, generator.trainableWeights[i]]));
      const p = Array.from((probs as unknown as Tensor).dataSync());
      sums.dLoss += d.value.item();
      sums.gLoss += g.value.item();
      sums.dFake += p.slice(0, b).reduce((a, v) => a + v, 0) / b;
      sums.dReal += p.slice(b).reduce((a, v) => a + v, 0) / b;
      const k = step + 1;
      bar.update(k, [['d_loss', sums.dLoss / k], ['g_loss', sums.gLoss / k]], k === steps);
      if (step % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    const k = Math.max(1, steps);
    epochs.push({ dLoss: sums.dLoss / k, gLoss: sums.gLoss / k, dReal: sums.dReal / k, dFake: sums.dFake / k });
  }
  return { epochs, discriminatorLower: lower, seconds: (performance.now() - t0) / 1000 };
}
