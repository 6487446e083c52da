// A tiny HTTP server on 127.0.0.1 (ephemeral port) serving fixed bytes, truncated bodies, errors and redirects.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fixture {
  url(route: string): string;
  hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Routes: /file/<name> serves files[name]; /truncated/<name> announces the full Content-Length,
 * sends half and drops the connection; /chunked-drop/<name> sends half without a length and
 * drops; /redirect/<name> 302s to /file/<name>; anything else is 404.
 */
export async function serveFixture(files: Record<string, Uint8Array>): Promise<Fixture> {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    const [, kind, name] = url.split('?')[0].split('/');
    const body = files[decodeURIComponent(name ?? '')];
    if (body === undefined) {
      res.writeHead(404, 'Not Found').end('missing');
      return;
    }
    if (kind === 'file') {
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
    } else if (kind === 'truncated' || kind === 'chunked-drop') {
      res.writeHead(200, kind === 'truncated' ? { 'content-length': body.length } : {});
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
    } else if (kind === 'redirect') {
      res.writeHead(302, { location: `/file/${name}` }).end();
    } else {
      res.writeHead(404, 'Not Found').end('missing');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (route) => `http://127.0.0.1:${port}${route}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A URL on 127.0.0.1 whose port had a listener a moment ago and has none now (connection refused). */
export async function refusedUrl(route = '/file/x'): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${route}`;
}
