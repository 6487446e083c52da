// The chapter 11 lab: runs the eight experiments on Fashion-MNIST and writes runs/<timestamp>/report.md with its plots.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { backendInfo, getBackend, setRandomSeed } from 'layerwise';
import { FULL, QUICK, USAGE, parseArgs, type LabArgs, type LabConfig } from './config.js';
import { logFitsTo, type Ctx } from './common.js';
import { loadLabData } from './data.js';
import { Report, fmt } from './report.js';
import { gradientsExperiment } from './exp1_gradients.js';
import { activationsExperiment } from './exp2_activations.js';
import { batchNormExperiment } from './exp3_batchnorm.js';
import { clippingExperiment } from './exp4_clipping.js';
import { transferExperiment } from './exp5_transfer.js';
import { unsupervisedExperiment } from './exp6_unsupervised.js';
import { selfSupervisedExperiment } from './exp7_selfsupervised.js';
import { cnnTransferExperiment } from './exp8_cnn_transfer.js';

/** The experiments, in report order. */
export const EXPERIMENTS: { title: string; run: (ctx: Ctx) => Promise<void> }[] = [
  { title: 'Vanishing/exploding gradients', run: gradientsExperiment },
  { title: 'Activations and initializers', run: activationsExperiment },
  { title: 'Batch normalization', run: batchNormExperiment },
  { title: 'Gradient clipping', run: clippingExperiment },
  { title: 'Transfer learning', run: transferExperiment },
  { title: 'Unsupervised pretraining: autoencoder and GAN', run: unsupervisedExperiment },
  { title: 'Self-supervised pretraining: rotation prediction', run: selfSupervisedExperiment },
  { title: 'Convolutional networks: accuracy and transfer learning', run: cnnTransferExperiment },
];

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** Runs the lab with command-line arguments; resolves to the process exit code (1 if an experiment failed). */
export async function main(argv: readonly string[]): Promise<number> {
  let args: LabArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const base = args.quick ? QUICK : FULL;
  const cfg: LabConfig = { ...base, seeds: args.seeds ?? base.seeds };
  const dir = path.resolve(args.outDir ?? path.join('runs', timestamp()));
  await mkdir(dir, { recursive: true });
  const t0 = performance.now();
  setRandomSeed(42);
  const backend = getBackend();
  const info = backendInfo();
  const kernels = info.isa ? ` (${info.isa} kernels, ${info.threads} threads)` : '';
  console.log(`Chapter 11 lab (${cfg.quick ? '--quick' : 'full'} run) on the ${backend} backend${kernels}; CPU ${info.cpu}; report in ${dir}`);
  if (backend === 'reference' && !cfg.quick) {
    console.log('Note: the full lab is sized for the native backend (about 15 minutes on 2 cores); on the reference backend it takes hours. Try `npm start -- --quick`.');
  }
  const data = await loadLabData(cfg);
  const report = new Report(dir, [
    `- Mode: ${cfg.quick ? '`--quick` (reduced sizes; the numbers illustrate, they do not reproduce the book)' : 'full'}`,
    `- Backend: ${backend}${kernels}; CPU: ${info.cpu}; Node ${process.version}; ${new Date().toISOString()}`,
    `- Data: Fashion-MNIST, pixels scaled to [0, 1]; the first 5,000 training images are the validation set (the book's split); ` +
      `used here: ${data.sizes.train} training, ${data.sizes.valid} validation, ${data.sizes.test} test images`,
    `- Seeds: ${cfg.seeds} (every experiment that states a comparison or a threshold runs once per seed)`,
    `- Training board: every fit is logged under \`board/\`; watch or replay them with \`npm run board -- ${path.join(dir, 'board')}\``,
  ], cfg.seeds);
  if (backend === 'reference') report.notes.push('Ran on the reference backend (pure TypeScript, slow); the full lab is sized for the native backend.');
  let failed = 0;
  for (const [i, exp] of EXPERIMENTS.entries()) {
    const number = i + 1;
    if (args.only && !args.only.includes(number)) continue;
    const section = report.section(number, exp.title);
    console.log(`\n=== ${number}. ${exp.title} ===`);
    setRandomSeed(42 + number);
    logFitsTo(path.join(dir, 'board'), `e${number}-`);
    const start = performance.now();
    const cpu = process.cpuUsage();
    try {
      await exp.run({ cfg, data, section });
    } catch (e) {
      failed++;
      const err = e as Error;
      console.error(err.stack ?? err.message);
      section.text(`**This experiment failed**: ${err.message.split('\n')[0]}`);
    }
    section.seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    section.cpuSeconds = (used.user + used.system) / 1e6;
    console.log(`(${number}. ${exp.title}: ${fmt(section.seconds, 1)} s, CPU ${fmt(section.cpuSeconds, 1)} s)`);
    await report.write((performance.now() - t0) / 1000);
  }
  const file = await report.write((performance.now() - t0) / 1000);
  console.log(`\nReport: ${file}${failed > 0 ? ` (${failed} experiment(s) failed; see the report)` : ''}`);
  return failed > 0 ? 1 : 0;
}
