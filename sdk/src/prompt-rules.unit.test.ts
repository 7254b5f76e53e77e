import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PROMPT_SETTINGS, type PromptSettings } from '../../lib/sdk/prompt-settings';
import {
  DAY_MS,
  dismiss,
  markShown,
  memoryKey,
  parseMemory,
  promptPlan,
  readMemory,
  recordPageView,
  writeMemory,
  type PromptMemory,
  type PromptPlanInput,
} from './prompt-rules';

/** The Web Storage interface over a Map (Node has no localStorage), optionally refusing writes like Safari's private mode did. */
class MapStorage implements Storage {
  private items = new Map<string, string>();
  constructor(private readonly refuse = false) {}
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    if (this.refuse) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.items.set(key, String(value));
  }
}

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

const settings = (over: Partial<PromptSettings> = {}): PromptSettings => ({ ...DEFAULT_PROMPT_SETTINGS, ...over });

function plan(over: Partial<PromptPlanInput> = {}) {
  return promptPlan({
    settings: settings(),
    memory: { views: 1 },
    now: Date.now(),
    permission: 'default',
    subscribed: false,
    supported: true,
    ...over,
  });
}

/** What a page view does: count it, keep it, and (if the plan says so) show the prompt after its delay. */
function pageView(storage: Storage, s: PromptSettings, onShow: () => void): ReturnType<typeof promptPlan> {
  const memory = recordPageView(readMemory(storage, 'shop'));
  writeMemory(storage, 'shop', memory);
  const p = promptPlan({ settings: s, memory, now: Date.now(), permission: 'default', subscribed: false, supported: true });
  if (p.show) setTimeout(onShow, p.afterMs);
  return p;
}

describe('prompt rules', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows after the delay in seconds, never at once', () => {
    expect(plan({ settings: settings({ delaySeconds: 5 }) })).toEqual({ show: true, afterMs: 5000 });
    expect(plan({ settings: settings({ delaySeconds: 1 }) })).toEqual({ show: true, afterMs: 1000 });
    // Settings that slipped past validation still never prompt on load.
    expect(plan({ settings: settings({ delaySeconds: 0 }) })).toEqual({ show: true, afterMs: 1000 });
    expect(plan({ settings: settings({ delaySeconds: -3 }) })).toEqual({ show: true, afterMs: 1000 });
  });

  it('a page view shows the prompt only once the delay has passed', () => {
    const storage = new MapStorage();
    const shown = vi.fn();
    expect(pageView(storage, settings({ delaySeconds: 8 }), shown)).toEqual({ show: true, afterMs: 8000 });
    vi.advanceTimersByTime(7999);
    expect(shown).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(shown).toHaveBeenCalledTimes(1);
  });

  it('waits for the configured number of page views', () => {
    const storage = new MapStorage();
    const s = settings({ pageViews: 3, delaySeconds: 2 });
    const shown = vi.fn();
    expect(pageView(storage, s, shown)).toEqual({ show: false, why: 'views' });
    expect(pageView(storage, s, shown)).toEqual({ show: false, why: 'views' });
    vi.advanceTimersByTime(60_000);
    expect(shown).not.toHaveBeenCalled();
    expect(pageView(storage, s, shown)).toEqual({ show: true, afterMs: 2000 });
    vi.advanceTimersByTime(2000);
    expect(shown).toHaveBeenCalledTimes(1);
    expect(readMemory(storage, 'shop')).toEqual({ views: 3 });
  });

  it('after "not now", asks again only once the re-ask days have passed', () => {
    const storage = new MapStorage();
    const s = settings({ reaskDays: 3, delaySeconds: 1 });
    const shown = vi.fn();
    expect(pageView(storage, s, shown).show).toBe(true);
    vi.advanceTimersByTime(1000);
    writeMemory(storage, 'shop', dismiss(readMemory(storage, 'shop'), Date.now()));
    const dismissedAt = T0 + 1000;
    expect(readMemory(storage, 'shop')).toEqual({ views: 1, dismissedAt });

    vi.setSystemTime(dismissedAt + 1);
    expect(pageView(storage, s, shown)).toEqual({ show: false, why: 'reask' });
    vi.setSystemTime(dismissedAt + 3 * DAY_MS - 1);
    expect(pageView(storage, s, shown)).toEqual({ show: false, why: 'reask' });
    vi.advanceTimersByTime(60_000);
    expect(shown).toHaveBeenCalledTimes(1);

    vi.setSystemTime(dismissedAt + 3 * DAY_MS);
    expect(pageView(storage, s, shown)).toEqual({ show: true, afterMs: 1000 });
    vi.advanceTimersByTime(1000);
    expect(shown).toHaveBeenCalledTimes(2);
  });

  it('a clock set back before "not now" still waits the re-ask days', () => {
    const memory = dismiss({ views: 4 }, T0);
    expect(plan({ memory, now: T0 - DAY_MS })).toEqual({ show: false, why: 'reask' });
  });

  it('never prompts a subscribed visitor, one who blocked notifications, or a browser that cannot subscribe', () => {
    expect(plan({ subscribed: true })).toEqual({ show: false, why: 'subscribed' });
    expect(plan({ permission: 'denied' })).toEqual({ show: false, why: 'denied' });
    expect(plan({ supported: false })).toEqual({ show: false, why: 'unsupported' });
    // granted but not subscribed (say, the subscription was removed): the prompt may offer it again.
    expect(plan({ permission: 'granted' })).toEqual({ show: true, afterMs: 5000 });
  });

  it('style none never prompts, whatever else holds', () => {
    expect(plan({ settings: settings({ style: 'none' }) })).toEqual({ show: false, why: 'style-none' });
    expect(plan({ settings: settings({ style: 'none' }), subscribed: true, permission: 'denied' })).toEqual({ show: false, why: 'style-none' });
  });

  it('the reasons come in a fixed order', () => {
    const memory: PromptMemory = { views: 0, dismissedAt: T0 };
    expect(plan({ memory, subscribed: true, permission: 'denied', supported: false })).toEqual({ show: false, why: 'subscribed' });
    expect(plan({ memory, permission: 'denied', supported: false })).toEqual({ show: false, why: 'denied' });
    expect(plan({ memory, supported: false })).toEqual({ show: false, why: 'unsupported' });
    expect(plan({ memory })).toEqual({ show: false, why: 'views' });
    expect(plan({ memory: { ...memory, views: 1 } })).toEqual({ show: false, why: 'reask' });
  });

  it('updates memory without changing the value it was given', () => {
    const m: PromptMemory = { views: 2 };
    expect(recordPageView(m)).toEqual({ views: 3 });
    expect(dismiss(m, T0)).toEqual({ views: 2, dismissedAt: T0 });
    expect(markShown(m, T0)).toEqual({ views: 2, lastShownAt: T0 });
    expect(m).toEqual({ views: 2 });
  });
});

describe('prompt memory in storage', () => {
  it('is kept per project under pushdeck:<project>:prompt', () => {
    const storage = new MapStorage();
    expect(memoryKey('shop')).toBe('pushdeck:shop:prompt');
    expect(writeMemory(storage, 'shop', { views: 2, dismissedAt: T0, lastShownAt: T0 - 5 })).toBe(true);
    expect(JSON.parse(storage.getItem('pushdeck:shop:prompt')!)).toEqual({ views: 2, dismissedAt: T0, lastShownAt: T0 - 5 });
    expect(readMemory(storage, 'shop')).toEqual({ views: 2, dismissedAt: T0, lastShownAt: T0 - 5 });
    expect(readMemory(storage, 'blog')).toEqual({ views: 0 });
  });

  it('reads anything else as a fresh visitor', () => {
    for (const text of [null, '', 'not json', '[]', 'null', '42', '{"views":"3"}', '{"views":-1}', '{"views":1e400}']) {
      expect(parseMemory(text), String(text)).toEqual({ views: 0 });
    }
    expect(parseMemory('{"views":2.7,"dismissedAt":"yesterday","lastShownAt":-4}')).toEqual({ views: 2 });
  });

  it('survives storage that is missing or refuses', () => {
    expect(readMemory(null, 'shop')).toEqual({ views: 0 });
    expect(writeMemory(undefined, 'shop', { views: 1 })).toBe(false);
    expect(writeMemory(new MapStorage(true), 'shop', { views: 1 })).toBe(false);
    const throwing = {
      getItem() {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    } as unknown as Storage;
    expect(readMemory(throwing, 'shop')).toEqual({ views: 0 });
  });
});
