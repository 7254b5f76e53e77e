/**
 * What happens to a delivery after a push attempt: pure, no clock or randomness of its own (both
 * are arguments), so every branch is table-tested (retry-policy.unit.test.ts).
 *
 *  delivered → sent · gone (404/410) → expired · too_large, rejected → failed at once;
 *  rate_limited (429) → retry no earlier and no later than Retry-After (backoff without one);
 *  retry (5xx, timeouts, resets) → retry after max(Retry-After, backoff);
 *  either retry → failed once the attempt is the last allowed (`maxAttempts`).
 */
import type { SendResult } from '../../lib/push/sender';
import type { DeliverySettings } from './settings';

/** A delivery's status as the engine writes it (the `delivery_status` enum minus 'sending'). */
export type DeliveryOutcome = 'queued' | 'sent' | 'retrying' | 'failed' | 'expired' | 'skipped';

export interface Decision {
  status: Extract<DeliveryOutcome, 'sent' | 'expired' | 'failed' | 'retrying'>;
  /** ISO time of the next attempt, for 'retrying'. */
  next_attempt_at: string | null;
}

/** Exponential backoff with jitter: base·2^(n−1), scaled by a random factor in [0.5, 1). */
export function backoffMs(attempt: number, baseSeconds: number, random = Math.random): number {
  return Math.round(baseSeconds * 1000 * 2 ** Math.max(0, attempt - 1) * (0.5 + random() * 0.5));
}

/** `attempts` is how many attempts the delivery had before this one. */
export function decide(
  result: Pick<SendResult, 'outcome' | 'retryAfterMs'>,
  attempts: number,
  settings: Pick<DeliverySettings, 'maxAttempts' | 'retryBaseSeconds'>,
  now = Date.now(),
  random = Math.random,
): Decision {
  const attemptNo = attempts + 1;
  const final = (status: Decision['status']): Decision => ({ status, next_attempt_at: null });
  const retryAt = (ms: number): Decision => ({ status: 'retrying', next_attempt_at: new Date(now + ms).toISOString() });
  switch (result.outcome) {
    case 'delivered':
      return final('sent');
    case 'gone':
      return final('expired');
    case 'too_large':
    case 'rejected':
      return final('failed');
    case 'rate_limited':
      if (attemptNo >= settings.maxAttempts) return final('failed');
      // Retry-After is honoured exactly: not before it, and not needlessly later.
      return retryAt(result.retryAfterMs ?? backoffMs(attemptNo, settings.retryBaseSeconds, random));
    case 'retry':
      if (attemptNo >= settings.maxAttempts) return final('failed');
      return retryAt(Math.max(result.retryAfterMs ?? 0, backoffMs(attemptNo, settings.retryBaseSeconds, random)));
  }
}
