// HTTP(S) download to a file with streaming hash, length check, redirects, timeout and a progress bar.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';

export interface DownloadResult {
  bytes: number;
  digest: string;
}

export interface DownloadOptions {
  hashAlgorithm: 'sha256' | 'md5';
  timeoutMs: number;
  progress: boolean;
  maxRedirects?: number;
}

/** A one-line Keras-style progress bar on stderr, redrawn at most every 100 ms. */
class ProgressBar {
  private last = 0;
  private readonly start = Date.now();
  constructor(private readonly total: number | undefined, private readonly enabled: boolean) {}

  update(done: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const secs = Math.round((now - this.start) / 1000);
    if (this.total !== undefined && this.total > 0) {
      const width = 30;
      const filled = Math.min(width, Math.floor((done / this.total) * width));
      const bar = '='.repeat(Math.max(0, filled - 1)) + (filled === width ? '=' : filled > 0 ? '>' : '') + '.'.repeat(width - filled);
      const digits = String(this.total).length;
      process.stderr.write(`\r${String(done).padStart(digits)}/${this.total} [${bar}] - ${secs}s`);
    } else {
      process.stderr.write(`\r${done} bytes - ${secs}s`);
    }
  }

  finish(done: number): void {
    if (!this.enabled) return;
    this.update(done, true);
    process.stderr.write('\n');
  }
}

function request(url: URL, timeoutMs: number): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!client) return Promise.reject(new Error(`unsupported protocol '${url.protocol}' (expected http: or https:)`));
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers: { 'user-agent': 'layerwise' } }, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs} ms (timed out)`)));
    req.on('error', reject);
  });
}

/**
 * Downloads `origin` into `dest` (created exclusively; the caller renames or removes it), hashing
 * the bytes as they stream. Throws on HTTP errors, connection failures, timeouts and transfers
 * that end before Content-Length bytes arrived.
 */
export async function downloadTo(origin: string, dest: string, opts: DownloadOptions): Promise<DownloadResult> {
  let url = new URL(origin);
  let res: http.IncomingMessage;
  for (let redirects = 0; ; redirects++) {
    try {
      res = await request(url, opts.timeoutMs);
    } catch (e) {
      throw new Error(`URL fetch failure on ${origin}: ${(e as Error).message}`);
    }
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (redirects >= (opts.maxRedirects ?? 5)) throw new Error(`URL fetch failure on ${origin}: more than ${opts.maxRedirects ?? 5} redirects`);
      url = new URL(res.headers.location, url);
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw new Error(`URL fetch failure on ${origin}: HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd());
    }
    break;
  }
  const lengthHeader = res.headers['content-length'];
  const expected = lengthHeader !== undefined ? Number(lengthHeader) : undefined;
  const hash = createHash(opts.hashAlgorithm);
  const bar = new ProgressBar(expected, opts.progress);
  if (opts.progress) process.stderr.write(`Downloading data from ${origin}\n`);
  const file = await open(dest, 'wx');
  let received = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      hash.update(chunk);
      received += chunk.length;
      await file.write(chunk);
      bar.update(received);
    }
    await file.sync();
  } catch (e) {
    throw new Error(`URL fetch failure on ${origin}: transfer interrupted after ${received}${expected !== undefined ? ` of ${expected}` : ''} bytes (${(e as Error).message})`);
  } finally {
    await file.close();
  }
  if (!res.complete || (expected !== undefined && received !== expected)) {
    throw new Error(`URL fetch failure on ${origin}: truncated transfer: expected ${expected ?? 'a complete response of unknown length'}${expected !== undefined ? ' bytes (Content-Length)' : ''}, received ${received} bytes`);
  }
  bar.finish(received);
  return { bytes: received, digest: hash.digest('hex') };
}
