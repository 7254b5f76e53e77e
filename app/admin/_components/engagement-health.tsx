/**
 * Engagement health in the dashboard: the overview's card (the 30-day click rate on a gauge
 * against Chrome's 1 % line, with what to do next) and the composer's warning before a campaign
 * when the project is already low or near that line. Both render on the server from
 * `getEngagement`; the verdict and the projection are engagement-rule.ts's.
 */
import Link from 'next/link';
import { Badge, type Tone } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Notice } from '@/components/ui/notice';
import { adminPath } from '@/lib/http/project-path';
import {
  CHROME_REVOCATION_LINE,
  clicksForLine,
  ENGAGEMENT_WINDOW_DAYS,
  MIN_SHOWN_FOR_VERDICT,
  NEAR_FACTOR,
  projectedEngagement,
  shownNeededForVerdict,
  typicalCampaignShown,
  type Engagement,
  type EngagementStatus,
} from '@/server/overview/engagement-rule';

/** What the card and the warning need: the verdict, and the campaigns it came from. */
export type EngagementView = Engagement & { campaigns: number };

/** The gauge runs from 0 to 5 × the line: far enough to show "healthy", close enough to see 1 % and 2 %. */
const SCALE_MAX = CHROME_REVOCATION_LINE * 5;
const NEAR_LINE = CHROME_REVOCATION_LINE * NEAR_FACTOR;

const num = (n: number) => n.toLocaleString('en');
/** 0.0053 → "0.53 %", 0.153 → "15.3 %": two decimals where the line is, one above 10 %. */
export const formatRate = (r: number) => `${(r * 100).toFixed(r < 0.1 ? 2 : 1)} %`;
const pct = (r: number) => `${(r * 100).toFixed(0)} %`;
const at = (r: number) => `${(Math.min(r, SCALE_MAX) / SCALE_MAX) * 100}%`;

const statusLabel: Record<EngagementStatus, string> = {
  unknown: 'Not enough data',
  low: 'Below the line',
  near: 'Near the line',
  healthy: 'Healthy',
};
const statusTone: Record<EngagementStatus, Tone> = { unknown: 'gray', low: 'red', near: 'yellow', healthy: 'green' };
const rateTone: Record<EngagementStatus, string> = {
  unknown: 'text-slate-400',
  low: 'text-red-600',
  near: 'text-amber-600',
  healthy: 'text-emerald-600',
};
const fillTone: Record<EngagementStatus, string> = {
  unknown: 'bg-slate-300',
  low: 'bg-red-500',
  near: 'bg-amber-500',
  healthy: 'bg-emerald-500',
};

/** The rate on a 0–5 % scale: red below the line, amber up to twice it, green beyond; a marker at 1 %. */
function EngagementGauge({ rate, status }: { rate: number; status: EngagementStatus }) {
  return (
    <div className="pt-5" data-testid="engagement-gauge">
      <div
        className="relative"
        role="meter"
        aria-label="Clicked share of shown notifications, last 30 days"
        aria-valuemin={0}
        aria-valuemax={SCALE_MAX * 100}
        aria-valuenow={Math.min(rate, SCALE_MAX) * 100}
        aria-valuetext={`${formatRate(rate)} clicked; Chrome's line is ${pct(CHROME_REVOCATION_LINE)}`}
      >
        {/* The zones, faint, under the rate's own bar. */}
        <div className="flex h-3 overflow-hidden rounded-full" aria-hidden>
          <div className="bg-red-100" style={{ width: at(CHROME_REVOCATION_LINE) }} />
          <div className="bg-amber-100" style={{ width: `calc(${at(NEAR_LINE)} - ${at(CHROME_REVOCATION_LINE)})` }} />
          <div className="flex-1 bg-emerald-100" />
        </div>
        <div
          className={cn('absolute inset-y-0 left-0 rounded-full transition-[width] duration-500 motion-reduce:transition-none', fillTone[status])}
          style={{ width: rate > 0 ? `max(0.5rem, ${at(rate)})` : '0' }}
          aria-hidden
        />
        {/* Chrome's line, labelled above the bar. */}
        <div className="absolute -top-5 bottom-[-4px] w-px bg-slate-900" style={{ left: at(CHROME_REVOCATION_LINE) }} aria-hidden>
          <span className="absolute -top-0.5 left-1.5 text-[11px] font-medium whitespace-nowrap text-slate-700">Chrome&apos;s line</span>
        </div>
      </div>
      <div className="relative mt-1.5 h-4 text-[11px] tabular-nums text-slate-500" aria-hidden>
        <span className="absolute left-0">0 %</span>
        <span className="absolute -translate-x-1/2" style={{ left: at(CHROME_REVOCATION_LINE) }}>
          {pct(CHROME_REVOCATION_LINE)}
        </span>
        <span className="absolute -translate-x-1/2" style={{ left: at(NEAR_LINE) }}>
          {pct(NEAR_LINE)}
        </span>
        <span className="absolute right-0">{pct(SCALE_MAX)}+</span>
      </div>
    </div>
  );
}

function Figure({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-lg font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {num(value)}
      </dd>
    </div>
  );
}

/** What the numbers mean for this project, and what to do about them. */
function Advice({ e, topicsHref }: { e: EngagementView; topicsHref: string }) {
  const topics = (
    <Link href={topicsHref} className="font-medium text-brand-700 hover:underline">
      topics
    </Link>
  );
  if (e.status === 'healthy') {
    return (
      <p className="text-sm text-slate-600">
        Well above the line: people click what you send. Keep sending to the {topics} people chose, and keep an eye on this as your audience grows.
      </p>
    );
  }
  const short = clicksForLine(e.shown, e.clicked);
  return (
    <div className="space-y-2 text-sm text-slate-600">
      {e.status === 'low' ? (
        <p>
          <span className="font-medium text-red-700">Chrome may take notification permission away from this site.</span> Over these {ENGAGEMENT_WINDOW_DAYS}{' '}
          days the notifications were {num(short)} clicks short of the line. Once it is revoked, a visitor has to find the site&apos;s settings to allow
          notifications again, so the audience shrinks for good.
        </p>
      ) : (
        <p>
          <span className="font-medium text-amber-700">Above the line, with little room.</span> One campaign clicked less than usual can take the{' '}
          {ENGAGEMENT_WINDOW_DAYS}-day rate under {pct(CHROME_REVOCATION_LINE)}.
        </p>
      )}
      <p className="font-medium text-slate-800">Send fewer, better-targeted notifications:</p>
      <ul className="list-disc space-y-1 pl-5">
        <li>Send to the {topics} that asked for it rather than to everyone.</li>
        <li>Skip the sends that are not worth opening; one good campaign beats three routine ones, and old campaigns leave the window.</li>
        <li>Say in the title what the click gets, and link to that page, not the home page.</li>
      </ul>
    </div>
  );
}

/** The overview's card: the 30-day click rate against Chrome's line, or how far it is from a verdict. */
export function EngagementHealthCard({ engagement: e, projectSlug }: { engagement: EngagementView; projectSlug: string }) {
  const topicsHref = adminPath(projectSlug, '/topics');
  return (
    <Card className="min-w-0 scroll-mt-6" id="engagement" data-testid="engagement-health" data-status={e.status}>
      <CardHeader
        title={`Engagement health, last ${ENGAGEMENT_WINDOW_DAYS} days`}
        description={`Clicks per notification shown. Chrome takes notification permission away from sites under about ${pct(CHROME_REVOCATION_LINE)}.`}
        actions={
          <Badge tone={statusTone[e.status]} data-testid="engagement-status">
            {statusLabel[e.status]}
          </Badge>
        }
      />
      <CardBody>
        {e.rate === null || e.status === 'unknown' ? (
          <div className="py-4 text-center" data-testid="engagement-empty">
            <p className="text-sm font-semibold text-slate-900">Not enough notifications shown yet to judge</p>
            <p className="mx-auto mt-1 max-w-lg text-sm text-slate-500">
              A verdict needs {num(MIN_SHOWN_FOR_VERDICT)} notifications shown in {ENGAGEMENT_WINDOW_DAYS} days:{' '}
              <span className="font-medium text-slate-700">{num(shownNeededForVerdict(e))} more</span> to go
              {e.shown > 0 ? ` (${num(e.shown)} shown, ${num(e.clicked)} clicked so far)` : ''}.
            </p>
            {/* Many sent, few shown: more likely missing receipts than notifications nobody saw. */}
            {e.sent >= MIN_SHOWN_FOR_VERDICT && e.shown < e.sent / 2 && (
              <p className="mx-auto mt-2 max-w-lg text-xs text-slate-500">
                {num(e.sent)} were sent but only {num(e.shown)} reported as shown: &ldquo;shown&rdquo; is the service worker&apos;s receipt, so a worker that
                does not send receipts leaves this empty.
              </p>
            )}
          </div>
        ) : (
          <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
            <div className="min-w-0">
              <p className={cn('text-3xl font-semibold tracking-tight tabular-nums', rateTone[e.status])} data-testid="engagement-rate">
                {formatRate(e.rate)}
                <span className="ml-2 text-sm font-normal tracking-normal text-slate-500">of shown notifications clicked</span>
              </p>
              <EngagementGauge rate={e.rate} status={e.status} />
              <dl className="mt-4 grid grid-cols-3 gap-4 border-t border-slate-100 pt-4">
                <Figure label="Shown" value={e.shown} testId="engagement-shown" />
                <Figure label="Clicked" value={e.clicked} testId="engagement-clicked" />
                <Figure label="Sent" value={e.sent} testId="engagement-sent" />
              </dl>
            </div>
            <div className="min-w-0" data-testid="engagement-advice">
              <Advice e={e} topicsHref={topicsHref} />
            </div>
          </div>
        )}
        <p className="mt-4 border-t border-slate-100 pt-3 text-xs text-slate-500">
          {e.campaigns > 0
            ? `From the ${num(e.campaigns)} campaign${e.campaigns === 1 ? '' : 's'} started in the last ${ENGAGEMENT_WINDOW_DAYS} days with notifications shown. `
            : `No campaign started in the last ${ENGAGEMENT_WINDOW_DAYS} days has had a notification shown. `}
          Chrome measures each site in each browser itself; this is Pushdeck&apos;s count over every browser, a guide rather than Chrome&apos;s own number.
          Visitors who installed the site as an app are exempt.
        </p>
      </CardBody>
    </Card>
  );
}

/**
 * Above the composer, when the project is low or near the line (see `projectedEngagement` for why
 * only then): how many clicks a campaign of the usual size needs to end at or above the line,
 * against what it gets at the project's usual rate.
 */
export function EngagementWarning({ engagement: e, projectSlug, className }: { engagement: EngagementView; projectSlug: string; className?: string }) {
  const typical = typicalCampaignShown(e);
  const p = projectedEngagement(e, typical);
  if (!p.warn || e.rate === null) return null;
  const low = e.status === 'low';
  const overview = (
    <Link href={`${adminPath(projectSlug)}#engagement`} className="font-medium underline underline-offset-2 hover:no-underline">
      Engagement health
    </Link>
  );
  let need: React.ReactNode;
  if (typical === 0 || p.clickRateForLine === null) {
    need = null;
  } else if (p.clickRateForLine > 1) {
    need = (
      <>
        No single campaign can lift it back: a campaign of your usual size (about {num(typical)} shown) would need {num(p.clicksForLine)} clicks. Sending less,
        to the people who want it, is what helps while older campaigns leave the window.
      </>
    );
  } else if (p.clicksForLine === 0) {
    need = (
      <>
        A campaign of your usual size (about {num(typical)} shown) cannot take it below the line on its own, but each send clicked less than usual brings it
        closer.
      </>
    );
  } else {
    need = (
      <>
        A campaign of your usual size (about {num(typical)} shown) needs{' '}
        <span className="font-semibold">
          {num(p.clicksForLine)} click{p.clicksForLine === 1 ? '' : 's'} ({formatRate(p.clickRateForLine)})
        </span>{' '}
        {low ? 'to bring' : 'to keep'} the {ENGAGEMENT_WINDOW_DAYS}-day rate {low ? 'back to' : 'at'} {pct(CHROME_REVOCATION_LINE)}; at your usual rate it gets
        about {num(p.expectedClicks)}.
      </>
    );
  }
  return (
    <Notice
      tone={low ? 'warning' : 'info'}
      className={className}
      data-testid="engagement-warning"
      data-status={e.status}
      title={low ? `Clicks are below Chrome's ${pct(CHROME_REVOCATION_LINE)} line` : `Clicks are close to Chrome's ${pct(CHROME_REVOCATION_LINE)} line`}
    >
      <p>
        {formatRate(e.rate)} of the notifications shown in the last {ENGAGEMENT_WINDOW_DAYS} days were clicked ({num(e.clicked)} of {num(e.shown)}). Chrome
        takes notification permission away from sites under about {pct(CHROME_REVOCATION_LINE)}.
      </p>
      {need && <p className="mt-1">{need}</p>}
      <p className="mt-1">Send this only to the topics that asked for it, or hold it back if it is routine. More in {overview}.</p>
    </Notice>
  );
}
