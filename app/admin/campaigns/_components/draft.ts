/** The composer's state, shared by the server pages (initial values) and the client form. */
import type { Urgency } from '@/lib/push/constants';

export interface DraftState {
  name: string;
  title: string;
  body: string;
  url: string;
  icon: string;
  image: string;
  badge: string;
  tag: string;
  renotify: boolean;
  requireInteraction: boolean;
  silent: boolean;
  actions: { title: string; url: string }[];
  dataText: string;
  ttlValue: number;
  ttlUnit: 'minutes' | 'hours' | 'days';
  urgency: Urgency;
  pushTopic: string;
  audience: 'all' | 'any' | 'every';
  topicIds: string[];
  excludeTopicIds: string[];
  when: 'now' | 'schedule';
  localTime: string;
  timeZone: string;
  /** Deliver through the server (content fetched by the service worker). */
  storeOnServer: boolean;
}

export const UNIT_SECONDS = { minutes: 60, hours: 3600, days: 86400 } as const;

/** A TTL in seconds as the composer shows it (value + unit). */
export function ttlToState(ttl: number): Pick<DraftState, 'ttlValue' | 'ttlUnit'> {
  if (ttl % 86400 === 0 && ttl >= 86400) return { ttlValue: ttl / 86400, ttlUnit: 'days' };
  if (ttl % 3600 === 0 && ttl >= 3600) return { ttlValue: ttl / 3600, ttlUnit: 'hours' };
  return { ttlValue: Math.round(ttl / 60), ttlUnit: 'minutes' };
}

export const EMPTY_DRAFT: DraftState = {
  name: '',
  title: '',
  body: '',
  url: '',
  icon: '',
  image: '',
  badge: '',
  tag: '',
  renotify: false,
  requireInteraction: false,
  silent: false,
  actions: [],
  dataText: '',
  ttlValue: 1,
  ttlUnit: 'days',
  urgency: 'normal',
  pushTopic: '',
  audience: 'all',
  topicIds: [],
  excludeTopicIds: [],
  when: 'now',
  localTime: '',
  timeZone: '',
  storeOnServer: false,
};
