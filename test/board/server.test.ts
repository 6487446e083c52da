// The board server: serves only its assets and the runs inside the log folder (traversal, encodings, symlinks),
// skips malformed lines with a note, streams new records, drops a page that never reads, and the CLI.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { appendFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBoard, type Board } from '../../src/board/server.js';
import { readRun, listRuns } from '../../src/board/runlog.js';
import { main } from '../../src/board/cli.js';

/** A raw GET: the path goes on the wire exactly as written (no client-side normalization). */
function get(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const line = (o: unknown): string => JSON.stringify(o) + '\n';
const runRecord = (name: string) => ({ type: 'run', name, startedAt: '2026-01-01T00:00:00Z', model: 'm', summary: '', layers: [], params: { epochs: 1, steps: 1 }, facts: { backend: 'reference', isa: null, threads: null, cpu: null, node: 'v20' } });

describe('board server', () => {
  let root: string;
  let logDir: string;
  let board: Board;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'lw-board-'));
    logDir = path.join(root, 'logs');
    await mkdir(path.join(logDir, 'good'), { recursive: true });
    await writeFile(path.join(logDir, 'good', 'events.jsonl'), line(runRecord('good'))
      + '{"type":"batch", this is not json\n'
      + line({ type: 'unheard-of' })
      + line([1, 2])
      + line({ type: 'epoch', step: 1, epoch: 0, t: 1, lr: 0.01, sps: 10, logs: { loss: 0.5 } })
      + '{"type":"epoch","step":2,"epo'); // truncated: a run killed mid-write
    // Outside the log folder: a secret, and a "run" that symlinks lead to.
    await writeFile(path.join(root, 'secret.txt'), 'TOP SECRET\n');
    await mkdir(path.join(root, 'outside'));
    await writeFile(path.join(root, 'outside', 'events.jsonl'), line(runRecord('outside')));
    await symlink(path.join(root, 'outside'), path.join(logDir, 'linked-dir'));
    await mkdir(path.join(logDir, 'linked-file'));
    await symlink(path.join(root, 'outside', 'events.jsonl'), path.join(logDir, 'linked-file', 'events.jsonl'));
    board = await startBoard({ logDir, port: 0, pollMs: 20, maxClientBuffer: 64 * 1024, stallMs: 300 });
  });

  after(async () => {
    await board.close();
    await rm(root, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 by default and serves the page with a strict content policy', async () => {
    assert.equal((board.server.address() as { address: string }).address, '127.0.0.1');
    const page = await get(board.port, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /layerwise board/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    for (const p of ['/static/board.js', '/static/charts.js', '/static/board.css', '/vendor/vega.min.js', '/vendor/vega-lite.min.js']) {
      assert.equal((await get(board.port, p)).status, 200, p);
    }
  });

  it('lists only runs whose log lies inside the log folder (symlinks out are not followed)', async () => {
    assert.deepEqual(listRuns(logDir).map((r) => r.name), ['good']);
    const res = await get(board.port, '/api/runs');
    assert.deepEqual((JSON.parse(res.body) as Array<{ name: string }>).map((r) => r.name), ['good']);
    for (const name of ['linked-dir', 'linked-file']) {
      assert.equal((await get(board.port, `/api/runs/${name}`)).status, 404, name);
      assert.equal(readRun(logDir, name), null);
    }
  });

  it('serves nothing outside the log folder and its assets, however the path is spelled', async () => {
    const attempts = [
      '/../secret.txt', '/../../package.json', '/static/../../../package.json', '/static/..%2f..%2fpackage.json',
      '/api/runs/..', '/api/runs/..%2Fsecret.txt', '/api/runs/%2e%2e%2fsecret.txt', '/api/runs/%2e%2e', '/api/runs/..%2F..%2F..%2Fetc%2Fpasswd',
      '/api/runs/good%2F..%2F..%2Fsecret.txt', '/api/runs/%252e%252e', '/api/runs/..%5Csecret.txt', '/api/runs/good%00',
      '/vendor/..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/api/runs/' + encodeURIComponent(path.join(root, 'outside')),
      '/src/board/page/board.js', '/node_modules/vega/package.json',
    ];
    for (const p of attempts) {
      const res = await get(board.port, p);
      assert.notEqual(res.status, 200, p);
      assert.doesNotMatch(res.body, /TOP SECRET|"name": "layerwise"|root:/, p);
    }
    // The page itself is reachable only under its fixed names.
    assert.equal((await get(board.port, '/static/index.html')).status, 404);
  });

  it('refuses other methods and foreign Host headers (DNS rebinding)', async () => {
    assert.equal((await get(board.port, '/api/runs', { Host: 'evil.example:80' })).status, 403);
    const res = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: board.port, path: '/api/runs', method: 'POST' }, (r) => { r.resume(); resolve(r.statusCode!); });
      req.end('x');
    });
    assert.equal(res, 405);
  });

  it('skips malformed lines with a note and leaves a truncated last line unread', async () => {
    const res = await get(board.port, '/api/runs/good');
    assert.equal(res.status, 200);
    const r = JSON.parse(res.body) as { records: Array<{ type: string }>; notes: string[]; next: number };
    assert.deepEqual(r.records.map((x) => x.type), ['run', 'epoch']);
    assert.equal(r.notes.length, 3);
    assert.match(r.notes[0], /not JSON/);
    assert.match(r.notes[1], /unknown record type/);
    assert.match(r.notes[2], /not an object/);
    const again = readRun(logDir, 'good', r.next)!;
    assert.deepEqual(again.records, []);
    assert.equal(again.next, r.next);
  });

  it('streams records appended to a run as server-sent events', async () => {
    const start = readRun(logDir, 'good')!.next;
    const events: string[] = [];
    const got = new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: board.port, path: `/api/stream?run=good&from=${start}` }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          events.push(c);
          if (events.join('').includes('"epoch":1')) { req.destroy(); resolve(); }
        });
      });
      req.end();
    });
    await new Promise((r) => setTimeout(r, 50));
    // Complete the truncated line, then add an epoch.
    await appendFile(path.join(logDir, 'good', 'events.jsonl'), 'ch":0}\n' + line({ type: 'epoch', step: 3, epoch: 1, t: 2, lr: 0.01, sps: 10, logs: { loss: 0.25 } }));
    await got;
    const text = events.join('');
    assert.match(text, /event: records/);
    assert.match(text, /"loss":0.25/);
  });

  it('drops a page that never reads instead of buffering without bound, and keeps answering', async () => {
    await mkdir(path.join(logDir, 'busy'));
    const file = path.join(logDir, 'busy', 'events.jsonl');
    await writeFile(file, line(runRecord('busy')));
    const sock = connect(board.port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write('GET /api/stream?run=busy&from=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    sock.pause(); // never reads a byte
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(board.clients, 1);
    const big = line({ type: 'note', step: 0, t: 0, text: 'x'.repeat(200_000) });
    for (let i = 0; i < 200 && board.clients > 0; i++) {
      await appendFile(file, big);
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(board.clients, 0, 'the stalled page was dropped');
    const t = Date.now();
    assert.equal((await get(board.port, '/api/runs')).status, 200);
    assert.ok(Date.now() - t < 5000);
    sock.destroy();
  });

  it('a page that reads gets a backlog far larger than the buffer, in pieces', async () => {
    await mkdir(path.join(logDir, 'backlog'));
    const file = path.join(logDir, 'backlog', 'events.jsonl');
    const n = 60;
    await writeFile(file, line(runRecord('backlog')) + Array.from({ length: n }, (_, i) => line({ type: 'note', step: i, t: 0, text: 'y'.repeat(20_000) })).join(''));
    const steps = await new Promise<number[]>((resolve, reject) => {
      const seen: number[] = [];
      let buf = '';
      const req = request({ host: '127.0.0.1', port: board.port, path: '/api/stream?run=backlog&from=0' }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const ev = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = ev.split('\n').find((l) => l.startsWith('data: '));
            if (ev.startsWith('event: records') && data) {
              for (const r of (JSON.parse(data.slice(6)) as { records: Array<{ type: string; step: number }> }).records) if (r.type === 'note') seen.push(r.step);
            }
            if (seen.length === n) { req.destroy(); resolve(seen); }
          }
        });
        res.on('close', () => reject(new Error(`stream closed after ${seen.length} records`)));
      });
      req.end();
    });
    assert.deepEqual(steps, [...Array(n).keys()]);
  });

  it('the CLI serves a folder and explains its usage', async () => {
    const lines: string[] = [];
    assert.equal(await main(['nope'], (l) => lines.push(l)), null);
    assert.match(lines[0], /usage: layerwise board/);
    await assert.rejects(main(['board', '--port', 'x'], () => {}), /--port/);
    const b = (await main(['board', logDir, '--port', '0'], (l) => lines.push(l)))!;
    try {
      assert.match(lines[1], /http:\/\/127\.0\.0\.1:\d+\//);
      assert.equal((await get(b.port, '/api/runs/good')).status, 200);
    } finally {
      await b.close();
    }
  });
});
