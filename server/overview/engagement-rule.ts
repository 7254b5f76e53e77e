/**
 * Engagement health: how often a project's notifications are clicked, against the line below
 * which Chrome takes the notification permission away from a site. Chrome revokes it from sites
 * whose notifications get little interaction (under about 1 % of those shown; sites installed as
 * an app are exempt), and once revoked a visitor has to find the site settings to turn it back on,
 * so the audience shrinks for good. Pure: the overview card, the composer's warning and the unit
 * tests share it.
 *
 * Chrome judges each site from its own measurements in each browser; this is Pushdeck's count
 * over every browser (receipts from the service worker), so it is a guide to where a project
 * stands, not Chrome's number.
 */

/** Chrome's line: below this share of shown notifications clicked, permission is at risk. */
export const CHROME_REVOCATION_LINE = 0.01;
/** Below `NEAR_FACTOR` × the line (2 %) a project is "near" it: one poor campaign can tip it. */
export const NEAR_FACTOR = 2;
/**
 * Shown notifications needed before a rate means anything: at 1 %, 200 shown is 2 expected
 * clicks, and fewer makes one click the difference between "low" and "healthy".
 */
export const MIN_SHOWN_FOR_VERDICT = 200;
/** The window the rate is measured over, in days (campaigns started in it). */
export const ENGAGEMENT_WINDOW_DAYS = 30;

export type EngagementStatus = 'unknown' | 'low' | 'near' | 'healthy';

export interface EngagementCounts {
  sent: number;
  shown: number;
  clicked: number;
}

export interface Engagement extends EngagementCounts {
  /** clicked ÷ shown, 0–1; null when nothing was shown. */
  rate: number | null;
  /** `unknown` below MIN_SHOWN_FOR_VERDICT shown, whatever the rate. */
  status: EngagementStatus;
}

export function engagementOf({ sent, shown, clicked }: EngagementCounts): Engagement {
  // Capped at 1: a click can be counted without its "shown" receipt (Safari shows an immutable
  // declarative message without running the worker, and its click comes in through the redirect).
  const rate = shown > 0 ? Math.min(1, clicked / shown) : null;
  return { sent, shown, clicked, rate, status: statusOf(rate, shown) };
}

function statusOf(rate: number | null, shown: number): EngagementStatus {
  if (rate === null || shown < MIN_SHOWN_FOR_VERDICT) return 'unknown';
  if (rate < CHROME_REVOCATION_LINE) return 'low';
  if (rate < CHROME_REVOCATION_LINE * NEAR_FACTOR) return 'near';
  return 'healthy';
}

/** How many more shown notifications the window needs before there is a verdict. */
export function shownNeededForVerdict(e: Pick<Engagement, 'shown'>): number {
  return Math.max(0, MIN_SHOWN_FOR_VERDICT - e.shown);
}

/** Clicks needed for `clicked / shown` to reach the line (0 when it already does). */
export function clicksForLine(shown: number, clicked: number): number {
  // The epsilon keeps 0.01 × 300 = 3.0000000000000004 from asking for a fourth click.
  return Math.max(0, Math.ceil(CHROME_REVOCATION_LINE * shown - 1e-9) - clicked);
}

/** A typical campaign's size in the window: shown notifications per campaign that showed any. */
export function typicalCampaignShown({ shown, campaigns }: { shown: number; campaigns: number }): number {
  return campaigns > 0 ? Math.round(shown / campaigns) : 0;
}

export interface EngagementProjection {
  /** Shown notifications the campaign is expected to add to the window. */
  addedShown: number;
  /** The clicks it gets at the project's own click rate. */
  expectedClicks: number;
  /** The window's rate after it, clicked at the project's own rate: the current rate, by construction. */
  rate: number | null;
  /** The window's rate after it if nobody clicks it: the lowest this one campaign can take it. */
  floorRate: number | null;
  /** Clicks it needs for the window's rate to be at or above the line once it is counted. */
  clicksForLine: number;
  /** The same, as a share of `addedShown`; above 1, one campaign cannot lift the rate over the line. */
  clickRateForLine: number | null;
  /** Whether the composer warns before this campaign. */
  warn: boolean;
}

/**
 * What one more campaign of `addedShown` notifications does to the 30-day rate.
 *
 * Honestly, on its own, little: nothing tells us this campaign will be clicked more or less than
 * the project's others, so the best guess is the project's own rate, and adding shown and clicks
 * in that proportion leaves the rate where it is. A projected "this campaign drops you to 0.8 %"
 * would be invented. What is real is where the project already stands: when it is low, every
 * campaign clicked like the others keeps it below the line, and when it is near, one that does
 * somewhat worse than usual can cross it. So the composer warns exactly when the project is `low`
 * or `near` (never on `unknown`: too few shown to judge), and says the one concrete number there
 * is: how many clicks this campaign would need for the window to end at or above the line, against
 * the clicks it would get at the usual rate.
 */
export function projectedEngagement(current: Engagement, addedShown: number): EngagementProjection {
  const added = Math.max(0, Math.round(addedShown));
  const total = current.shown + added;
  const expectedClicks = current.rate === null ? 0 : Math.round(current.rate * added);
  const needed = clicksForLine(total, current.clicked);
  return {
    addedShown: added,
    expectedClicks,
    rate: current.rate,
    floorRate: total > 0 ? Math.min(1, current.clicked / total) : null,
    clicksForLine: needed,
    clickRateForLine: added > 0 ? needed / added : null,
    warn: current.status === 'low' || current.status === 'near',
  };
}
