/** What the composer's sections share: the draft, how they change it, and the server's field errors. */
import type { DraftState } from '../draft';
import { UNIT_SECONDS } from '../draft';

export interface ComposerTopic {
  id: string;
  name: string;
  slug: string;
  isPublic: boolean;
  activeSubscribers: number;
}

export type SectionProps = {
  s: DraftState;
  /** Sets one field. */
  set: <K extends keyof DraftState>(k: K, v: DraftState[K]) => void;
  /** Changes several fields at once, from the latest draft. */
  update: (fn: (prev: DraftState) => DraftState) => void;
  /** The server's errors for a field path, e.g. `content.title`. */
  err: (path: string) => string[] | undefined;
};

const blank = (v: string) => (v.trim() === '' ? undefined : v.trim());

/** The draft as the campaign actions take it. */
export function toInput(s: DraftState, data: Record<string, unknown> | null) {
  return {
    name: s.name.trim(),
    content: {
      title: s.title,
      body: blank(s.body),
      url: blank(s.url),
      icon: blank(s.icon),
      image: blank(s.image),
      badge: blank(s.badge),
      tag: blank(s.tag),
      renotify: s.renotify,
      requireInteraction: s.requireInteraction,
      silent: s.silent,
      actions: s.actions.filter((a) => a.title.trim() || a.url.trim()),
      data,
    },
    options: { ttl: Math.round(s.ttlValue * UNIT_SECONDS[s.ttlUnit]), urgency: s.urgency, topic: blank(s.pushTopic) },
    audience: s.audience,
    topicIds: s.audience === 'all' ? [] : s.topicIds,
    excludeTopicIds: s.excludeTopicIds,
    storeOnServer: s.storeOnServer,
  };
}

/** Custom data: a JSON object, or nothing when the field is empty. */
export function parseCustomData(text: string): { value: Record<string, unknown> | null; error: string | null } {
  if (!text.trim()) return { value: null, error: null };
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { value: null, error: 'Custom data must be a JSON object, e.g. {"orderId": 42}.' };
    return { value: v as Record<string, unknown>, error: null };
  } catch (e) {
    return { value: null, error: `Not valid JSON: ${(e as Error).message}` };
  }
}
