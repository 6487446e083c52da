// A small static server for the browser tests on 127.0.0.1, sending the COOP/COEP headers that make the page
// cross-origin isolated (SharedArrayBuffer, the threaded wasm build). Routes map URL prefixes to files or bytes.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `bytes` at exact paths and the files under each `dirs` prefix (no path escapes); `isolate: false` leaves out
 * COOP/COEP (the page then has no SharedArrayBuffer, so every wasm peer runs on one thread).
 */
export async function serve(bytes: Record<string, string | Uint8Array>, dirs: Record<string, string>, options: { isolate?: boolean } = {}): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const isolation = options.isolate === false ? {} : {
        'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin',
      };
      const headers = {
        ...isolation, 'Cache-Control': 'no-store',
        'Content-Type': url.pathname === '/' ? 'text/html' : TYPES[path.extname(url.pathname)] ?? 'application/octet-stream',
      };
      let body: string | Uint8Array | undefined = bytes[url.pathname];
      if (body === undefined) {
        for (const [prefix, dir] of Object.entries(dirs)) {
          if (!url.pathname.startsWith(prefix)) continue;
          const file = path.resolve(dir, decodeURIComponent(url.pathname.slice(prefix.length)));
          if (!file.startsWith(path.resolve(dir) + path.sep)) break;
          body = await readFile(file).catch(() => undefined);
        }
      }
      if (body === undefined) {
        res.writeHead(404, headers).end('not found');
        return;
      }
      res.writeHead(200, headers).end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
