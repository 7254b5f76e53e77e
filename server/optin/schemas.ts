/** What the site SDK reports to the opt-in funnel (`POST /api/push/optin`), checked once here. */
import { z } from 'zod';
import { DIRECT_STYLE, OPTIN_EVENTS, PROMPT_STYLES } from '../../lib/sdk/prompt-settings';

/** The styles an event is counted under: the soft prompts, and `direct` (the site's own button). */
export const OPTIN_STYLES = [...PROMPT_STYLES, DIRECT_STYLE] as const;
export type OptinStyle = (typeof OPTIN_STYLES)[number];

/** One event is a few dozen bytes; anything larger is not the SDK talking. */
export const OPTIN_BODY_BYTES = 256;

export const optinEventSchema = z.object({
  event: z.enum(OPTIN_EVENTS, { error: `The event is one of ${OPTIN_EVENTS.join(', ')}.` }),
  style: z.enum(OPTIN_STYLES, { error: `The style is one of ${OPTIN_STYLES.join(', ')}.` }),
});

export type OptinEventInput = z.infer<typeof optinEventSchema>;
