import { describe, expect, it } from 'vitest';
import { deriveKey, open, seal } from './secrets';

describe('sealing secrets at rest', () => {
  it('round-trips and uses a fresh nonce each time', () => {
    const a = seal(Buffer.from('private key bytes'), 'vapid-at-rest', 'key:1');
    const b = seal(Buffer.from('private key bytes'), 'vapid-at-rest', 'key:1');
    expect(a).not.toBe(b);
    expect(open(a, 'vapid-at-rest', 'key:1').toString()).toBe('private key bytes');
  });
  it('refuses another row, another purpose, or a tampered value', () => {
    const s = seal(Buffer.from('x'), 'vapid-at-rest', 'key:1');
    expect(() => open(s, 'vapid-at-rest', 'key:2')).toThrow();
    expect(() => open(s, 'receipts', 'key:1')).toThrow();
    const tampered = s.slice(0, -2) + (s.endsWith('A') ? 'BA' : 'AA');
    expect(() => open(tampered, 'vapid-at-rest', 'key:1')).toThrow();
  });
  it('derives independent keys per purpose', () => {
    expect(deriveKey('session').equals(deriveKey('vapid-at-rest'))).toBe(false);
    expect(deriveKey('session')).toHaveLength(32);
  });
});
