/**
 * The delivery engine's row types: what a claim returns, what a run writes back, what every push of
 * a campaign carries, and who holds a claim. DeliveryStore (store.ts) reads and writes them; the
 * pipeline and its in-memory test store only need these.
 */
import 'server-only';
import { randomUUID } from 'node:crypto';
import type { NotificationContent } from '../../lib/push/payload';
import type { Urgency } from '../../lib/push/sender';
import type { Audience } from './audience';
import type { DeliveryOutcome } from './retry-policy';

/**
 * Who holds a claim: one run (pipeline.ts), never a whole process — a process runs several at
 * once, over the same campaign too, and one run must never record results for, or renew, rows
 * another has since claimed and sent.
 */
export type ClaimOwner = string & { readonly __claimOwner: unique symbol };
export const newClaimOwner = (workerId: string): ClaimOwner => `${workerId}/${randomUUID().slice(0, 8)}` as ClaimOwner;

/** A claimed delivery with what sending it needs. */
export interface ClaimedRow {
  subscription_id: string;
  attempts: number;
  push_service: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  vapid_key_id: string | null;
  sub_status: string;
}

/** One delivery's result, as written back. `attempted`: a request went out (attempts + 1). */
export interface ResultRow {
  subscription_id: string;
  status: DeliveryOutcome;
  http_status: number | null;
  latency_ms: number | null;
  reason: string | null;
  vapid_claim_id: number | null;
  next_attempt_at: string | null;
  attempted: boolean;
}

/** What every push of a campaign carries. */
export interface CampaignMessage {
  campaignId: string;
  status: string;
  content: NotificationContent;
  ttl: number;
  urgency: Urgency;
  push_topic: string | null;
  /** Set when the content is delivered through the server (the push carries a pointer). */
  message_id: string | null;
  /** The campaign's project: where its links point (server/push/links.ts). */
  project_slug: string;
  project_origins: string[];
}

export interface FanoutState {
  status: string;
  fanout_done: boolean;
  fanout_cursor: string | null;
  audience: Audience;
  targeted: number;
}
