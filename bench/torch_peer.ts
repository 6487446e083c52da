// The PyTorch peer as one persistent process (`torch_bench.py --serve`): it loads the data and builds each workload's
// model once, then measures one item per JSON command, so the bench can pair every layerwise figure with a PyTorch
// figure taken seconds later.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

import { PY, type TorchConfig } from './torch_env.js';

export type TorchCommand =
  | { item: 'train' | 'predict'; workload: string; runSeconds?: number }
  | { item: 'gemm'; m: number; k: number; n: number; runSeconds?: number };

interface Pending { resolve: (rate: number) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }

/** True when /usr/bin/python3 can import torch. */
export function torchInstalled(): boolean {
  return spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

/** A running `torch_bench.py --serve` process; commands are answered in order, one JSON line each. */
export class TorchPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private readyWait: { resolve: (info: string) => void; reject: (e: Error) => void } | undefined;
  private readonly readyPromise: Promise<string>;
  private dead: string | undefined;
  private lastStderr = '';

  /** Spawns the server; `commandTimeoutMs` bounds each answer (the process is killed when exceeded). */
  constructor(script: string, xPath: string, yPath: string, runSeconds: number, private readonly config: TorchConfig,
    private readonly commandTimeoutMs = 180_000) {
    this.readyPromise = new Promise<string>((resolve, reject) => {
      this.readyWait = { resolve, reject };
    });
    this.readyPromise.catch(() => undefined); // observed by ready(); avoid an unhandled rejection if never awaited
    this.child = spawn(PY, [script, '--serve', xPath, yPath, String(runSeconds)], {
      env: { ...process.env, ...config.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      const lines = chunk.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
      if (lines.length > 0) this.lastStderr = lines[lines.length - 1];
    });
    this.child.stdin.on('error', () => undefined); // EPIPE after the process died; reported via 'exit'
    this.child.on('error', (e) => this.fail(e.message));
    this.child.on('exit', (code, signal) => {
      this.fail(`PyTorch server exited (${signal ?? `code ${code}`})${this.lastStderr ? `: ${this.lastStderr}` : ''}`);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    const ready = setTimeout(() => {
      this.fail('PyTorch server did not start within 120 s');
      this.kill();
    }, 120_000);
    ready.unref();
    this.readyPromise.then(() => clearTimeout(ready), () => clearTimeout(ready));
  }

  /** Resolves with a description ("PyTorch x.y, N threads, ...") once the data and models are loaded. */
  ready(): Promise<string> {
    return this.readyPromise;
  }

  /** Why the server can no longer answer, or undefined while it is alive. */
  get failure(): string | undefined {
    return this.dead;
  }

  /** Measures one item; resolves with its rate (samples/s, or GFLOP/s for gemm). */
  request(cmd: TorchCommand): Promise<number> {
    if (this.dead) return Promise.reject(new Error(this.dead));
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(`PyTorch server timed out after ${this.commandTimeoutMs / 1000} s`);
        this.kill();
      }, this.commandTimeoutMs);
      this.pending.push({ resolve, reject, timer });
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  /** Asks the server to quit and makes sure it does (SIGKILL after a grace period). */
  close(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    this.kill();
  }

  private kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const hard = setTimeout(() => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    }, 2000);
    hard.unref();
  }

  private onLine(line: string): void {
    let msg: { ready?: boolean; version?: string; threads?: number; blas?: string; rate?: number; error?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return; // not a protocol line
    }
    if (msg.ready) {
      this.readyWait?.resolve(`PyTorch ${msg.version ?? '?'}, ${msg.threads ?? '?'} threads, ${msg.blas ?? 'BLAS ?'}; ` +
        `${this.config.note}`);
      this.readyWait = undefined;
      return;
    }
    const p = this.pending.shift();
    if (!p) return;
    clearTimeout(p.timer);
    if (typeof msg.rate === 'number') p.resolve(msg.rate);
    else p.reject(new Error(msg.error ?? `bad answer: ${line.slice(0, 200)}`));
  }

  private fail(why: string): void {
    if (this.dead) return;
    this.dead = why;
    this.readyWait?.reject(new Error(why));
    this.readyWait = undefined;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
    }
  }
}
