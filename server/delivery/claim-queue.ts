/**
 * Claimed rows waiting to be sent: the claimer tops it up, senders take from it. `waitLow` lets
 * the claimer claim the next rows while the current ones are still going out, so neither the
 * database's latency nor a slow push service idles the senders. Unit-tested in
 * claim-queue.unit.test.ts.
 */
export class ClaimQueue<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private takers: ((v: T | undefined) => void)[] = [];
  private lowWaiters: (() => void)[] = [];
  private low = 0;

  get length() {
    return this.items.length - this.head;
  }

  push(items: T[]) {
    for (const item of items) {
      const taker = this.takers.shift();
      if (taker) taker(item);
      else this.items.push(item);
    }
  }

  /** The next row, or undefined once closed and empty. */
  take(): Promise<T | undefined> {
    if (this.length > 0) {
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined as T;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.wakeLow();
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(undefined);
    this.wakeLow();
    return new Promise((resolve) => this.takers.push(resolve));
  }

  private wakeLow() {
    if (this.length <= this.low) for (const w of this.lowWaiters.splice(0)) w();
  }

  /** Resolves once at most `n` rows are waiting. */
  waitLow(n: number): Promise<void> {
    this.low = n;
    if (this.length <= n) return Promise.resolve();
    return new Promise((resolve) => this.lowWaiters.push(resolve));
  }

  /** No more rows: waiting takers get undefined, and so does every take once the rest is taken. */
  close() {
    this.closed = true;
    for (const t of this.takers.splice(0)) t(undefined);
  }
}
