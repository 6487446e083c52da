// The WebAssembly kernels behind the native addon's call signatures (KernelAddon): operands already resident in the
// wasm heap (wasm_heap.ts) are passed by pointer, others are copied into a scratch block; the C ABI of
// native/wasm/abi.cc runs on them, and outputs that are not resident are copied back.
import type { KernelAddon } from './kernel_backend.js';
import type { WasmHeap } from './wasm_heap.js';

/** The C functions exported by the module (pointers are byte offsets into its memory). */
export interface WasmExports {
  memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(ptr: number): void;
  lw_gemm(a: number, b: number, c: number, m: number, n: number, k: number, ta: number, tb: number, bias: number, act: number, alpha: number): void;
  lw_unary(op: number, x: number, y: number, n: number, alpha: number): void;
  lw_activation_grad(act: number, x: number, y: number, dy: number, out: number, n: number, alpha: number): void;
  lw_binary(op: number, a: number, b: number, out: number, dims: number, rank: number): void;
  lw_reduce(op: number, x: number, out: number, outer: number, r: number, inner: number): void;
  lw_softmax(x: number, out: number, rows: number, n: number, log: number): void;
  lw_softmax_grad(y: number, dy: number, dx: number, rows: number, n: number): void;
  lw_dense_grad(act: number, alpha: number, x: number, w: number, y: number, dy: number, dx: number, dw: number, db: number, m: number, k: number, n: number): void;
  lw_dense_grad_sgd(act: number, alpha: number, x: number, w: number, y: number, dy: number, dx: number, bias: number, rate: number, m: number, k: number, n: number): void;
  lw_batchnorm_forward(x: number, gamma: number, beta: number, epsilon: number, rows: number, c: number, y: number, mean: number, variance: number, rstd: number): void;
  lw_batchnorm_backward(x: number, dy: number, mean: number, rstd: number, gamma: number, rows: number, c: number, dx: number, dgamma: number, dbeta: number): void;
  lw_scale_shift(x: number, scale: number, shift: number, rows: number, c: number, y: number): void;
  lw_moving_average(target: number, value: number, n: number, momentum: number): void;
  lw_optimizer(kind: number, params: number, lengths: number, count: number, nslots: number, hyper: number, flags: number): void;
  lw_num_threads(): number;
  lw_isa(): number;
}

/** Bump allocation of one call's operands in a reusable scratch block (grown, never shrunk). */
class Scratch {
  private base = 0;
  private cap = 0;
  private top = 0;
  private f32 = new Float32Array(0);

  constructor(private readonly w: WasmExports, private readonly resident: WasmHeap | null) {}

  /** Starts a call whose operands take at most `floats` floats (plus alignment); returns the heap view. */
  begin(floats: number): void {
    const bytes = floats * 4 + 64 * 16;
    if (bytes > this.cap) {
      if (this.base) this.w.free(this.base);
      this.cap = Math.max(bytes, this.cap * 2, 1 << 20);
      this.base = this.w.malloc(this.cap);
      if (!this.base) throw new RangeError(`wasm backend: out of memory allocating ${this.cap} bytes of scratch`);
    }
    this.top = this.base;
  }

  /** The heap as floats (re-read after memory growth, which replaces the buffer). */
  heap(): Float32Array {
    if (this.f32.buffer !== this.w.memory.buffer) this.f32 = new Float32Array(this.w.memory.buffer);
    return this.f32;
  }

  /** Reserves n floats, 64-byte aligned; returns the byte pointer. */
  take(n: number): number {
    const p = this.top;
    this.top += Math.ceil((n * 4) / 64) * 64;
    return p;
  }

  /** Byte address of a[at] when a is resident in the heap, else -1. */
  private where(a: Float32Array, at: number): number {
    const p = this.resident ? this.resident.pointer(a) : -1;
    return p < 0 ? -1 : p + at * 4;
  }

  /** The address of src[from, from + n): in place when resident, else copied in. */
  put(src: Float32Array, from = 0, n = src.length - from): number {
    const r = this.where(src, from);
    if (r >= 0) return r;
    const p = this.take(n);
    this.heap().set(from === 0 && n === src.length ? src : src.subarray(from, from + n), p >> 2);
    return p;
  }

  /** Where a kernel writes dst[at, at + n): in place when resident, else scratch that get() copies back. */
  out(dst: Float32Array, n = dst.length, at = 0): number {
    const r = this.where(dst, at);
    return r >= 0 ? r : this.take(n);
  }

  /** Copies n floats at pointer p out to dst at offset `at` (nothing to do when p is dst itself). */
  get(p: number, dst: Float32Array, n = dst.length, at = 0): void {
    if (this.where(dst, at) === p) return;
    const h = this.heap();
    dst.set(h.subarray(p >> 2, (p >> 2) + n), at);
  }
}

const len = (...xs: (Float32Array | null | undefined)[]): number => xs.reduce((s, x) => s + (x ? x.length + 16 : 0), 0);

/**
 * KernelAddon over an instantiated module; `isa` names its instruction set for backend info. With `heap`, arrays it
 * allocated are used in place (the module's memory must be shared, see wasm_heap.ts).
 */
export function makeWasmAddon(w: WasmExports, isa: string, heap: WasmHeap | null = null): KernelAddon {
  const s = new Scratch(w, heap);
  const opt = (x: Float32Array | null | undefined): number => (x ? s.put(x) : 0);
  const out = (x: Float32Array | null): number => (x ? s.out(x) : 0);
  const back = (p: number, x: Float32Array | null): void => {
    if (x) s.get(p, x);
  };
  return {
    gemm(a, offA, b, offB, c, offC, m, n, k, transA, transB, bias, act, alpha) {
      s.begin(m * k + k * n + m * n + n + 64);
      const pa = s.put(a, offA, m * k);
      const pb = s.put(b, offB, k * n);
      const pbias = bias ? s.put(bias, 0, n) : 0;
      const pc = s.out(c, m * n, offC);
      w.lw_gemm(pa, pb, pc, m, n, k, transA ? 1 : 0, transB ? 1 : 0, pbias, act, alpha);
      s.get(pc, c, m * n, offC);
    },
    unary(op, x, y, alpha) {
      s.begin(2 * x.length + 32);
      const px = s.put(x);
      const py = s.out(y, x.length);
      w.lw_unary(op, px, py, x.length, alpha);
      s.get(py, y, x.length);
    },
    activationGrad(act, x, y, dy, o, alpha) {
      const n = dy.length;
      s.begin(4 * n + 64);
      const px = s.put(x, 0, n);
      const py = s.put(y, 0, n);
      const pdy = s.put(dy);
      const po = s.out(o, n);
      w.lw_activation_grad(act, px, py, pdy, po, n, alpha);
      s.get(po, o, n);
    },
    binary(op, a, b, o, dims) {
      const rank = dims[0];
      const total = o.length;
      s.begin(len(a, b, o) + 3 * rank + 48);
      const pa = s.put(a);
      const pb = s.put(b);
      const po = s.out(o, total);
      const pd = s.take(3 * Math.max(rank, 1));
      const d = new Int32Array(w.memory.buffer, pd, 3 * Math.max(rank, 1));
      if (rank === 0) d.set([1, 0, 0]);
      else d.set(dims.subarray(1));
      w.lw_binary(op, pa, pb, po, pd, Math.max(rank, 1));
      s.get(po, o, total);
    },
    reduce(op, x, o, outer, r, inner) {
      s.begin(len(x) + outer * inner + 32);
      const px = s.put(x, 0, outer * r * inner);
      const po = s.out(o, outer * inner);
      w.lw_reduce(op, px, po, outer, r, inner);
      s.get(po, o, outer * inner);
    },
    softmax(x, o, rows, n, log) {
      s.begin(2 * rows * n + 32);
      const px = s.put(x, 0, rows * n);
      const po = s.out(o, rows * n);
      w.lw_softmax(px, po, rows, n, log ? 1 : 0);
      s.get(po, o, rows * n);
    },
    softmaxGrad(y, dy, dx, rows, n) {
      s.begin(3 * rows * n + 48);
      const py = s.put(y);
      const pdy = s.put(dy);
      const pdx = s.out(dx, rows * n);
      w.lw_softmax_grad(py, pdy, pdx, rows, n);
      s.get(pdx, dx, rows * n);
    },
    denseGrad(act, alpha, x, wk, y, dy, dx, dw, db, m, k, n) {
      s.begin(len(x, wk, y, dy, dx, dw, db));
      const [px, pw, py, pdy] = [s.put(x), s.put(wk), s.put(y), s.put(dy)];
      const [pdx, pdw, pdb] = [out(dx), out(dw), out(db)];
      w.lw_dense_grad(act, alpha, px, pw, py, pdy, pdx, pdw, pdb, m, k, n);
      back(pdx, dx);
      back(pdw, dw);
      back(pdb, db);
    },
    denseGradSgd(act, alpha, x, wk, y, dy, dx, bias, rate, m, k, n) {
      s.begin(len(x, wk, y, dy, dx, bias));
      const [px, pw, py, pdy, pbias] = [s.put(x), s.put(wk), s.put(y), s.put(dy), opt(bias)];
      const pdx = out(dx);
      w.lw_dense_grad_sgd(act, alpha, px, pw, py, pdy, pdx, pbias, rate, m, k, n);
      back(pdx, dx);
      s.get(pw, wk);
      back(pbias, bias);
    },
    batchNormForward(x, gamma, beta, epsilon, rows, c, y, mean, variance, rstd) {
      s.begin(len(x, gamma, beta, y, mean, variance, rstd));
      const [px, pg, pb] = [s.put(x), opt(gamma), opt(beta)];
      const [py, pm, pv, pr] = [s.out(y), s.out(mean, c), s.out(variance, c), s.out(rstd, c)];
      w.lw_batchnorm_forward(px, pg, pb, epsilon, rows, c, py, pm, pv, pr);
      s.get(py, y);
      s.get(pm, mean);
      s.get(pv, variance);
      s.get(pr, rstd);
    },
    batchNormBackward(x, dy, mean, rstd, gamma, rows, c, dx, dgamma, dbeta) {
      s.begin(len(x, dy, mean, rstd, gamma, dx, dgamma, dbeta));
      const [px, pdy, pm, pr, pg] = [s.put(x), s.put(dy), s.put(mean), s.put(rstd), opt(gamma)];
      const [pdx, pdg, pdb] = [out(dx), out(dgamma), out(dbeta)];
      w.lw_batchnorm_backward(px, pdy, pm, pr, pg, rows, c, pdx, pdg, pdb);
      back(pdx, dx);
      back(pdg, dgamma);
      back(pdb, dbeta);
    },
    scaleShift(x, scale, shift, rows, c, y) {
      s.begin(len(x, scale, shift, y));
      const [px, psc, psh] = [s.put(x), s.put(scale), s.put(shift)];
      const py = s.out(y);
      w.lw_scale_shift(px, psc, psh, rows, c, py);
      s.get(py, y);
    },
    movingAverage(targets, values, momentum) {
      if (targets.length !== values.length) throw new TypeError('movingAverage: targets and values differ in count');
      for (let i = 0; i < targets.length; i++) {
        const t = targets[i];
        const v = values[i];
        if (t.length !== v.length) throw new TypeError('movingAverage: expected Float32Arrays of equal lengths');
        s.begin(len(t, v));
        const [pt, pv] = [s.put(t), s.put(v)];
        w.lw_moving_average(pt, pv, t.length, momentum);
        s.get(pt, t);
      }
    },
    optimizer(kind, params, grads, slots, hyper, flags) {
      const np = params.length;
      if (grads.length !== np) throw new TypeError('optimizer: params and grads differ in count');
      if (slots.length > 4) throw new TypeError('optimizer: at most 4 slots per parameter');
      let floats = 8 * np + 64;
      for (let p = 0; p < np; p++) {
        if (grads[p].length !== params[p].length) throw new TypeError('optimizer: a gradient differs in length from its parameter');
        floats += (2 + slots.length) * (params[p].length + 16);
      }
      s.begin(floats);
      const ptrs = s.take(6 * np);
      const lens = s.take(np);
      const ph = s.take(18); // 9 doubles
      const where: number[][] = [];
      for (let p = 0; p < np; p++) {
        const row = [s.put(params[p]), s.put(grads[p]), ...slots.map((sl) => {
          if (sl[p].length !== params[p].length) throw new TypeError('optimizer: a slot differs in length from its parameter');
          return s.put(sl[p]);
        })];
        while (row.length < 6) row.push(0);
        where.push(row);
      }
      const words = new Int32Array(w.memory.buffer);
      where.forEach((row, p) => {
        words.set(row, (ptrs >> 2) + 6 * p);
        words[(lens >> 2) + p] = params[p].length;
      });
      new Float64Array(w.memory.buffer, ph, 9).set([...hyper.slice(0, 8), hyper[8] ?? 1]);
      w.lw_optimizer(kind, ptrs, lens, np, slots.length, ph, flags);
      for (let p = 0; p < np; p++) {
        s.get(where[p][0], params[p]);
        slots.forEach((sl, k) => s.get(where[p][2 + k], sl[p]));
      }
    },
    optimizerKinds: 'sgd,adam,rmsprop,nadam',
    numThreads: () => w.lw_num_threads(),
    isa: () => isa,
  };
}
