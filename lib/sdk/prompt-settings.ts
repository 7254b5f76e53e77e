/**
 * How a project asks its visitors to subscribe: the prompt style, when it appears, what it says
 * and when it may ask again after "not now". Configured in the dashboard (Install page), stored
 * on the project (`projects.prompt`), served to the site SDK (`GET /api/push/config`) and read by
 * the SDK's prompt rules. Pure: shared by the server, the dashboard form and the SDK bundle.
 *
 * The browser's own permission prompt only ever follows a click on one of these prompts (or a
 * call to `Pushdeck.subscribe()` from the site's own click handler): never on page load.
 */
import { z } from 'zod';

/** The soft prompts the SDK can draw; `none`: the site calls `Pushdeck.subscribe()` itself. */
export const PROMPT_STYLES = ['slidedown', 'bell', 'inline', 'none'] as const;
export type PromptStyle = (typeof PROMPT_STYLES)[number];

/** What the opt-in funnel counts, per day and prompt style (`optin_events`). */
export const OPTIN_EVENTS = ['prompt_shown', 'accepted', 'dismissed', 'denied', 'unsubscribed'] as const;
export type OptinEvent = (typeof OPTIN_EVENTS)[number];

/** The style an event is counted under when no soft prompt led to it (the site's own button). */
export const DIRECT_STYLE = 'direct';

const text = (max: number, what: string) => z.string().trim().min(1, `${what} cannot be empty.`).max(max, `${what} may be at most ${max} characters.`);

export const promptSettingsSchema = z.object({
  style: z.enum(PROMPT_STYLES, { error: `The prompt style is one of ${PROMPT_STYLES.join(', ')}.` }).default('slidedown'),
  /** Seconds on the page before the prompt appears (at least 1: never on load). */
  delaySeconds: z
    .number({ error: 'The delay is a number of seconds.' })
    .int('The delay is whole seconds.')
    .min(1, 'Wait at least 1 second: never prompt on page load.')
    .max(600, 'The delay may be at most 600 seconds.')
    .default(5),
  /** Page views (on this site, counted by the SDK) before the prompt appears; 1 = the first. */
  pageViews: z
    .number({ error: 'Page views is a number.' })
    .int('Page views is a whole number.')
    .min(1, 'Page views is at least 1.')
    .max(50, 'Page views may be at most 50.')
    .default(1),
  /** Days after "not now" before the prompt asks again. */
  reaskDays: z
    .number({ error: 'The re-ask delay is a number of days.' })
    .int('The re-ask delay is whole days.')
    .min(1, 'Ask again after at least 1 day.')
    .max(365, 'Ask again within 365 days.')
    .default(7),
  /** Offer the project's topics as checkboxes in the slide-down prompt. */
  topicChoice: z.boolean().default(true),
  headline: text(80, 'The headline').default('Get notified'),
  body: text(200, 'The text').default('We will send you a notification when something new is published. You can stop at any time.'),
  acceptLabel: text(30, 'The accept button').default('Allow'),
  laterLabel: text(30, 'The "not now" button').default('Not now'),
});

export type PromptSettings = z.infer<typeof promptSettingsSchema>;

/** The settings a project without any saved has (and what a stored value is merged onto). */
export const DEFAULT_PROMPT_SETTINGS: PromptSettings = promptSettingsSchema.parse({});

/** Stored settings, read forgivingly: a field that no longer parses falls back to its default. */
export function readPromptSettings(stored: unknown): PromptSettings {
  const base = stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...DEFAULT_PROMPT_SETTINGS };
  const shape = promptSettingsSchema.shape;
  for (const key of Object.keys(shape) as (keyof PromptSettings)[]) {
    const parsed = shape[key].safeParse(base[key]);
    if (parsed.success && base[key] !== undefined) out[key] = parsed.data;
  }
  return out as PromptSettings;
}
