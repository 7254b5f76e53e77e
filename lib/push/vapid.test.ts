import { createPublicKey } from 'node:crypto';
// jws (a dependency of web-push) verifies independently of our signing code.
import jws from 'jws';
import { describe, expect, it } from 'vitest';
import { fromB64u } from './base64url';
import { generateKeyPair, importKeyPair, isValidP256Point, KeyFormatError, privateKeyObject, publicKeyObject } from './p256';
import { JWT_LIFETIME_SECONDS, signJwt, subjectProblem, VapidSigner } from './vapid';

function pemOf(publicKey: string): string {
  const raw = fromB64u(publicKey)!;
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') },
    format: 'jwk',
  })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

describe('VAPID JWT', () => {
  it('is an ES256 JWT that an independent verifier accepts', () => {
    const pair = generateKeyPair();
    const jwt = signJwt({ aud: 'https://push.example.net', exp: 2_000_000_000, sub: 'mailto:ops@example.com' }, privateKeyObject(pair));
    expect(jws.verify(jwt, 'ES256', pemOf(pair.publicKey))).toBe(true);
    const decoded = jws.decode(jwt)!;
    expect(decoded.header).toEqual({ typ: 'JWT', alg: 'ES256' });
    expect(typeof decoded.payload === 'string' ? JSON.parse(decoded.payload) : decoded.payload).toEqual({
      aud: 'https://push.example.net',
      exp: 2_000_000_000,
      sub: 'mailto:ops@example.com',
    });
    expect(jws.verify(jwt, 'ES256', pemOf(generateKeyPair().publicKey))).toBe(false);
  });

  it('signs once per audience, records each claim, and re-signs before expiry', async () => {
    const pair = generateKeyPair();
    let now = 1_800_000_000_000;
    const issued: { aud: string; exp: number }[] = [];
    const signer = new VapidSigner(
      { id: 'k1', publicKey: pair.publicKey, privateKey: privateKeyObject(pair), subject: 'mailto:ops@example.com' },
      async (_id, c) => (issued.push(c), issued.length),
      () => now,
    );
    const [a, b] = await Promise.all([signer.authorization('https://a.example'), signer.authorization('https://a.example')]);
    expect(a).toBe(b); // concurrent callers share one signature
    const c = await signer.authorization('https://b.example');
    expect(issued.map((i) => i.aud)).toEqual(['https://a.example', 'https://b.example']);
    expect(a.exp - now / 1000).toBe(JWT_LIFETIME_SECONDS);
    expect(a.exp - now / 1000).toBeLessThanOrEqual(24 * 3600);
    expect(a.header).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${pair.publicKey}$`));
    expect(c.id).toBe(2);

    now += (JWT_LIFETIME_SECONDS - 3000) * 1000; // still valid, but within the refresh margin
    const d = await signer.authorization('https://a.example');
    expect(d).not.toBe(a);
    expect(issued).toHaveLength(3);
    expect(jws.verify(d.header.slice(8, d.header.indexOf(',')), 'ES256', pemOf(pair.publicKey))).toBe(true);
  });
});

describe('contact (sub)', () => {
  it.each(['mailto:ops@example.com', 'https://example.com/contact'])('accepts %s', (s) => expect(subjectProblem(s)).toBeNull());
  it.each([
    ['mailto: ops@example.com', /spaces/],
    ['mailto:<ops@example.com>', /angle/],
    ['mailto:admin@localhost', /localhost/],
    ['mailto:not-an-address', /e-mail/],
    ['http://example.com', /mailto: address or an https/],
    ['ops@example.com', /mailto/],
    ['https://localhost/', /public/],
    [' mailto:ops@example.com', /spaces/],
  ])('refuses %s', (s, re) => expect(subjectProblem(s)).toMatch(re));
});

describe('P-256 key import', () => {
  it('accepts the web-push generate-vapid-keys format and checks the pair', () => {
    const pair = generateKeyPair();
    expect(importKeyPair(pair)).toEqual(pair);
    expect(importKeyPair({ privateKey: pair.privateKey })).toEqual(pair);
    expect(() => importKeyPair({ privateKey: pair.privateKey, publicKey: generateKeyPair().publicKey })).toThrow(/does not belong/);
  });
  it('accepts PKCS#8 and SEC1 PEM', () => {
    const pair = generateKeyPair();
    const key = privateKeyObject(pair);
    expect(importKeyPair({ privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString() })).toEqual(pair);
    expect(importKeyPair({ privateKey: key.export({ type: 'sec1', format: 'pem' }).toString() })).toEqual(pair);
  });
  it('refuses garbage, other curves and off-curve public keys with clear errors', () => {
    expect(() => importKeyPair({ privateKey: 'abc' })).toThrow(KeyFormatError);
    expect(() => importKeyPair({ privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' })).toThrow(/PEM/);
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
    expect(isValidP256Point(fromB64u(offCurve))).toBe(false);
    // The cheap point check agrees with building a key from the point, on real and damaged points.
    for (let i = 0; i < 50; i++) {
      const point = fromB64u(generateKeyPair().publicKey)!;
      expect(isValidP256Point(point)).toBe(true);
      const damaged = Buffer.from(point);
      damaged[1 + (i % 64)]! ^= 1 << (i % 8);
      expect(isValidP256Point(damaged)).toBe(publicKeyObject(damaged) !== null);
      expect(isValidP256Point(damaged)).toBe(false);
    }
    expect(isValidP256Point(Buffer.concat([Buffer.from([2]), fromB64u(generateKeyPair().publicKey)!.subarray(1, 33)]))).toBe(false); // compressed
    expect(isValidP256Point(Buffer.alloc(65))).toBe(false);
    expect(() => importKeyPair({ privateKey: generateKeyPair().privateKey, publicKey: offCurve })).toThrow(/P-256 point/);
  });
});
