// The dashboard's run log writer: hand-built batch lines equal to JSON, the flush bound, and whole lines after a kill.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BATCH_QUEUE_RECORDS, BatchLines, LineWriter } from '../../src/callbacks/dashboard_writer.js';
import type { BatchRecord } from '../../src/callbacks/dashboard_log.js';
import { readRun } from '../../src/board/runlog.js';
import { withTempDir } from '../helpers/temp_dir.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const moduleUrl = (rel: string): string => JSON.stringify(new URL(rel, import.meta.url).href);

const withDir = (f: (dir: string) => Promise<void>): Promise<void> => withTempDir('lw-dashlog-', f);

describe('dashboard run log', () => {
  it('builds batch lines that parse to the record JSON.stringify would write (t to 0.01 ms, sps whole, non-finite as null)', () => {
    const lines = new BatchLines();
    const logs = { loss: 0.123456789012345, 'odd "key"\n': -1e-12, acc: Number.NaN, big: Number.POSITIVE_INFINITY };
    const parsed = JSON.parse(lines.line(7, 2, 3, 1234.5678, 0.001, 31234.6, logs)) as BatchRecord;
    assert.deepEqual(parsed, {
      type: 'batch', step: 7, epoch: 2, batch: 3, t: 1234.57, lr: 0.001, sps: 31235,
      logs: { loss: 0.123456789012345, 'odd "key"\n': -1e-12, acc: null, big: null },
    });
    // No lr outside the sampled batches; sps null before the first window; small and whole times.
    assert.deepEqual(JSON.parse(lines.line(0, 0, 0, 0.004, undefined, null, {})), { type: 'batch', step: 0, epoch: 0, batch: 0, t: 0, sps: null, logs: {} });
    assert.equal((JSON.parse(lines.line(1, 0, 1, 5.05, null, 10, { loss: 1 })) as BatchRecord).t, 5.05);
    assert.equal((JSON.parse(lines.line(1, 0, 1, 1e6 + 0.999, null, 10, { loss: 1 })) as BatchRecord).t, 1000001);
    assert.equal((JSON.parse(lines.line(1, 0, 1, 0, null, 10, { loss: 1 })) as BatchRecord).lr, null);
  });

  it('writes waiting lines once about maxBufferedChars wait, whole lines only', async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, 'events.jsonl');
      const w = new LineWriter(file, 1000);
      const line = (i: number): string => JSON.stringify({ type: 'note', step: i, t: 0, text: 'x'.repeat(80) });
      for (let i = 0; i < 7; i++) w.pushLine(line(i)); // 7 x 122 chars
      assert.equal((await stat(file)).size, 0, 'under the bound nothing is written');
      for (let i = 7; i < 25; i++) w.pushLine(line(i));
      const text = await readFile(file, 'utf8');
      assert.ok(text.length >= 1000 && text.endsWith('\n'), `${text.length} chars written, ending in a newline`);
      assert.ok(w.pendingLines < 12);
      const steps = text.trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
      assert.deepEqual(steps, [...steps.keys()]);
      w.close();
      assert.equal((await readFile(file, 'utf8')).trim().split('\n').length, 25);
    });
  });

  it('hands a closed writer\'s buffer to the next writer; what the closed one is given after close is dropped', async () => {
    await withDir(async (dir) => {
      const a = path.join(dir, 'a.jsonl'), b = path.join(dir, 'b.jsonl');
      const first = new LineWriter(a, 4096);
      first.pushLine('{"run":"a"}');
      first.close();
      const buffer = (first as unknown as { buffer: Buffer }).buffer;
      const second = new LineWriter(b, 4096);
      assert.equal((second as unknown as { buffer: Buffer }).buffer, buffer, 'the second writer allocated a new buffer');
      second.pushLine('{"run":"b","i":0}');
      first.pushLine('{"run":"a","late":true}');
      first.pushBatch(1, 0, 1, 1, undefined, null, { loss: 1 });
      first.flush();
      second.pushLine('{"run":"b","i":1}');
      second.close();
      assert.equal(await readFile(a, 'utf8'), '{"run":"a"}\n');
      assert.equal(await readFile(b, 'utf8'), '{"run":"b","i":0}\n{"run":"b","i":1}\n');
    });
  });

  it('keeps lines in order across the bound: non-ASCII text, and a line longer than the whole buffer', async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, 'events.jsonl');
      const w = new LineWriter(file, 100);
      const texts = ['é→😀 "q"\n', 'z'.repeat(70_000), 'ü'.repeat(30), 'short', '😀'.repeat(40_000), 'end'];
      texts.forEach((text, i) => w.pushLine(JSON.stringify({ type: 'note', step: i, t: 0, text })));
      w.close();
      const lines = (await readFile(file, 'utf8')).split('\n');
      assert.equal(lines.pop(), '');
      assert.deepEqual(lines.map((l) => (JSON.parse(l) as { text: string }).text), texts);
    });
  });

  it('writes batch records held as numbers as the lines BatchLines makes, in order with the other lines', async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, 'events.jsonl');
      const w = new LineWriter(file, 1 << 20);
      const expected: string[] = [];
      const made = new BatchLines();
      const batch = (step: number, lr: number | null | undefined, sps: number | null, logs: Record<string, number>): void => {
        w.pushBatch(step, 0, step, step * 1.237, lr, sps, logs);
        expected.push(made.line(step, 0, step, step * 1.237, lr, sps, logs));
      };
      const n = BATCH_QUEUE_RECORDS + 40; // more than the queue holds: it turns into lines on its own
      for (let i = 0; i < n; i++) {
        if (i === 3) {
          const note = JSON.stringify({ type: 'note', step: i, t: 0, text: 'between' });
          w.pushLine(note);
          expected.push(note);
        }
        // The keys change at 10 (a new key) and at 20 (another order); lr on some batches, null and NaN values.
        const logs: Record<string, number> = i < 10 ? { loss: 1 / (i + 1), acc: i % 3 === 0 ? Number.NaN : i / n }
          : i < 20 ? { loss: 2 / i, acc: 0.5, 'odd "k"': -i } : { acc: i, loss: 1e-9 * i };
        batch(i, i % 7 === 0 ? 0.01 * i : i === 5 ? null : undefined, i === 0 ? null : 1000 + i, logs);
      }
      assert.equal(w.pendingLines > 0, true);
      w.flush();
      assert.equal(w.pendingLines, 0);
      assert.deepEqual((await readFile(file, 'utf8')).split('\n').slice(0, -1), expected);
      w.close();
    });
  });

  it('a killed fit loses only the batch lines since the last write (flushEveryMs), never a part of a line', async () => {
    await withDir(async (logDir) => {
      // Killed at step 6 of epoch 1 (batch 8 of 10 per epoch): with flushEveryMs 0 every batch line is on disk,
      // with a flush bound longer than the run, the epoch's batch lines still in memory are lost.
      for (const [name, flushEveryMs] of [['every', 0], ['never', 1e9]] as const) {
        const script = `
          const { Sequential, layers, tensor, randomNormal, callbacks } = await import(${moduleUrl('../../src/index.js')});
          const m = new Sequential([new layers.Dense(8, { activation: 'relu', inputShape: [4] }), new layers.Dense(2, { activation: 'softmax' })]);
          m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
          let epochs = 0;
          const kill = new callbacks.LambdaCallback({ onEpochEnd: () => { epochs++; }, onBatchEnd: (b) => { if (b === 6 && epochs === 1) process.kill(process.pid, 'SIGKILL'); } });
          const dash = new callbacks.Dashboard({ logDir: ${JSON.stringify(logDir)}, runName: '${name}', everyNSteps: 0, flushEveryMs: ${flushEveryMs} });
          await m.fit(randomNormal([80, 4]), tensor(Array.from({ length: 80 }, (_, i) => i % 2), [80], 'int32'),
            { epochs: 3, batchSize: 8, verbose: 0, callbacks: [dash, kill] });`;
        const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: here });
        assert.equal(child.signal, 'SIGKILL', child.stderr);
        const r = readRun(logDir, name)!;
        assert.deepEqual(r.notes, []);
        const steps = r.records.filter((x) => x.type === 'batch').map((x) => (x as BatchRecord).step);
        assert.deepEqual(steps, [...Array(flushEveryMs === 0 ? 17 : 10).keys()], name);
        assert.deepEqual(r.records.filter((x) => x.type === 'epoch').length, 1);
        assert.ok(!r.records.some((x) => x.type === 'end'));
      }
    });
  });

  it('leaves only whole lines (and at most one unfinished last line) when killed while writing large flushes', async () => {
    await withDir(async (dir) => {
      await mkdir(path.join(dir, 'run'));
      const file = path.join(dir, 'run', 'events.jsonl');
      for (const killAt of [200_000, 1_500_000, 4_000_000]) {
        await rm(file, { force: true });
        const script = `
          const { LineWriter } = await import(${moduleUrl('../../src/callbacks/dashboard_writer.js')});
          const w = new LineWriter(${JSON.stringify(file)}, 1 << 20);
          const pad = 'y'.repeat(3000);
          for (let i = 0; ; i++) w.pushLine(JSON.stringify({ type: 'note', step: i, t: i, text: pad }));`;
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: here, stdio: 'ignore' });
        const exited = new Promise((resolve) => child.on('exit', resolve));
        for (let waited = 0; waited < 30_000; waited += 2) {
          const size = await stat(file).then((s) => s.size, () => 0);
          if (size >= killAt) break;
          await new Promise((r) => setTimeout(r, 2));
        }
        child.kill('SIGKILL');
        await exited;
        const text = await readFile(file, 'utf8');
        const complete = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').slice(0, -1);
        assert.ok(complete.length > 0, `some lines were written before the kill at ${killAt} bytes`);
        const steps = complete.map((l) => (JSON.parse(l) as { step: number }).step);
        assert.deepEqual(steps, [...steps.keys()], 'lines in order, none torn or missing');
        const r = readRun(dir, 'run')!;
        assert.equal(r.records.length, complete.length);
      }
    });
  });
});
