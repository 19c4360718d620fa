// A stand-in issuer for the bench and for UI work without the Worker: serves a built PWA the way
// the Worker's static assets do (`/` and `/wallet`), plus a signed trust list and revocation feed
// with ETag/304 and a Date header. Loopback only. The browser tests use the real Worker instead.

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

export interface CannedIssuer {
  baseUrl: string;
  /** Replace what the feed endpoint serves (e.g. after a downgrade). */
  setFeed(bytes: Uint8Array, etag: string): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
};

export async function startCannedIssuer(options: {
  distDir: string;
  trustList: Uint8Array;
  feed: Uint8Array;
  port?: number;
}): Promise<CannedIssuer> {
  let feed = { bytes: options.feed, etag: '"rv-1"' };
  const trustEtag = '"tl-1"';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('date', new Date().toUTCString());
    const cose = (bytes: Uint8Array, etag: string) => {
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': 'application/cose', etag, 'cache-control': 'no-cache' }).end(bytes);
    };
    if (url.pathname === '/v1/trust-list') return cose(options.trustList, trustEtag);
    if (url.pathname === '/v1/revocations') return cose(feed.bytes, feed.etag);
    const file =
      url.pathname === '/' ? 'index.html' : url.pathname === '/wallet' ? 'wallet.html' : normalize(url.pathname).replace(/^[/\\]+/, '');
    if (file.startsWith('..')) return void res.writeHead(400).end();
    readFile(join(options.distDir, file)).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"No such route."}}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    setFeed: (bytes, etag) => {
      feed = { bytes, etag };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
