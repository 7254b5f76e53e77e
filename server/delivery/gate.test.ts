import { describe, expect, it } from 'vitest';
import { Semaphore, ServiceGates } from './gate';

describe('pacing per push service', () => {
  it('leaves the service alone for a lone 429: that subscription waits for its own Retry-After', () => {
    const g = new ServiceGates(0);
    const t0 = 1_000_000_000;
    for (let i = 0; i < 500; i++) g.succeeded('fcm', t0 - 4000 + i * 8); // ~100/s over 4 s
    expect(g.backOff('fcm', 2000, t0)).toBe(false);
    expect(g.backOff('fcm', 2000, t0 + 10)).toBe(false);
    expect(g.backOff('fcm', 2000, t0 + 20)).toBe(false); // 3 of ~500 answers
    expect(g.pausedUntil('fcm', t0 + 30)).toBe(0);
    expect(g.rateOf('fcm', t0 + 30)).toBe(Infinity);
  });

  it('pauses a throttling service until Retry-After, then caps it at half its recent rate and recovers', () => {
    const g = new ServiceGates(0);
    const t0 = 1_000_000_000;
    for (let i = 0; i < 500; i++) g.succeeded('fcm', t0 - 4000 + i * 8); // ~100/s over 4 s
    // 429s become a fifth of the answers: the service is throttling us, not one device.
    let held = false;
    let n = 0;
    while (!held) held = g.backOff('fcm', 2000, t0 + n++);
    expect(n).toBeGreaterThanOrEqual(100);
    expect(n).toBeLessThanOrEqual(130);
    const at = t0 + n - 1;
    expect(g.pausedUntil('fcm', at + 1999)).toBe(at + 2000);
    expect(g.pausedUntil('fcm', at + 2000)).toBe(0);
    const capped = g.rateOf('fcm', at + 2000);
    expect(capped).toBeGreaterThanOrEqual(5);
    expect(capped).toBeLessThan(100);
    // The answers to requests already in flight extend the pause but do not halve the cap again.
    expect(g.backOff('fcm', 3000, at + 5)).toBe(true);
    expect(g.pausedUntil('fcm', at + 6)).toBe(at + 3005);
    expect(g.rateOf('fcm', at + 6)).toBe(capped);
    // Other services are not affected.
    expect(g.rateOf('mozilla', t0)).toBe(Infinity);
    // Without further 429s the cap grows and finally goes away.
    let t = at;
    for (let i = 0; i < 20 && g.rateOf('fcm', t) !== Infinity; i++) t += 5001;
    expect(g.rateOf('fcm', t)).toBe(Infinity);
  });

  it('holds back a service that answers nothing but 429s, and never caps below a floor', () => {
    const g = new ServiceGates(0);
    expect(g.backOff('apple', undefined, 5_000_000)).toBe(false);
    expect(g.backOff('apple', undefined, 5_000_000)).toBe(false);
    expect(g.backOff('apple', undefined, 5_000_000)).toBe(true);
    expect(g.rateOf('apple', 5_000_000)).toBeGreaterThanOrEqual(5);
    expect(g.pausedUntil('apple', 5_000_000)).toBe(5_010_000); // 10 s default without Retry-After
  });

  it('holds a configured rate', () => {
    const g = new ServiceGates(50);
    expect(g.rateOf('fcm')).toBe(50);
  });
});

describe('semaphore', () => {
  it('limits holders and honours a resize', async () => {
    const s = new Semaphore(2);
    await s.acquire();
    await s.acquire();
    let third = false;
    const p = s.acquire().then(() => (third = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(third).toBe(false);
    s.setPermits(3);
    await p;
    expect(third).toBe(true);
    s.release();
    s.release();
    s.release();
  });
});
