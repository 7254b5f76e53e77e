/**
 * Input shapes for browsing, exporting and deleting subscribers, shared by the pages, the
 * export route, the server action and the tests. Form and query-string values arrive as strings;
 * an empty string means "no filter".
 */
import { z } from 'zod';
import { subscriptionStatuses } from '../../db/schema';

/** `''` (an unselected <select>, an empty date input) counts as absent. */
const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

export const subscriberFiltersShape = {
  topic: opt(z.uuid({ message: 'Pick a topic from the list.' })),
  status: opt(z.enum(subscriptionStatuses, { message: 'Pick a status from the list.' })),
  /** The push service's exact host, as stored (e.g. fcm.googleapis.com). */
  pushService: opt(z.string().trim().min(1).max(253).regex(/^[a-z0-9.:[\]-]+$/i, { message: 'Pick a push service from the list.' })),
  vapidKeyId: opt(z.uuid({ message: 'Pick a key from the list.' })),
  createdFrom: opt(z.iso.date({ message: 'Use a date like 2025-01-31.' })),
  createdTo: opt(z.iso.date({ message: 'Use a date like 2025-01-31.' })),
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

/** The query-string keys that are filters (what the export and the paging links carry over). */
export const SUBSCRIBER_FILTER_KEYS = ['topic', 'status', 'pushService', 'vapidKeyId', 'createdFrom', 'createdTo'] as const;

export const deleteSubscriberSchema = z.object({ id: z.uuid({ message: 'That subscriber does not exist.' }) });
