/**
 * The largest request body each API route reads (bytes). The routes pass these to readJson, and
 * the API page and the OpenAPI document quote them, so the documented limits are the enforced ones.
 */
import { MAX_STORE_DATA } from '../store/pushbox';
import { MAX_BODY_BYTES } from '../subscribers/subscribe-schemas';

export const API_BODY_LIMITS = {
  notifications: 80 * 1024,
  topics: 8 * 1024,
  projects: 8 * 1024,
  /** The stored data (at most MAX_STORE_DATA characters) plus the JSON around it. */
  store: MAX_STORE_DATA * 2 + 1024,
  subscriptions: MAX_BODY_BYTES,
  /** notiflux's POST /broadcast: a message of up to 4,000 characters and a token. */
  broadcast: 16 * 1024,
} as const;

export const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
