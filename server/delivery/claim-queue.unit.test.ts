import { describe, expect, it } from 'vitest';
import { ClaimQueue } from './claim-queue';

describe('the claim queue', () => {
  it('hands rows out in order, to waiting takers first', async () => {
    const q = new ClaimQueue<number>();
    const early = q.take();
    q.push([1, 2, 3]);
    expect(await early).toBe(1);
    expect(q.length).toBe(2);
    expect(await q.take()).toBe(2);
    expect(await q.take()).toBe(3);
    expect(q.length).toBe(0);
  });

  it('gives undefined to every taker once closed and drained, but not before the rest is taken', async () => {
    const q = new ClaimQueue<string>();
    const waiting = [q.take(), q.take()];
    q.push(['a']);
    q.close();
    expect(await Promise.all(waiting)).toEqual(['a', undefined]);
    const q2 = new ClaimQueue<string>();
    q2.push(['x', 'y']);
    q2.close();
    expect([await q2.take(), await q2.take(), await q2.take()]).toEqual(['x', 'y', undefined]);
  });

  it('waitLow resolves once at most n rows wait, so the claimer tops up ahead of the senders', async () => {
    const q = new ClaimQueue<number>();
    await q.waitLow(2); // empty: at once
    q.push([1, 2, 3, 4, 5]);
    let low = false;
    const w = q.waitLow(2).then(() => (low = true));
    await q.take();
    await q.take();
    await Promise.resolve();
    expect(low).toBe(false); // 3 still waiting
    await q.take();
    await w;
    expect(low).toBe(true);
    expect(q.length).toBe(2);
  });

  it('keeps its order across compaction of a long run', async () => {
    const q = new ClaimQueue<number>();
    const n = 5000;
    q.push(Array.from({ length: n }, (_, i) => i));
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await q.take())!);
    expect(out).toEqual(Array.from({ length: n }, (_, i) => i));
    q.push([n]);
    expect(await q.take()).toBe(n);
  });
});
