/**
 * Wakes long-polling inbox requests when a campaign is published. Publication is announced with
 * NOTIFY on INBOX_CHANNEL (inside the transaction that starts the campaign), so every app process
 * hears it: on PostgreSQL through a LISTEN connection per process, on the embedded database
 * through PGlite's own listen(). One listener per process; waiting requests register here and
 * are released on a notification, on their deadline, or when their client goes away — whichever
 * comes first — so nothing is held after a request ends.
 */
import 'server-only';
import type { Database } from '../../db';
import { logger } from '../../lib/logger';
import { INBOX_CHANNEL } from './channel';

type Waiter = () => void;

export class InboxHub {
  private waiters = new Set<Waiter>();
  private unlisten: (() => Promise<void>) | null = null;
  private starting: Promise<void> | null = null;
  /** Highest sequence number heard (0 before any). */
  latest = 0;

  constructor(private readonly database: Database) {}

  get waiting(): number {
    return this.waiters.size;
  }

  /** Starts listening (once per process). */
  start(): Promise<void> {
    this.starting ??= this.listen().catch((err) => {
      this.starting = null;
      logger.error('inbox.listen-failed', { err });
      throw err;
    });
    return this.starting;
  }

  private async listen(): Promise<void> {
    const onNotify = (payload: string) => {
      const seq = Number(payload);
      if (Number.isFinite(seq) && seq > this.latest) this.latest = seq;
      this.wakeAll();
    };
    if (this.database.kind === 'pglite') {
      this.unlisten = await this.database.pglite!.listen(INBOX_CHANNEL, onNotify);
    } else {
      const sub = await this.database.sql!.listen(INBOX_CHANNEL, onNotify, () => this.wakeAll());
      this.unlisten = () => sub.unlisten();
    }
  }

  /** Local publication (same process), e.g. from tests or a process without LISTEN. */
  wakeAll(): void {
    const all = [...this.waiters];
    this.waiters.clear();
    for (const w of all) w();
  }

  /**
   * Resolves on the next notification, after `timeoutMs`, or when `signal` aborts.
   * Returns why it woke.
   */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<'notified' | 'timeout' | 'aborted'> {
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      let done = false;
      const finish = (why: 'notified' | 'timeout' | 'aborted') => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        resolve(why);
      };
      const waiter = () => finish('notified');
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), Math.max(0, timeoutMs));
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async stop(): Promise<void> {
    this.wakeAll();
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
    this.starting = null;
  }
}

const g = globalThis as unknown as { __pushdeckInbox?: { hub: InboxHub; database: Database } };

/** The process's hub for `database` (recreated if the database handle changed). */
export function inboxHub(database: Database): InboxHub {
  if (!g.__pushdeckInbox || g.__pushdeckInbox.database !== database) {
    void g.__pushdeckInbox?.hub.stop();
    g.__pushdeckInbox = { hub: new InboxHub(database), database };
  }
  return g.__pushdeckInbox.hub;
}

/** The hub if one was started (health reporting), without creating one. */
export function currentInboxHub(): InboxHub | null {
  return g.__pushdeckInbox?.hub ?? null;
}
