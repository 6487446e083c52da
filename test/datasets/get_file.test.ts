// getFile against a local HTTP server: download, cache reuse, bad hash, truncation, refusal, redirects, extract.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { getFile } from '../../src/datasets/index.js';
import { loadGolden } from '../helpers/golden.js';
import { refusedUrl, serveFixture, type Fixture } from './http_fixture.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const payload = new Uint8Array(Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) % 251));
const good = sha256(payload);
const tarGz = loadGolden<{ tar_gz: { base64: string; sha256: string; members: Record<string, string> } }>('datasets_fixtures.json').tar_gz;
const zip = zipSync({ 'x/one.txt': new TextEncoder().encode('one'), 'two.bin': new Uint8Array([1, 2, 3]) });

describe('getFile', () => {
  let server: Fixture;
  let root: string;
  let n = 0;
  const freshCache = async (): Promise<string> => mkdtemp(path.join(root, `c${n++}-`));
  const listing = async (dir: string): Promise<string[]> => (await readdir(path.join(dir, 'datasets'))).sort();

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'lw-getfile-'));
    server = await serveFixture({
      'data.bin': payload,
      'arch.tar.gz': new Uint8Array(Buffer.from(tarGz.base64, 'base64')),
      'arch.zip': zip,
    });
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('downloads a good file into <cacheDir>/datasets, verifies it and reuses the cached copy', async () => {
    const cacheDir = await freshCache();
    const url = server.url('/file/data.bin');
    const p = await getFile('data.bin', url, { sha256: good, cacheDir });
    assert.equal(p, path.join(cacheDir, 'datasets', 'data.bin'));
    assert.deepEqual(new Uint8Array(await readFile(p)), payload);
    const again = await getFile('data.bin', url, { sha256: good, cacheDir });
    assert.equal(again, p);
    assert.equal(server.hits.get('/file/data.bin'), 1, 'the verified cached copy is reused');
    assert.deepEqual(await listing(cacheDir), ['data.bin'], 'no temporary file is left');
  });

  it('downloads again when the cached copy no longer matches the hash', async () => {
    const cacheDir = await freshCache();
    const url = server.url('/file/data.bin?stale');
    const p = await getFile('data.bin', url, { sha256: good, cacheDir });
    await writeFile(p, 'garbage');
    const before = server.hits.get('/file/data.bin?stale');
    await getFile('data.bin', url, { sha256: good, cacheDir });
    assert.equal(server.hits.get('/file/data.bin?stale'), before! + 1);
    assert.equal(sha256(new Uint8Array(await readFile(p))), good);
  });

  it('rejects a wrong checksum naming both digests and caches nothing', async () => {
    const cacheDir = await freshCache();
    const wrong = 'f'.repeat(64);
    await assert.rejects(getFile('data.bin', server.url('/file/data.bin'), { sha256: wrong, cacheDir }), (e: Error) => {
      assert.match(e.message, /incomplete or corrupted download of http:\/\/127\.0\.0\.1:\d+\/file\/data\.bin/);
      assert.ok(e.message.includes(`is ${good}, expected ${wrong}`), e.message);
      return true;
    });
    assert.deepEqual(await listing(cacheDir), []);
  });

  it('rejects a transfer that ends before Content-Length and caches nothing (even without a hash)', async () => {
    const cacheDir = await freshCache();
    await assert.rejects(getFile('data.bin', server.url('/truncated/data.bin'), { cacheDir }),
      /URL fetch failure on .*\/truncated\/data\.bin: (transfer interrupted after \d+ of 200000 bytes|truncated transfer: expected 200000 bytes)/);
    assert.deepEqual(await listing(cacheDir), []);
  });

  it('rejects a chunked transfer cut off mid-stream and caches nothing', async () => {
    const cacheDir = await freshCache();
    await assert.rejects(getFile('data.bin', server.url('/chunked-drop/data.bin'), { cacheDir }),
      /URL fetch failure on .*\/chunked-drop\/data\.bin: (transfer interrupted|truncated transfer)/);
    assert.deepEqual(await listing(cacheDir), []);
  });

  it('reports a refused connection and removes a stale corrupt cache entry', async () => {
    const cacheDir = await freshCache();
    const url = await refusedUrl('/file/data.bin');
    await assert.rejects(getFile('data.bin', url, { cacheDir }), /URL fetch failure on http:\/\/127\.0\.0\.1:\d+\/file\/data\.bin: .*ECONNREFUSED/);
    assert.deepEqual(await listing(cacheDir), []);
    await writeFile(path.join(cacheDir, 'datasets', 'data.bin'), 'stale');
    await assert.rejects(getFile('data.bin', url, { sha256: good, cacheDir }), /ECONNREFUSED/);
    assert.deepEqual(await listing(cacheDir), [], 'the corrupt cached file is not kept');
  });

  it('reports HTTP errors, follows redirects and derives the file name from the URL', async () => {
    const cacheDir = await freshCache();
    await assert.rejects(getFile('nope.bin', server.url('/file/nope.bin'), { cacheDir }), /URL fetch failure on .*nope\.bin: HTTP 404 Not Found/);
    const p = await getFile(server.url('/redirect/data.bin'), { sha256: good, cacheDir });
    assert.equal(path.basename(p), 'data.bin');
    assert.equal(sha256(new Uint8Array(await readFile(p))), good);
    assert.deepEqual(await listing(cacheDir), ['data.bin']);
  });

  it('accepts Keras-style fileHash (md5 auto-detected) and rejects malformed digests', async () => {
    const cacheDir = await freshCache();
    const md5 = createHash('md5').update(payload).digest('hex');
    await getFile('m.bin', server.url('/file/data.bin'), { fileHash: md5, cacheDir });
    await assert.rejects(getFile('m2.bin', server.url('/file/data.bin'), { fileHash: '0'.repeat(32), cacheDir }), /md5 of the received file is/);
    await assert.rejects(getFile('m3.bin', server.url('/file/data.bin'), { sha256: 'abc', cacheDir }), /expected a 64-digit hex sha256 digest, received "abc"/);
    assert.deepEqual(await listing(cacheDir), ['m.bin']);
  });

  it('extracts tar.gz and zip archives into <file>_extracted', async () => {
    const cacheDir = await freshCache();
    const dir = await getFile('arch.tar.gz', server.url('/file/arch.tar.gz'), { sha256: tarGz.sha256, cacheDir, extract: true });
    assert.equal(dir, path.join(cacheDir, 'datasets', 'arch.tar.gz_extracted'));
    for (const [name, b64] of Object.entries(tarGz.members)) {
      assert.deepEqual(await readFile(path.join(dir, name)), Buffer.from(b64, 'base64'), name);
    }
    const zdir = await getFile('arch.zip', server.url('/file/arch.zip'), { cacheDir, extract: true });
    assert.equal(await readFile(path.join(zdir, 'x', 'one.txt'), 'utf8'), 'one');
    assert.deepEqual(Array.from(await readFile(path.join(zdir, 'two.bin'))), [1, 2, 3]);
  });

  it('draws a progress bar on stderr when asked', async () => {
    const cacheDir = await freshCache();
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await getFile('p.bin', server.url('/file/data.bin'), { cacheDir, progress: true });
    } finally {
      process.stderr.write = original;
    }
    const out = written.join('');
    assert.match(out, /Downloading data from http:\/\/127\.0\.0\.1:\d+\/file\/data\.bin/);
    assert.match(out, /200000\/200000 \[=+\]/);
  });
});
