// Shared helpers of the API acceptance suite (not a test file): temp dirs, console capture, numeric checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

/** A fresh temporary directory and a function removing it. */
export function tempDir(prefix = 'layerwise-api-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `fn` with console.log captured; returns its result and the printed lines. */
export function captureLog<T>(fn: () => T): { result: T; lines: string[] } {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  try {
    return { result: fn(), lines };
  } finally {
    console.log = original;
  }
}

/** Runs an async `fn` with console.log and console.warn silenced (progress bars, trainable-flag warnings). */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  const warn = console.warn;
  console.log = () => undefined;
  console.warn = () => undefined;
  try {
    return await fn();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/** Element-wise |a - b| <= atol + rtol * |b|, with a message naming the first mismatch. */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6, rtol = 1e-5, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = Number(actual[i]);
    const b = Number(expected[i]);
    assert.ok(Math.abs(a - b) <= atol + rtol * Math.abs(b), `${what}[${i}]: ${a} != ${b}`);
  }
}

/** Number of parameters of a Dense layer. */
export function denseParams(inputs: number, units: number, useBias = true): number {
  return inputs * units + (useBias ? units : 0);
}

/** Mean and (population) standard deviation of some numbers. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Number(values[i]);
  const mean = s / values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (Number(values[i]) - mean) ** 2;
  return { mean, std: Math.sqrt(v / values.length) };
}

