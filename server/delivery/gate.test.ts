import { describe, expect, it } from 'vitest';
import { Semaphore, ServiceGates } from './gate';

describe('pacing per push service', () => {
  it('pauses a service until Retry-After, then caps it at half its recent rate and recovers', () => {
    const g = new ServiceGates(0);
    const t0 = 1_000_000_000;
    for (let i = 0; i < 500; i++) g.succeeded('fcm', t0 - 4000 + i * 8); // ~100/s over 4 s
    expect(g.rateOf('fcm', t0)).toBe(Infinity);
    g.backOff('fcm', 2000, t0);
    expect(g.pausedUntil('fcm', t0 + 1999)).toBe(t0 + 2000);
    expect(g.pausedUntil('fcm', t0 + 2000)).toBe(0);
    const capped = g.rateOf('fcm', t0 + 2000);
    expect(capped).toBeGreaterThanOrEqual(5);
    expect(capped).toBeLessThan(100);
    // Other services are not affected.
    expect(g.rateOf('mozilla', t0)).toBe(Infinity);
    // Without further 429s the cap grows and finally goes away.
    let t = t0;
    for (let i = 0; i < 20 && g.rateOf('fcm', t) !== Infinity; i++) t += 5001;
    expect(g.rateOf('fcm', t)).toBe(Infinity);
  });

  it('never caps below a floor, even for a service we barely used', () => {
    const g = new ServiceGates(0);
    g.backOff('apple', undefined, 5_000_000);
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
