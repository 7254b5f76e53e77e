import { createECDH, randomBytes } from 'node:crypto';
// http_ece (web-push's dependency) is an independent implementation of RFC 8188/8291.
import ece from 'http_ece';
import { describe, expect, it } from 'vitest';
import { encryptAes128gcm, MAX_PAYLOAD_BYTES, PayloadTooLargeError } from './ece';

const b = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'base64url');

// RFC 8291, Appendix A.
const RFC = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPrivate: b('yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw'),
  uaPublic: b('BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4'),
  auth: b('BTBZMqHH6r4Tts7J_aSIgg'),
  salt: b('DGv6ra1nlYgDCS1FRnbzlw'),
  body: b(`DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml
           mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT
           pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN`),
};

function subscriber() {
  const ua = createECDH('prime256v1');
  ua.generateKeys();
  return { ua, auth: randomBytes(16) };
}

describe('RFC 8291 aes128gcm', () => {
  it('reproduces the Appendix A message byte for byte', () => {
    const out = encryptAes128gcm(Buffer.from(RFC.plaintext), RFC.uaPublic, RFC.auth, { salt: RFC.salt, senderPrivateKey: RFC.asPrivate });
    expect(out.toString('base64url')).toBe(RFC.body.toString('base64url'));
  });

  it('is decrypted by an independent implementation', () => {
    const { ua, auth } = subscriber();
    const text = 'Grüße, 世界 🎉 '.repeat(20);
    const body = encryptAes128gcm(Buffer.from(text), ua.getPublicKey(), auth);
    expect(ece.decrypt(body, { version: 'aes128gcm', privateKey: ua, authSecret: auth }).toString()).toBe(text);
  });

  it('uses a fresh salt and sender key for every message', () => {
    const { ua, auth } = subscriber();
    const a = encryptAes128gcm(Buffer.from('same'), ua.getPublicKey(), auth);
    const c = encryptAes128gcm(Buffer.from('same'), ua.getPublicKey(), auth);
    expect(a.subarray(0, 16).equals(c.subarray(0, 16))).toBe(false);
    expect(a.subarray(21, 86).equals(c.subarray(21, 86))).toBe(false);
  });

  it('fits the largest payload in exactly 4096 bytes and refuses one byte more', () => {
    const { ua, auth } = subscriber();
    const max = encryptAes128gcm(Buffer.alloc(MAX_PAYLOAD_BYTES, 0x61), ua.getPublicKey(), auth);
    expect(max.length).toBe(4096);
    expect(ece.decrypt(max, { version: 'aes128gcm', privateKey: ua, authSecret: auth }).length).toBe(MAX_PAYLOAD_BYTES);
    expect(() => encryptAes128gcm(Buffer.alloc(MAX_PAYLOAD_BYTES + 1), ua.getPublicKey(), auth)).toThrow(PayloadTooLargeError);
  });

  it('refuses a subscriber key that is not on the curve', () => {
    const bad = Buffer.concat([Buffer.from([4]), randomBytes(64)]);
    expect(() => encryptAes128gcm(Buffer.from('x'), bad, randomBytes(16))).toThrow();
  });
});
