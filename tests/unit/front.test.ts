/**
 * The front server's guards (lib/http/front.mjs) over real HTTP: a Node server runs `front` and
 * then a handler standing in for Next that reads the whole body and reports what it saw.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { front, HSTS } from '../../lib/http/front.mjs';

const servers: Server[] = [];
async function start(hops: number, maxBodyBytes = 64 * 1024): Promise<number> {
  const server = createServer((req, res) => {
    if (front(req, res, { hops, maxBodyBytes })) return;
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => res.end(JSON.stringify({ bytes, headers: req.headers })));
    req.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

function send(port: number, method: string, path: string, opts: { headers?: Record<string, string>; chunks?: Buffer[] } = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const c of opts.chunks ?? []) req.write(c);
    req.end();
  });
}

let direct = 0;
let proxied = 0;
beforeAll(async () => {
  direct = await start(0);
  proxied = await start(1);
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

describe('the front server', () => {
  it('answers methods the app does not serve with 405 and Allow, JSON under /api', async () => {
    // Node's parser knows the registered methods; a token it does not know (TRACK, FOO) never
    // reaches a handler: Node itself answers 400 and closes the connection.
    for (const method of ['TRACE', 'PROPFIND', 'MKCOL', 'PURGE', 'SEARCH']) {
      const res = await send(direct, method, '/api/health');
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
      expect(JSON.parse(res.body).error.code).toBe('method_not_allowed');
    }
    expect((await send(direct, 'TRACE', '/')).headers['content-type']).toMatch(/text\/plain/);
    expect((await send(direct, 'TRACK', '/api/health').catch(() => ({ status: 400 }))).status).toBe(400);
    const get = await send(direct, 'GET', '/api/auth/callback/credentials?x=1');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect((await send(direct, 'POST', '/api/auth/callback/credentials', { chunks: [Buffer.from('a=1')] })).status).toBe(200);
  });

  it('refuses malformed percent-encoding in the path with 400, and passes good escapes on', async () => {
    for (const path of ['/api/v1/topics/%E0%A4%A', '/api/v1/topics/%', '/%zz', '/admin/%C0%AF', '/api/v1/topics/%ED%A0%80']) {
      const res = await send(direct, 'GET', path);
      expect(res.status, path).toBe(400);
    }
    expect((await send(direct, 'GET', '/api/v1/topics/caf%C3%A9?q=%')).status).toBe(200);
  });

  it('counts the body as it is read: a declared or a chunked body over the limit is a 413', async () => {
    // The client gets to read the answer: the rest of the body is read and discarded.
    const declared = await send(direct, 'POST', '/admin/subscribers', {
      headers: { 'content-length': String(200 * 1024) },
      chunks: [Buffer.alloc(200 * 1024)],
    });
    expect(declared.status).toBe(413);
    expect(declared.body).toMatch(/at most/);
    const chunked = await send(direct, 'POST', '/admin/subscribers', {
      headers: { 'next-action': 'x' },
      chunks: Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024)),
    }).catch(() => null);
    expect(chunked).not.toBeNull();
    expect(chunked!.status).toBe(413);
    expect(chunked!.body).toMatch(/at most/);
    const ok = await send(direct, 'POST', '/admin/subscribers', { chunks: Array.from({ length: 7 }, () => Buffer.alloc(8 * 1024)) });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).bytes).toBe(56 * 1024);
  });

  it('drops forwarded headers unless a proxy is trusted, and sends HSTS only over https', async () => {
    const spoof = {
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      forwarded: 'host=evil.example',
      'x-forwarded-for': '203.0.113.7',
    };
    const a = await send(direct, 'GET', '/', { headers: spoof });
    const seen = JSON.parse(a.body).headers as Record<string, string>;
    for (const h of Object.keys(spoof)) expect(seen[h], h).toBeUndefined();
    expect(seen['x-pushdeck-client-ip']).toBe('127.0.0.1');
    expect(a.headers['strict-transport-security']).toBeUndefined();
    const b = await send(proxied, 'GET', '/', { headers: spoof });
    const kept = JSON.parse(b.body).headers as Record<string, string>;
    expect(kept['x-forwarded-host']).toBe('evil.example');
    expect(kept['x-pushdeck-client-ip']).toBe('203.0.113.7');
    expect(b.headers['strict-transport-security']).toBe(HSTS);
    expect((await send(proxied, 'GET', '/', { headers: { 'x-forwarded-proto': 'http' } })).headers['strict-transport-security']).toBeUndefined();
  });
});
