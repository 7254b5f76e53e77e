/**
 * What a campaign is made of, validated once for the composer's server actions, the API and
 * tests: the notification, how it is delivered (TTL, urgency, RFC 8030 topic) and who gets it.
 */
import { z } from 'zod';
import { audienceModes } from '../../db/schema';
import { textProblem } from '../../lib/text';
import { contentBytes, deliveryOptionsSchema, MAX_STORED_CONTENT_BYTES, measurePayload, notificationSchema } from '../../lib/push/payload';

export const MAX_CAMPAIGN_NAME = 120;

/**
 * A campaign name made from a notification title (API sends): titles may be longer than names, so
 * it is cut to fit, at a code point (never half an emoji), with an ellipsis.
 */
export function campaignNameFrom(title: string): string {
  const t = title.trim();
  if (t.length <= MAX_CAMPAIGN_NAME) return t;
  let out = '';
  for (const ch of t) {
    if (out.length + ch.length > MAX_CAMPAIGN_NAME - 1) break;
    out += ch;
  }
  return `${out.trimEnd()}…`;
}

export const campaignInputSchema = z
  .object({
    name: z.string().trim().max(MAX_CAMPAIGN_NAME, `The name may be at most ${MAX_CAMPAIGN_NAME} characters.`).optional().default(''),
    content: notificationSchema,
    options: deliveryOptionsSchema.default({ ttl: 86_400, urgency: 'normal' }),
    audience: z.enum(audienceModes, { error: 'Choose who receives it.' }).default('any'),
    topicIds: z
      .array(z.uuid({ error: 'Unknown topic.' }))
      .max(100, 'At most 100 topics.')
      .default([]),
    excludeTopicIds: z
      .array(z.uuid({ error: 'Unknown topic.' }))
      .max(100, 'At most 100 topics.')
      .default([]),
    /** Deliver through the server (for notifications that do not fit one push). */
    storeOnServer: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    const nameProblem = textProblem(v.name, 'The name');
    if (nameProblem) ctx.addIssue({ code: 'custom', path: ['name'], message: nameProblem });
    if (v.audience !== 'all' && v.topicIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['topicIds'], message: 'Choose at least one topic, or send to all subscribers.' });
    }
    if (v.topicIds.some((id) => v.excludeTopicIds.includes(id))) {
      ctx.addIssue({ code: 'custom', path: ['excludeTopicIds'], message: 'A topic cannot be both targeted and excluded.' });
    }
    if (v.storeOnServer) {
      const bytes = contentBytes(v.content);
      if (bytes > MAX_STORED_CONTENT_BYTES) {
        ctx.addIssue({
          code: 'custom',
          path: ['content'],
          message: `The notification is ${bytes} bytes; at most ${MAX_STORED_CONTENT_BYTES} can be delivered through the server.`,
        });
      }
      return;
    }
    const size = measurePayload(v.content);
    if (!size.fits) {
      ctx.addIssue({
        code: 'custom',
        path: ['content'],
        message: `The notification is ${size.bytes} bytes; one push holds ${size.limit}. Shorten it, or deliver it through the server.`,
      });
    }
  });
export type CampaignInput = z.input<typeof campaignInputSchema>;
export type ParsedCampaignInput = z.infer<typeof campaignInputSchema>;

export const campaignIdSchema = z.object({ id: z.uuid({ error: 'Unknown campaign.' }) });

export const scheduleSchema = z.object({
  id: z.uuid({ error: 'Unknown campaign.' }),
  /** `YYYY-MM-DDTHH:mm[:ss]` in `timeZone`. */
  localTime: z.string({ error: 'Choose a date and time.' }).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Choose a date and time.'),
  timeZone: z.string().min(1).max(64),
});

export const testSendSchema = z.object({
  subscriptionId: z.uuid({ error: 'Choose a subscriber.' }),
  content: notificationSchema,
  options: deliveryOptionsSchema.default({ ttl: 86_400, urgency: 'normal' }),
});

export const audienceSchema = z.object({
  audience: z.enum(audienceModes),
  topicIds: z.array(z.uuid()).max(100).default([]),
  excludeTopicIds: z.array(z.uuid()).max(100).default([]),
});
