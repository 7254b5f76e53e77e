/**
 * In-process token buckets for the public and programmatic APIs: cheap enough to sit in front of
 * every request. Limits are per process (behind a load balancer with N app processes a client
 * gets up to N times the rate); sign-in throttling, where that matters, uses the database.
 */
export interface Take {
  ok: boolean;
  /** Seconds until a token is available (when refused). */
  retryAfter: number;
  remaining: number;
}

export class TokenBuckets {
  private buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * @param perMinute sustained rate
   * @param burst bucket size
   * @param maxKeys memory bound: the least recently refilled buckets are dropped past it
   */
  constructor(
    private readonly perMinute: number,
    private readonly burst = perMinute,
    private readonly maxKeys = 100_000,
  ) {}

  /** Whether `take` would succeed, without taking anything. */
  peek(key: string, cost = 1, now = Date.now()): Take {
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.burst, b.tokens + (now - b.at) * rate) : this.burst;
    if (tokens >= cost) return { ok: true, retryAfter: 0, remaining: Math.floor(tokens) };
    return { ok: false, retryAfter: Math.max(1, Math.ceil((cost - tokens) / rate / 1000)), remaining: 0 };
  }

  take(key: string, cost = 1, now = Date.now()): Take {
    const rate = this.perMinute / 60_000;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: now };
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    } else {
      this.buckets.delete(key); // re-insert below: Map order doubles as recency
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * rate);
      b.at = now;
    }
    this.buckets.set(key, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { ok: true, retryAfter: 0, remaining: Math.floor(b.tokens) };
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil((cost - b.tokens) / rate / 1000)), remaining: 0 };
  }
}
