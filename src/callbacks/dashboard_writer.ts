// The dashboard's append-only line writer: lines wait as UTF-8 in one buffer, batch records as numbers, until a flush.
import { closeSync, openSync, writeSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import type { LogRecord } from './dashboard_log.js';

/** Most bytes of lines (UTF-8) that wait in memory (about 1 MB) before they are written, however short the steps. */
export const MAX_BUFFERED_CHARS = 1 << 20;

/** Room beyond maxBufferedChars in a LineWriter's buffer, so the line that crosses the bound still fits. */
const LINE_SLACK = 1 << 16;

/**
 * Appends whole lines to a file opened in append mode. Lines wait in memory, copied as UTF-8 into one buffer
 * allocated once (so a waiting line is no string the garbage collector has to keep), until flush, or until
 * `maxBufferedChars` bytes are waiting; each flush writes its lines in order with the rest of a short write written
 * next, so the file only ever ends in a complete line or in a line still being written (without its newline, which
 * readers skip): a killed process leaves a log readable up to its last flushed line.
 */
export class LineWriter {
  private fd: number | null;
  private readonly buffer: Buffer;
  private used = 0;
  private lines = 0;
  private readonly queue = new BatchQueue();
  private readonly batchLines = new BatchLines();
  private readonly appendLine = (json: string): void => this.append(json);

  constructor(readonly path: string, readonly maxBufferedChars = MAX_BUFFERED_CHARS) {
    this.fd = openSync(path, 'a');
    this.buffer = takeBuffer(maxBufferedChars + LINE_SLACK);
  }

  push(record: LogRecord): void {
    this.pushLine(JSON.stringify(record));
  }

  /**
   * Appends a batch record (its line as BatchLines.line makes it). It waits as numbers and becomes its line when
   * the writer writes, or when another line is appended (lines stay in order).
   */
  pushBatch(step: number, epoch: number, batch: number, t: number, lr: number | null | undefined, sps: number | null, logs: Record<string, number>): void {
    const q = this.queue;
    if (this.fd === null) return;
    if (q.add(step, epoch, batch, t, lr, sps, logs)) return;
    this.drainBatches();
    q.reset(logs);
    q.add(step, epoch, batch, t, lr, sps, logs);
  }

  private drainBatches(): void {
    if (this.queue.count > 0) this.queue.drain(this.batchLines, this.appendLine);
  }

  /** Appends one line that is already JSON text (no newline inside). */
  pushLine(json: string): void {
    this.drainBatches();
    this.append(json);
  }

  private append(json: string): void {
    // A closed writer's buffer may be another writer's now: what comes after close is dropped.
    if (this.fd === null) return;
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const most = json.length * 3 + 1;
    if (this.used + most > this.buffer.length) {
      this.writeBuffered();
      if (most > this.buffer.length) {
        this.writeAll(Buffer.from(json + '\n', 'utf8'));
        return;
      }
    }
    this.used += this.buffer.write(json, this.used, 'utf8');
    this.buffer[this.used++] = 0x0a;
    this.lines++;
    if (this.used >= this.maxBufferedChars) this.writeBuffered();
  }

  get pendingLines(): number {
    return this.lines + this.queue.count;
  }

  flush(): void {
    this.drainBatches();
    this.writeBuffered();
  }

  /** Writes the lines in the buffer (not the batch records still held as numbers). */
  private writeBuffered(): void {
    if (this.fd === null || this.lines === 0) return;
    const n = this.used;
    this.used = 0;
    this.lines = 0;
    this.writeAll(this.buffer.subarray(0, n));
  }

  private writeAll(bytes: Uint8Array): void {
    if (this.fd === null) return;
    for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off);
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
    giveBuffer(this.buffer);
  }
}

/**
 * Line buffers of closed writers, for the next writer of the same size: a Dashboard opens one per fit, and a fresh
 * 1 MB buffer per fit lives until V8's next major collection (external memory counted against its old generation's
 * limit), so a process training many fits with a Dashboard had twice the mark-compacts of one without.
 */
const freeBuffers: Buffer[] = [];
const FREE_BUFFERS_MAX = 2;

function takeBuffer(bytes: number): Buffer {
  const i = freeBuffers.findIndex((b) => b.length === bytes);
  return i >= 0 ? freeBuffers.splice(i, 1)[0] : Buffer.allocUnsafeSlow(bytes);
}

function giveBuffer(b: Buffer): void {
  if (freeBuffers.length < FREE_BUFFERS_MAX && !freeBuffers.includes(b)) freeBuffers.push(b);
}

/**
 * The batch record's JSON line built by hand (a batch costs no record object and no JSON.stringify): the
 * logs' keys are escaped once, `t` is written to 0.01 ms and `sps` as a whole number (its text is kept
 * for the 200 ms window it holds). Non-finite values are written as null, as JSON.stringify would.
 */
export class BatchLines {
  private readonly keys = new Map<string, string>();
  private spsValue: number | null = null;
  private spsText = 'null';

  line(step: number, epoch: number, batch: number, t: number, lr: number | null | undefined, sps: number | null, logs: Record<string, number>): string {
    let s = this.head(step, epoch, batch, t, lr, sps);
    let first = true;
    for (const k in logs) {
      s += (first ? '' : ',') + this.key(k) + numberText(logs[k]);
      first = false;
    }
    return s + '}}';
  }

  /** The same line with the logs given as keys and their values at `vals[at ...]` (see BatchQueue). */
  lineOf(step: number, epoch: number, batch: number, t: number, lr: number | null | undefined, sps: number | null, keys: readonly string[], vals: Float64Array, at: number): string {
    let s = this.head(step, epoch, batch, t, lr, sps);
    for (let i = 0; i < keys.length; i++) s += (i === 0 ? '' : ',') + this.key(keys[i]) + numberText(vals[at + i]);
    return s + '}}';
  }

  private head(step: number, epoch: number, batch: number, t: number, lr: number | null | undefined, sps: number | null): string {
    if (sps !== this.spsValue) {
      this.spsValue = sps;
      this.spsText = sps !== null && Number.isFinite(sps) ? String(Math.round(sps)) : 'null';
    }
    let s = `{"type":"batch","step":${step},"epoch":${epoch},"batch":${batch},"t":${hundredths(t)}`;
    if (lr !== undefined) s += `,"lr":${numberText(lr)}`;
    return s + `,"sps":${this.spsText},"logs":{`;
  }

  private key(k: string): string {
    let key = this.keys.get(k);
    if (key === undefined) this.keys.set(k, (key = JSON.stringify(k) + ':'));
    return key;
  }
}

/** Batch records a LineWriter holds at most as numbers before it turns them into lines. */
export const BATCH_QUEUE_RECORDS = 512;

/**
 * Batch records kept as numbers (typed arrays filled in place, no string or object per batch) until their lines
 * are made, all at once, when the writer writes: formatting many lines in one go runs warm in the caches, where
 * a line made between two training steps finds them cold. The logs of the records held share one key list.
 */
class BatchQueue {
  count = 0;
  keys: string[] = [];
  private readonly head = new Float64Array(BATCH_QUEUE_RECORDS * 6);
  private readonly spsOf = new Float64Array(BATCH_QUEUE_RECORDS);
  private vals = new Float64Array(0);

  /** Holds one record; false (nothing held) when full or when the logs' keys differ from the held records'. */
  add(step: number, epoch: number, batch: number, t: number, lr: number | null | undefined, sps: number | null, logs: Record<string, number>): boolean {
    const n = this.count;
    if (n === BATCH_QUEUE_RECORDS) return false;
    const keys = this.keys, width = keys.length, vals = this.vals;
    let i = 0;
    for (const k in logs) {
      if (i === width || k !== keys[i]) return false;
      const v = logs[k];
      vals[n * width + i++] = typeof v === 'number' ? v : NaN;
    }
    if (i !== width) return false;
    const h = this.head, o = n * 6;
    h[o] = step;
    h[o + 1] = epoch;
    h[o + 2] = batch;
    h[o + 3] = t;
    // lr: absent (no key) -> 0 in the flag slot; null -> NaN (written as null, as numberText writes it).
    h[o + 4] = lr === undefined ? 0 : 1;
    h[o + 5] = lr === undefined || lr === null ? NaN : lr;
    this.spsOf[n] = sps === null ? NaN : sps;
    this.count = n + 1;
    return true;
  }

  /** Empties the queue for records whose logs have these keys. */
  reset(logs: Record<string, number>): void {
    this.count = 0;
    this.keys = Object.keys(logs);
    if (this.vals.length < BATCH_QUEUE_RECORDS * this.keys.length) this.vals = new Float64Array(BATCH_QUEUE_RECORDS * this.keys.length);
  }

  /** The lines of the records held, in order (the queue is emptied). */
  drain(lines: BatchLines, out: (line: string) => void): void {
    const h = this.head, width = this.keys.length;
    for (let r = 0; r < this.count; r++) {
      const o = r * 6, sps = this.spsOf[r];
      out(lines.lineOf(h[o], h[o + 1], h[o + 2], h[o + 3], h[o + 4] === 0 ? undefined : h[o + 5], Number.isNaN(sps) ? null : sps, this.keys, this.vals, r * width));
    }
    this.count = 0;
  }
}

function numberText(v: number | null): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : 'null';
}

/** A non-negative time in ms with two decimals, from integers (cheaper than a full double's shortest text). */
function hundredths(ms: number): string {
  if (!(ms >= 0 && ms < 9e13)) return numberText(ms);
  const c = Math.round(ms * 100);
  const frac = c % 100;
  return `${(c - frac) / 100}.${frac < 10 ? '0' : ''}${frac}`;
}
