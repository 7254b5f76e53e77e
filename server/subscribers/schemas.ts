/**
 * Input shapes for browsing, exporting and deleting subscribers, shared by the pages, the
 * export route, the server action and the tests. Form and query-string values arrive as strings;
 * an empty string means "no filter".
 */
import { z } from 'zod';
import { slugSchema } from '../topics/schemas';
import { subscriptionStatuses } from '../../db/schema';
import { dateParam, intParam } from '../../lib/params';
import { IMPORT_MAX_UPLOAD_BYTES } from '../../lib/http/limits.mjs';

/** `''` (an unselected <select>, an empty date input) counts as absent. */
const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

export const subscriberFiltersShape = {
  topic: opt(z.uuid({ message: 'Pick a topic from the list.' })),
  status: opt(z.enum(subscriptionStatuses, { message: 'Pick a status from the list.' })),
  /** The push service's exact host, as stored (e.g. fcm.googleapis.com). */
  pushService: opt(
    z
      .string()
      .trim()
      .min(1)
      .max(253)
      .regex(/^[a-z0-9.:[\]-]+$/i, { message: 'Pick a push service from the list.' }),
  ),
  vapidKeyId: opt(z.uuid({ message: 'Pick a key from the list.' })),
  createdFrom: opt(dateParam()),
  createdTo: opt(dateParam()),
};

const datesInOrder = (f: { createdFrom?: string; createdTo?: string }) => !f.createdFrom || !f.createdTo || f.createdFrom <= f.createdTo;
const datesMessage = { message: 'The start date is after the end date.', path: ['createdTo'] };

export const subscriberFiltersSchema = z.object(subscriberFiltersShape).refine(datesInOrder, datesMessage);
export type SubscriberFilters = z.output<typeof subscriberFiltersSchema>;

export const subscriberListSchema = z
  .object({
    ...subscriberFiltersShape,
    /** Keyset cursor: the last (oldest) id of the previous page. */
    before: opt(z.uuid()),
    limit: opt(z.coerce.number().int().min(1).max(200)).transform((v) => v ?? 50),
  })
  .refine(datesInOrder, datesMessage);
export type SubscriberListInput = z.input<typeof subscriberListSchema>;

/**
 * The API's query string for GET /api/v1/subscribers: the same filters and keyset paging, but the
 * topic named by its slug (as everywhere in the API) and unknown parameters refused (a typo in a
 * filter must not silently return everyone).
 */
export const apiSubscriberListSchema = z
  .object({
    ...subscriberFiltersShape,
    topic: opt(slugSchema),
    before: opt(z.uuid({ message: 'before is the nextBefore of the previous page.' })),
    limit: opt(intParam(1, 200, 'limit is 1–200, in plain digits.')).transform((v) => v ?? 50),
  })
  .strict()
  .refine(datesInOrder, datesMessage);

/** The query-string keys that are filters (what the export and the paging links carry over). */
export const SUBSCRIBER_FILTER_KEYS = ['topic', 'status', 'pushService', 'vapidKeyId', 'createdFrom', 'createdTo'] as const;

export const deleteSubscriberSchema = z.object({ id: z.uuid({ message: 'That subscriber does not exist.' }) });

/** Dashboard uploads stay within the body limit (lib/http/limits.mjs); the CLI has no such cap. */
export { IMPORT_MAX_UPLOAD_BYTES };
/** Rows in one import: one transaction holds them all. */
export const IMPORT_MAX_ROWS = 200_000;
export const importFormats = ['json', 'csv'] as const;
export type ImportFormat = (typeof importFormats)[number];

const checkbox = z
  .union([z.boolean(), z.enum(['on', 'true', 'false', ''])])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true');

export const importSubscribersSchema = z.object({
  vapidKeyId: z.uuid({ error: 'Choose the VAPID key these subscriptions were made with.' }),
  /** The file's text. */
  content: z.string({ error: 'Choose a file to import.' }).refine((v) => v.trim() !== '', 'The file is empty.'),
  /** Shown in the report and the audit log; also tells the format when `format` is absent. */
  filename: z.string().trim().max(255).default(''),
  format: opt(z.enum(importFormats, { error: 'The format is json or csv.' })),
  dryRun: checkbox,
});
export type ImportSubscribersInput = z.input<typeof importSubscribersSchema>;

/** The dashboard's upload: one JSON or CSV file within the upload limit (and the key, so both are reported together). */
export const importUploadSchema = z.object({
  vapidKeyId: importSubscribersSchema.shape.vapidKeyId,
  file: z
    .instanceof(File, { message: 'Choose a JSON or CSV file to import.' })
    // No file chosen arrives as an empty file (its name is not dependable across browsers).
    .refine((f) => f.size > 0, 'Choose a JSON or CSV file to import: none was chosen, or the one chosen is empty.')
    .refine(
      (f) => f.size <= IMPORT_MAX_UPLOAD_BYTES,
      `The file is larger than ${IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024} MB. Split it, or import it from a shell: npm run cli -- import-subscribers FILE --key KEY`,
    ),
});
