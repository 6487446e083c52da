// Bench helpers: the shared synthetic data set, time-boxed median measurements, a seeded normal sampler.
import { writeFileSync } from 'node:fs';

export const N_SAMPLES = 60000;
export const N_FEATURES = 784;
export const N_CLASSES = 10;
export const BATCH = 32;
export const PREDICT_BATCH = 1024;

export interface Dataset {
  x: Float32Array;
  y: Int32Array;
}

/** A small deterministic generator (xorshift32) so every peer sees exactly the same data. */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** 60,000 x 784 float32 in [0, 1) and labels 0..9 that depend on the data (so training has signal). */
export function makeDataset(): Dataset {
  const rnd = xorshift(12345);
  const x = new Float32Array(N_SAMPLES * N_FEATURES);
  const y = new Int32Array(N_SAMPLES);
  for (let i = 0; i < N_SAMPLES; i++) {
    let s = 0;
    for (let j = 0; j < N_FEATURES; j++) {
      const v = rnd();
      x[i * N_FEATURES + j] = v;
      if (j < 40) s += v;
    }
    y[i] = Math.min(N_CLASSES - 1, Math.floor(((s - 14) / 12) * N_CLASSES + N_CLASSES / 2));
    if (y[i] < 0) y[i] = 0;
  }
  return { x, y };
}

/** Writes the data set as raw little-endian files for the PyTorch script. */
export function writeDataset(d: Dataset, xPath: string, yPath: string): void {
  writeFileSync(xPath, new Uint8Array(d.x.buffer, d.x.byteOffset, d.x.byteLength));
  writeFileSync(yPath, new Uint8Array(d.y.buffer, d.y.byteOffset, d.y.byteLength));
}

/** Normal(0, std) samples truncated at 2 std (Keras' he_normal / lecun_normal shape). */
export function truncNormal(n: number, std: number, rnd: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z: number;
    do {
      const u = Math.max(rnd(), 1e-12);
      z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
    } while (Math.abs(z) > 2);
    out[i] = z * std * 1.1376;
  }
  return out;
}

export interface Measurement {
  /** Median samples (or flops) per second over the timed runs. */
  median: number;
  runs: number[];
  stepsPerRun: number;
}

export interface MeasureOptions {
  /** Seconds one timed run should last (the step count per run is derived from the warm-up). */
  runSeconds?: number;
  runs?: number;
  warmupSteps?: number;
  maxStepsPerRun?: number;
}

/** Runs `step` (which processes `units` samples or flops) in >= 3 timed runs after a warm-up; returns the median rate. */
export async function measure(step: () => unknown, units: number, options: MeasureOptions = {}): Promise<Measurement> {
  const { runSeconds = 1.5, runs = 3, warmupSteps = 2, maxStepsPerRun = 2000 } = options;
  let t0 = performance.now();
  for (let i = 0; i < warmupSteps; i++) await step();
  const perStep = Math.max((performance.now() - t0) / 1000 / warmupSteps, 1e-7);
  const stepsPerRun = Math.max(1, Math.min(maxStepsPerRun, Math.round(runSeconds / perStep)));
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    t0 = performance.now();
    for (let i = 0; i < stepsPerRun; i++) await step();
    rates.push((stepsPerRun * units) / ((performance.now() - t0) / 1000));
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], runs: rates, stepsPerRun };
}
