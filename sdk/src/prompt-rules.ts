/**
 * When the site SDK's soft prompt may appear (issue 17): after the project's delay and page-view
 * rules, never on load, never again before the re-ask days after "not now", and never to a visitor
 * who is subscribed, has blocked notifications or whose browser cannot subscribe.
 *
 * Pure: the visitor's memory is a plain value (kept per project in localStorage under
 * `pushdeck:<project>:prompt`, read and written by `readMemory`/`writeMemory`), and the clock is
 * an argument, so the rules are tested with fake timers and no DOM. Only types come from
 * lib/sdk/prompt-settings.ts: the SDK bundle carries no zod.
 */
import type { PromptSettings } from '../../lib/sdk/prompt-settings';

/** What the SDK remembers about one visitor of one project, on the site's origin. */
export interface PromptMemory {
  /** Page views counted on this site (each `Pushdeck.init`). */
  views: number;
  /** When the visitor last chose "not now" (ms since 1970). */
  dismissedAt?: number;
  /** When a prompt last appeared (ms since 1970). */
  lastShownAt?: number;
}

export type PromptPlan = { show: false; why: 'subscribed' | 'denied' | 'unsupported' | 'views' | 'reask' | 'style-none' } | { show: true; afterMs: number };

export interface PromptPlanInput {
  settings: Pick<PromptSettings, 'style' | 'delaySeconds' | 'pageViews' | 'reaskDays'>;
  memory: PromptMemory;
  /** ms since 1970. */
  now: number;
  permission: NotificationPermission;
  subscribed: boolean;
  /** The browser can subscribe here, or can once the site is on the Home Screen (iOS): the prompt explains that. */
  supported: boolean;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
/** A prompt never appears sooner than this after load, whatever the settings say. */
export const MIN_DELAY_MS = 1000;

export const EMPTY_MEMORY: PromptMemory = Object.freeze({ views: 0 });

/** The localStorage key of `project`'s memory. */
export function memoryKey(project: string): string {
  return `pushdeck:${project}:prompt`;
}

/** One more page view. */
export function recordPageView(memory: PromptMemory): PromptMemory {
  return { ...memory, views: memory.views + 1 };
}

/** The visitor chose "not now" (or closed the browser's prompt) at `now`. */
export function dismiss(memory: PromptMemory, now: number): PromptMemory {
  return { ...memory, dismissedAt: now };
}

/** A prompt appeared at `now`. */
export function markShown(memory: PromptMemory, now: number): PromptMemory {
  return { ...memory, lastShownAt: now };
}

/**
 * Whether the soft prompt appears on this page view, and after how long. The reasons are checked
 * in this order: the site turned prompts off, the visitor is subscribed, has blocked
 * notifications, cannot subscribe in this browser, has not viewed enough pages yet, or said
 * "not now" less than `reaskDays` ago.
 */
export function promptPlan(input: PromptPlanInput): PromptPlan {
  const { settings, memory, now } = input;
  if (settings.style === 'none') return { show: false, why: 'style-none' };
  if (input.subscribed) return { show: false, why: 'subscribed' };
  if (input.permission === 'denied') return { show: false, why: 'denied' };
  if (!input.supported) return { show: false, why: 'unsupported' };
  if (memory.views < settings.pageViews) return { show: false, why: 'views' };
  // A clock set back (dismissedAt in the future) still waits the full re-ask delay from it.
  if (memory.dismissedAt !== undefined && now < memory.dismissedAt + settings.reaskDays * DAY_MS) return { show: false, why: 'reask' };
  return { show: true, afterMs: Math.max(MIN_DELAY_MS, Math.round(settings.delaySeconds * 1000)) };
}

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined);

/** Memory as stored, read forgivingly: anything that is not what `writeMemory` wrote is a fresh visitor's. */
export function parseMemory(text: string | null): PromptMemory {
  if (!text) return { ...EMPTY_MEMORY };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ...EMPTY_MEMORY };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ...EMPTY_MEMORY };
  const o = raw as Record<string, unknown>;
  const memory: PromptMemory = { views: count(o.views) ?? 0 };
  const dismissedAt = count(o.dismissedAt);
  const lastShownAt = count(o.lastShownAt);
  if (dismissedAt !== undefined) memory.dismissedAt = dismissedAt;
  if (lastShownAt !== undefined) memory.lastShownAt = lastShownAt;
  return memory;
}

/** `project`'s memory in `storage`; a fresh visitor's where storage is missing or refuses (Safari's private mode, a sandboxed frame). */
export function readMemory(storage: Storage | null | undefined, project: string): PromptMemory {
  try {
    return parseMemory(storage ? storage.getItem(memoryKey(project)) : null);
  } catch {
    return { ...EMPTY_MEMORY };
  }
}

/** Keep `memory`; false where storage is missing or refuses (the prompt then behaves as for a new visitor next time). */
export function writeMemory(storage: Storage | null | undefined, project: string, memory: PromptMemory): boolean {
  if (!storage) return false;
  try {
    storage.setItem(memoryKey(project), JSON.stringify(memory));
    return true;
  } catch {
    return false;
  }
}
