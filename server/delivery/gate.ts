/**
 * Pacing per worker process: a semaphore for requests in flight, and a gate per push service
 * that spaces requests to the configured rate and closes entirely while that service is
 * throttling us.
 *
 * RFC 8030 §8.4 scopes a 429 to the push resource: the subscription is retried after its own
 * Retry-After (the engine does that), and a lone 429 — one busy device — does not slow the rest of
 * a campaign. When 429s become a large share of a service's recent answers (at least THROTTLED_MIN
 * of them, and THROTTLED_SHARE of all), the service itself is throttling us: it is paused until
 * Retry-After and its rate halved, recovering gradually as sends succeed (additive increase,
 * multiplicative decrease).
 */
export class Semaphore {
  private used = 0;
  private waiting: (() => void)[] = [];
  constructor(private total: number) {}

  /** Changes the number of permits; requests already in flight keep theirs. */
  setPermits(n: number) {
    this.total = Math.max(1, n);
    this.wake();
  }

  private wake() {
    while (this.used < this.total && this.waiting.length) {
      this.used++;
      this.waiting.shift()!();
    }
  }

  async acquire(): Promise<void> {
    if (this.used < this.total) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release() {
    this.used--;
    this.wake();
  }
}

interface ServiceState {
  /** No requests before this time (Retry-After). */
  pausedUntil: number;
  /** Temporary cap after a 429, in messages/second (null: none). */
  cap: number | null;
  /** When the cap last changed. */
  capChangedAt: number;
  nextSlot: number;
  /** Successes per second over the last few seconds (ring buffer), to know our recent rate. */
  ring: number[];
  /** 429s per second over the same seconds. */
  throttled: number[];
  ringAt: number;
}

const RING_SECONDS = 5;
/** After a 429 we never cap below this, so one complaint cannot stall a campaign. */
const MIN_CAP = 5;
/** Without another 429, the cap grows by half every this many ms until it disappears. */
const RECOVER_EVERY_MS = 5000;
/** 429s within the ring's seconds before the whole service is held back… */
const THROTTLED_MIN = 3;
/** …and their share of the service's answers (429s and successes) in that time. */
const THROTTLED_SHARE = 0.2;

export class ServiceGates {
  private services = new Map<string, ServiceState>();
  constructor(private configuredRate: number) {}

  setConfiguredRate(rate: number) {
    this.configuredRate = rate;
  }

  private state(host: string, now: number): ServiceState {
    let s = this.services.get(host);
    if (!s) {
      s = {
        pausedUntil: 0,
        cap: null,
        capChangedAt: 0,
        nextSlot: 0,
        ring: new Array(RING_SECONDS).fill(0),
        throttled: new Array(RING_SECONDS).fill(0),
        ringAt: Math.floor(now / 1000),
      };
      this.services.set(host, s);
    }
    // Advance the ring to the current second.
    const sec = Math.floor(now / 1000);
    for (let t = s.ringAt + 1; t <= sec && t <= s.ringAt + RING_SECONDS; t++) s.ring[t % RING_SECONDS] = s.throttled[t % RING_SECONDS] = 0;
    if (sec - s.ringAt > RING_SECONDS) {
      s.ring.fill(0);
      s.throttled.fill(0);
    }
    s.ringAt = sec;
    // Recover from an old 429: grow the cap, and drop it once it is well above what we send.
    if (s.cap !== null && now - s.capChangedAt > RECOVER_EVERY_MS) {
      s.cap *= 1.5;
      s.capChangedAt = now;
      if (s.cap > 2 * Math.max(MIN_CAP, this.recentRate(s))) s.cap = null;
    }
    return s;
  }

  private recentRate(s: ServiceState): number {
    return s.ring.reduce((a, b) => a + b, 0) / RING_SECONDS;
  }

  /** The rate this service is held to now (Infinity: unlimited). */
  rateOf(host: string, now = Date.now()): number {
    const s = this.state(host, now);
    const configured = this.configuredRate > 0 ? this.configuredRate : Infinity;
    return Math.min(configured, s.cap ?? Infinity);
  }

  /** When the service accepts requests again, or 0 when it does now. */
  pausedUntil(host: string, now = Date.now()): number {
    const s = this.services.get(host);
    return s && s.pausedUntil > now ? s.pausedUntil : 0;
  }

  /** Waits for this service's next rate slot. Returns false if the service is paused. */
  async pass(host: string): Promise<boolean> {
    const now = Date.now();
    const s = this.state(host, now);
    if (s.pausedUntil > now) return false;
    const rate = this.rateOf(host, now);
    if (rate === Infinity) return true;
    const slot = Math.max(now, s.nextSlot);
    s.nextSlot = slot + 1000 / rate;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
    return this.pausedUntil(host) === 0;
  }

  /**
   * The service said 429. Counted; once 429s are a large share of its recent answers, no requests
   * until Retry-After (default 10 s), then at half the recent rate. Returns whether the whole
   * service is now held back (otherwise only that subscription waits, for its own Retry-After).
   */
  backOff(host: string, retryAfterMs: number | undefined, now = Date.now()): boolean {
    const s = this.state(host, now);
    s.throttled[Math.floor(now / 1000) % RING_SECONDS]!++;
    const throttled = s.throttled.reduce((a, b) => a + b, 0);
    const answered = throttled + s.ring.reduce((a, b) => a + b, 0);
    if (throttled < THROTTLED_MIN || throttled < THROTTLED_SHARE * answered) return false;
    const wasPaused = s.pausedUntil > now;
    s.pausedUntil = Math.max(s.pausedUntil, now + (retryAfterMs ?? 10_000));
    if (wasPaused) return true; // the answers to requests already in flight: one halving per pause
    const current = Math.min(this.rateOf(host, now), Math.max(MIN_CAP, this.recentRate(s)));
    s.cap = Math.max(MIN_CAP, current / 2);
    s.capChangedAt = now;
    return true;
  }

  succeeded(host: string, now = Date.now()) {
    const s = this.state(host, now);
    s.ring[Math.floor(now / 1000) % RING_SECONDS]!++;
  }
}
