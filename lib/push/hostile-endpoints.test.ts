/**
 * Property-based: Pushdeck cannot be aimed at private, loopback or otherwise non-public hosts,
 * however the address is spelled. Endpoints are generated in every IP notation (dotted, decimal,
 * hex, octal, short forms, IPv6, IPv4-mapped and -compatible, NAT64, 6to4), with and without
 * ports, credentials and look-alike host names; and host names on the allowlist whose DNS answer
 * is a non-public address are refused when connecting (the check at send time), so the request
 * never reaches a server.
 */
import type { LookupAddress } from 'node:dns';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushServiceServer } from '../../tests/push-service/server';
import { isNonPublicAddress, PushAllowlist } from './allowlist';
import { generateKeyPair, privateKeyObject } from './p256';
import { PushSender } from './sender';
import { VapidSigner } from './vapid';

/** [first address, prefix length] of non-public IPv4 ranges. */
const PRIVATE_V4: [number, number][] = [
  [0x00000000, 8],
  [0x0a000000, 8],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0a80000, 16],
  [0xc6120000, 15],
  [0xe0000000, 3],
];

const privateV4 = fc
  .tuple(fc.constantFrom(...PRIVATE_V4), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
  .map(([[net, bits], r]) => (net | (r & (2 ** (32 - bits) - 1))) >>> 0);

const octets = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const hex16 = (n: number) => [((n >>> 16) & 0xffff).toString(16), (n & 0xffff).toString(16)];

/** Every spelling of an IPv4 address a URL host can take (WHATWG URL parses them all). */
const v4Spellings = (n: number): string[] => {
  const o = octets(n);
  const [hi, lo] = hex16(n);
  return [
    o.join('.'),
    String(n),
    `0x${n.toString(16)}`,
    `0x${n.toString(16).toUpperCase()}`,
    o.map((x) => `0x${x.toString(16)}`).join('.'),
    o.map((x) => `0${x.toString(8)}`).join('.'),
    `${o[0]}.${(n & 0xffffff) >>> 0}`,
    `${o[0]}.${o[1]}.${n & 0xffff}`,
    `[::ffff:${o.join('.')}]`,
    `[::ffff:${hi}:${lo}]`,
    `[0:0:0:0:0:ffff:${hi}:${lo}]`,
    `[64:ff9b::${o.join('.')}]`,
    `[::${o.join('.')}]`,
    `[2002:${hi}:${lo}::1]`,
  ];
};

const privateV6 = fc.constantFrom('::1', '0:0:0:0:0:0:0:1', '::', 'fe80::1', 'fd12:3456::1', 'fc00::abcd', 'ff02::1', '2001:db8::1', '64:ff9b:1::a', '100::1');

const hostileHost = fc.oneof(
  privateV4.chain((n) => fc.constantFrom(...v4Spellings(n))),
  privateV6.map((a) => `[${a}]`),
  // Look-alikes of allowed push services.
  fc.constantFrom(
    'fcm.googleapis.com.evil.example',
    'evilfcm.googleapis.com.example',
    'fcm-googleapis.com',
    'xn--fcm-googleapis-xyz.com',
    'fcm.googleapis.co',
    'push.services.mozilla.com.evil.example',
  ),
);

const endpointOf = fc.record({
  host: hostileHost,
  port: fc.option(fc.constantFrom(443, 80, 8443, 5432, 6379), { nil: undefined }),
  scheme: fc.constantFrom('https', 'https', 'http', 'ftp', 'file', 'javascript'),
  path: fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s)),
});

describe('hostile endpoints', () => {
  const list = new PushAllowlist('default');

  it('refuses every non-public IPv4 address in every notation, and other hosts', () => {
    fc.assert(
      fc.property(endpointOf, ({ host, port, scheme, path }) => {
        const endpoint = `${scheme}://${host}${port ? `:${port}` : ''}/${path}`;
        const r = list.check(endpoint);
        expect(r.ok, endpoint).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses credentials and IP literals even in front of an allowed host', () => {
    for (const e of [
      'https://user:pass@fcm.googleapis.com/x',
      'https://fcm.googleapis.com@127.0.0.1/x',
      'https://127.0.0.1#@fcm.googleapis.com/x',
      'https://fcm.googleapis.com:8443/x',
    ]) {
      expect(list.check(e).ok, e).toBe(false);
    }
    expect(list.check('https://fcm.googleapis.com/fcm/send/abc').ok).toBe(true);
  });

  it('treats every spelling of a non-public address as non-public once resolved', () => {
    fc.assert(
      fc.property(privateV4, (n) => {
        const o = octets(n).join('.');
        const [hi, lo] = hex16(n);
        for (const a of [o, `::ffff:${o}`, `::ffff:${hi}:${lo}`, `64:ff9b::${o}`, `::${hi}:${lo}`, `2002:${hi}:${lo}::1`])
          expect(isNonPublicAddress(a), a).toBe(true);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(privateV6, (a) => {
        expect(isNonPublicAddress(a)).toBe(true);
      }),
    );
    for (const a of ['8.8.8.8', '142.250.74.106', '2a00:1450:4001:82f::200a', '2002:808:808::1']) expect(isNonPublicAddress(a), a).toBe(false);
  });
});

describe('DNS checked again at send time', () => {
  const server = new PushServiceServer();
  const key = generateKeyPair();
  const signer = new VapidSigner({ id: 'k', publicKey: key.publicKey, privateKey: privateKeyObject(key), subject: 'mailto:ops@example.com' });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('never connects when an allowed name resolves to a non-public address', async () => {
    const port = new URL(server.origin).port;
    const s = server.createSubscriber({ applicationServerKey: key.publicKey });
    const endpoint = s.subscription.endpoint.replace('127.0.0.1', 'push.pushdeck-test.example');
    const resolved = fc.oneof(
      privateV4.map((n) => ({ address: octets(n).join('.'), family: 4 })),
      privateV4.map((n) => ({ address: `::ffff:${octets(n).join('.')}`, family: 6 })),
      privateV6.map((a) => ({ address: a, family: 6 })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constant({ address: '93.184.216.34', family: 4 }), { maxLength: 2 }), resolved, async (publicOnes, bad) => {
        // A public answer alongside a private one is refused too (the connection could pick either).
        const answers: LookupAddress[] = [...publicOnes, bad];
        const sender = new PushSender({
          allowlist: new PushAllowlist(`*.pushdeck-test.example:${port}`),
          lookup: ((_h: string, _o: unknown, cb: (e: null, a: LookupAddress[]) => void) => cb(null, answers)) as never,
          timeoutMs: 2000,
        });
        try {
          const r = await sender.send({ ...s.subscription.keys, endpoint }, { payload: Buffer.from('x'), ttl: 60 }, signer);
          expect(r.outcome).not.toBe('delivered');
          expect(r.reason).toMatch(/EPUSHBLOCKED/);
        } finally {
          await sender.close();
        }
      }),
      { numRuns: 60 },
    );
    expect(server.requests({ subscriberId: s.id })).toHaveLength(0);
  });
});
