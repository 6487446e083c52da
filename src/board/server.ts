// The board's HTTP server: the page, its scripts, the run logs as JSON and a server-sent-event stream of new records.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listRuns, readRun, isSafeName } from './runlog.js';

export interface BoardOptions {
  /** The folder of runs to show. */
  logDir: string;
  /** Port (default 6006; 0 = any free port). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** How often live runs are checked for new lines (default 250 ms). */
  pollMs?: number;
  /**
   * Bytes a page may leave unread (default 4 MB): above half of it the page gets nothing new until it
   * catches up, and one that stays behind for `stallMs` is disconnected (its EventSource reconnects).
   */
  maxClientBuffer?: number;
  /** How long a page may stay behind before it is dropped (default 30 s). */
  stallMs?: number;
}

export interface Board {
  url: string;
  port: number;
  server: Server;
  /** Pages connected to the live stream. */
  readonly clients: number;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The page's folder: next to this module once copied, else src/board/page from dist/board or build/src/board. */
function pageDir(): string {
  for (const d of [join(here, 'page'), join(here, '..', '..', 'src', 'board', 'page'), join(here, '..', '..', '..', 'src', 'board', 'page')]) {
    if (existsSync(join(d, 'index.html'))) return d;
  }
  throw new Error(`board: page assets not found near ${here}`);
}

/** The browser builds of vega and vega-lite, from wherever Node resolves the packages. */
function vendorFile(pkg: 'vega' | 'vega-lite'): string {
  const main = createRequire(import.meta.url).resolve(pkg);
  return join(dirname(main), `${pkg}.min.js`);
}

/** Every path the server answers with a file: a fixed table, so no request path ever reaches the file system. */
function assetTable(): Map<string, { file: string; type: string }> {
  const page = pageDir();
  return new Map([
    ['/', { file: join(page, 'index.html'), type: 'text/html; charset=utf-8' }],
    ['/index.html', { file: join(page, 'index.html'), type: 'text/html; charset=utf-8' }],
    ['/static/board.js', { file: join(page, 'board.js'), type: 'text/javascript; charset=utf-8' }],
    ['/static/charts.js', { file: join(page, 'charts.js'), type: 'text/javascript; charset=utf-8' }],
    ['/static/board.css', { file: join(page, 'board.css'), type: 'text/css; charset=utf-8' }],
    ['/vendor/vega.min.js', { file: vendorFile('vega'), type: 'text/javascript; charset=utf-8' }],
    ['/vendor/vega-lite.min.js', { file: vendorFile('vega-lite'), type: 'text/javascript; charset=utf-8' }],
  ]);
}

// NOTE: vega compiles its expressions with `new Function`, hence 'unsafe-eval'; inline scripts stay forbidden.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

interface StreamClient {
  res: ServerResponse;
  /** Run name -> byte offset of the next unread line. */
  offsets: Map<string, number>;
  runs: string;
  /** When the page fell behind (null while it keeps up). */
  stalledSince: number | null;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

/** Host header check against DNS rebinding: only names of this machine (or the bound host) may ask. */
function allowedHost(req: IncomingMessage, host: string): boolean {
  const h = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return h === 'localhost' || h === '127.0.0.1' || h === '[::1]' || h === host.toLowerCase() || (host !== '127.0.0.1' && host !== 'localhost');
}

/**
 * Serves the board for the runs under `logDir`: `/` the page, `/api/runs` the run list,
 * `/api/runs/<name>?from=<byte>` a run's records, `/api/stream?run=<name>&from=<byte>...` new records
 * as server-sent events. Binds 127.0.0.1 unless `host` says otherwise.
 * @example const board = await startBoard({ logDir: 'runs', port: 6006 }); console.log(board.url);
 */
export async function startBoard(options: BoardOptions): Promise<Board> {
  const { logDir } = options;
  const host = options.host ?? '127.0.0.1';
  const pollMs = options.pollMs ?? 250;
  const maxBuffer = options.maxClientBuffer ?? 4 * 1024 * 1024;
  const assets = assetTable();
  const clients = new Set<StreamClient>();

  const stallMs = options.stallMs ?? 30_000;

  const write = (c: StreamClient, event: string, data: unknown): void => {
    if (!c.res.destroyed) c.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  /**
   * A page that does not read gets nothing more once half the budget waits unread (so at most about
   * maxBuffer bytes are held for it), and is dropped after stallMs; writes never wait, so neither does training.
   */
  const behind = (c: StreamClient, now: number): boolean => {
    if (c.res.writableLength <= maxBuffer / 2) {
      c.stalledSince = null;
      return false;
    }
    c.stalledSince ??= now;
    if (now - c.stalledSince >= stallMs) {
      c.res.destroy();
      clients.delete(c);
    }
    return true;
  };

  const poll = (): void => {
    if (clients.size === 0) return;
    const runs = listRuns(logDir);
    const names = JSON.stringify(runs.map((r) => r.name));
    const sizes = new Map(runs.map((r) => [r.name, r.size]));
    const now = Date.now();
    for (const c of clients) {
      if (behind(c, now)) continue;
      if (names !== c.runs) {
        c.runs = names;
        write(c, 'runs', runs);
      }
      for (const [name, from] of c.offsets) {
        const size = sizes.get(name);
        if (size === undefined || size <= from) continue;
        const r = readRun(logDir, name, from, maxBuffer / 4);
        if (!r || r.next === from) continue;
        c.offsets.set(name, r.next);
        write(c, 'records', { run: name, from, ...r });
      }
    }
  };

  const timer = setInterval(poll, pollMs);
  timer.unref();

  const stream = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const names = url.searchParams.getAll('run');
    const froms = url.searchParams.getAll('from');
    const c: StreamClient = { res, offsets: new Map(), runs: '', stalledSince: null };
    names.forEach((n, i) => {
      const from = Number(froms[i] ?? 0);
      if (isSafeName(n)) c.offsets.set(n, Number.isSafeInteger(from) && from >= 0 ? from : 0);
    });
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    clients.add(c);
    const drop = (): void => { clients.delete(c); };
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!allowedHost(req, host)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://board.invalid');
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'bad request\n');
    }
    const asset = assets.get(url.pathname);
    if (asset) {
      try {
        return send(res, 200, asset.type, readFileSync(asset.file));
      } catch {
        return send(res, 500, 'text/plain; charset=utf-8', 'asset missing\n');
      }
    }
    if (url.pathname === '/api/runs') return json(res, 200, listRuns(logDir));
    if (url.pathname === '/api/stream') return stream(req, res, url);
    if (url.pathname.startsWith('/api/runs/')) {
      let name: string;
      try {
        name = decodeURIComponent(url.pathname.slice('/api/runs/'.length));
      } catch {
        return send(res, 400, 'text/plain; charset=utf-8', 'bad request\n');
      }
      const r = readRun(logDir, name, Number(url.searchParams.get('from') ?? 0));
      return r ? json(res, 200, r) : send(res, 404, 'text/plain; charset=utf-8', 'no such run\n');
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
      console.warn(`board: ${(e as Error).message}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 6006, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const port = (server.address() as { port: number }).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    server,
    get clients() {
      return clients.size;
    },
    close: () => new Promise<void>((resolve) => {
      clearInterval(timer);
      for (const c of clients) c.res.destroy();
      clients.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
