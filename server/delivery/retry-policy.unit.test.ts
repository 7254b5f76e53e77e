import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../lib/push/sender';
import { backoffMs, decide } from './retry-policy';

const settings = { maxAttempts: 5, retryBaseSeconds: 30 };
const now = Date.UTC(2027, 0, 1);
const at = (ms: number) => new Date(now + ms).toISOString();
const half = () => 0; // the jitter's low end: factor 0.5
const full = () => 0.999999;

describe('backoff', () => {
  it('doubles per attempt from the base, jittered into [0.5, 1) of it', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 30, half))).toEqual([15_000, 30_000, 60_000, 120_000]);
    expect(backoffMs(1, 30, full)).toBe(30_000);
    expect(backoffMs(0, 30, half)).toBe(15_000); // attempt 0 counts as the first
  });
});

describe('what happens after an attempt', () => {
  type Row = [string, Pick<SendResult, 'outcome' | 'retryAfterMs'>, number, { status: string; next_attempt_at: string | null }];
  const table: Row[] = [
    ['delivered', { outcome: 'delivered' }, 0, { status: 'sent', next_attempt_at: null }],
    ['delivered on the last attempt', { outcome: 'delivered' }, 4, { status: 'sent', next_attempt_at: null }],
    ['gone (404/410)', { outcome: 'gone' }, 0, { status: 'expired', next_attempt_at: null }],
    ['too large (413), never retried', { outcome: 'too_large' }, 0, { status: 'failed', next_attempt_at: null }],
    ['rejected (4xx), never retried', { outcome: 'rejected' }, 0, { status: 'failed', next_attempt_at: null }],
    ['429 with Retry-After: exactly then', { outcome: 'rate_limited', retryAfterMs: 2_000 }, 0, { status: 'retrying', next_attempt_at: at(2_000) }],
    ['429 with Retry-After 0: now', { outcome: 'rate_limited', retryAfterMs: 0 }, 1, { status: 'retrying', next_attempt_at: at(0) }],
    ['429 without Retry-After: backoff', { outcome: 'rate_limited' }, 1, { status: 'retrying', next_attempt_at: at(30_000) }],
    ['429 on the last attempt', { outcome: 'rate_limited', retryAfterMs: 1_000 }, 4, { status: 'failed', next_attempt_at: null }],
    ['5xx: backoff', { outcome: 'retry' }, 0, { status: 'retrying', next_attempt_at: at(15_000) }],
    ['5xx, third attempt', { outcome: 'retry' }, 2, { status: 'retrying', next_attempt_at: at(60_000) }],
    ['503 with a longer Retry-After: the Retry-After', { outcome: 'retry', retryAfterMs: 90_000 }, 0, { status: 'retrying', next_attempt_at: at(90_000) }],
    ['503 with a shorter Retry-After: the backoff', { outcome: 'retry', retryAfterMs: 1_000 }, 0, { status: 'retrying', next_attempt_at: at(15_000) }],
    ['5xx on the last attempt', { outcome: 'retry' }, 4, { status: 'failed', next_attempt_at: null }],
    ['5xx past the last attempt', { outcome: 'retry' }, 9, { status: 'failed', next_attempt_at: null }],
  ];
  it.each(table)('%s', (_what, result, attempts, expected) => {
    expect(decide(result, attempts, settings, now, half)).toEqual(expected);
  });

  it('with one attempt allowed, nothing is retried', () => {
    for (const outcome of ['retry', 'rate_limited'] as const)
      expect(decide({ outcome }, 0, { maxAttempts: 1, retryBaseSeconds: 1 }, now, half).status).toBe('failed');
  });
});
