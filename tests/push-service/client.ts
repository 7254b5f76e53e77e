/**
 * HTTPS client for the control API of a push-service test server running in another process
 * (started with main.ts), offering the same PushServiceControl operations as the in-process server.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { ensureTestCert } from './cert';
import type {
  Behaviour,
  BrowserChannel,
  BrowserMessage,
  BrowserSession,
  CreateSubscriberOptions,
  CreatedSubscriber,
  PushMessage,
  PushRequestRecord,
  PushServiceControl,
  RequestFilter,
} from './types';

export type * from './types';

export interface PushServiceClientOptions {
  /** The origin main.ts printed, `https://127.0.0.1:PORT`. */
  origin: string;
  /** The certificate main.ts printed; defaults to the shared test certificate. */
  certPath?: string;
}

/** Polling interval of waitForMessages; the control API has no push notification of its own. */
const POLL_MS = 25;

export class PushServiceClient implements PushServiceControl {
  readonly origin: string;
  readonly certPath: string;
  private readonly dispatcher: Agent;

  constructor(options: PushServiceClientOptions) {
    this.origin = options.origin.replace(/\/+$/, '');
    this.certPath = options.certPath ?? ensureTestCert().certPath;
    this.dispatcher = new Agent({ connect: { ca: readFileSync(this.certPath, 'utf8') } });
  }

  /** Closes the client's connections; the server keeps running. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async health(): Promise<boolean> {
    const body = await this.call<{ ok?: boolean }>('GET', '/_control/health');
    return body.ok === true;
  }

  createSubscriber(options: CreateSubscriberOptions): Promise<CreatedSubscriber> {
    return this.call('POST', '/_control/subscribers', options);
  }

  async messages(subscriberId: string): Promise<PushMessage[]> {
    const body = await this.call<{ messages: PushMessage[] }>('GET', `/_control/subscribers/${encodeURIComponent(subscriberId)}/messages`);
    return body.messages;
  }

  async allMessages(): Promise<PushMessage[]> {
    const body = await this.call<{ messages: PushMessage[] }>('GET', '/_control/messages');
    return body.messages;
  }

  async requests(filter: RequestFilter = {}): Promise<PushRequestRecord[]> {
    const params = new URLSearchParams();
    if (filter.subscriberId !== undefined) params.set('subscriberId', filter.subscriberId);
    if (filter.endpoint !== undefined) params.set('endpoint', filter.endpoint);
    const query = params.size === 0 ? '' : `?${params.toString()}`;
    const body = await this.call<{ requests: PushRequestRecord[] }>('GET', `/_control/requests${query}`);
    return body.requests;
  }

  async browserChannels(): Promise<BrowserChannel[]> {
    return (await this.call<{ channels: BrowserChannel[] }>('GET', '/_control/browser/channels')).channels;
  }

  async browserMessages(channelId?: string): Promise<BrowserMessage[]> {
    const query = channelId === undefined ? '' : `?channelId=${encodeURIComponent(channelId)}`;
    return (await this.call<{ messages: BrowserMessage[] }>('GET', `/_control/browser/messages${query}`)).messages;
  }

  async browserSessions(): Promise<BrowserSession[]> {
    return (await this.call<{ sessions: BrowserSession[] }>('GET', '/_control/browser/sessions')).sessions;
  }

  async waitForMessages(subscriberId: string, count: number, timeoutMs = 10_000): Promise<PushMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const messages = await this.messages(subscriberId);
      if (messages.length >= count) return messages;
      if (Date.now() >= deadline) {
        throw new Error(`waitForMessages: subscriber ${subscriberId} got ${messages.length} of ${count} message(s) within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async setBehaviour(subscriberId: string, behaviour: Behaviour | null): Promise<void> {
    await this.call('PUT', `/_control/subscribers/${encodeURIComponent(subscriberId)}/behaviour`, behaviour);
  }

  async setBehaviours(subscriberId: string, behaviours: Behaviour[]): Promise<void> {
    await this.call('PUT', `/_control/subscribers/${encodeURIComponent(subscriberId)}/behaviours`, behaviours);
  }

  async reset(): Promise<void> {
    await this.call('POST', '/_control/reset');
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const res = await request(`${this.origin}${path}`, {
      method,
      dispatcher: this.dispatcher,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) {
      throw new Error(`Push service control ${method} ${path} answered ${res.statusCode}: ${text}`);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}
