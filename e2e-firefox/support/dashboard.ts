/**
 * The dashboard side of the Firefox scenarios, in Playwright's Chromium: topics, campaigns and
 * VAPID keys made through the admin pages as a person would, and what the database says read
 * back through the app's own HTTP API.
 */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { OWNER, apiLogin } from '../../e2e/support/auth';

export async function signIn(page: Page): Promise<void> {
  await apiLogin(page.request, OWNER.email, OWNER.password);
}

/** A public topic made on /admin/topics; returns its slug. */
export async function createTopic(page: Page, name: string, slug: string): Promise<string> {
  await page.goto('/admin/topics');
  const form = page.getByRole('form', { name: 'Create a topic' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Slug').fill(slug);
  await form.getByRole('button', { name: 'Create topic' }).click();
  await expect(page.getByTestId(`topic-row-${slug}`)).toBeVisible();
  return slug;
}

export interface CampaignInput {
  title: string;
  body: string;
  url: string;
  icon: string;
  buttons?: { label: string; url: string }[];
  /** Topic names to target ("Subscribers in any of these topics"); all subscribers when omitted. */
  topics?: string[];
  /** Custom data (JSON text). */
  data?: string;
  /** Deliver through the server (the composer offers it when the notification is too large). */
  throughServer?: boolean;
}

/** Composes a campaign on /admin/campaigns/new and sends it now; returns its id. */
export async function sendCampaign(page: Page, campaign: CampaignInput): Promise<string> {
  await page.goto('/admin/campaigns/new');
  await page.getByLabel('Title').fill(campaign.title);
  await page.getByLabel('Text').fill(campaign.body);
  await page.getByLabel('Link').fill(campaign.url);
  await page.getByLabel('Icon URL').fill(campaign.icon);
  for (const [i, button] of (campaign.buttons ?? []).entries()) {
    await page.getByRole('button', { name: 'Add a button' }).click();
    await page.getByLabel(`Button ${i + 1} label`).fill(button.label);
    await page.getByLabel(`Button ${i + 1} link`).fill(button.url);
  }
  if (campaign.data) await page.getByLabel('Custom data (JSON)').fill(campaign.data);
  if (campaign.throughServer) {
    await page.getByRole('button', { name: 'Deliver through the server instead' }).click();
    await expect(page.getByTestId('size-meter')).toHaveAttribute('data-mode', 'server');
  }
  if (campaign.topics) {
    await page.getByRole('radio', { name: 'Subscribers in any of these topics' }).check();
    const targets = page.getByRole('group', { name: 'Target topics' });
    for (const name of campaign.topics) {
      const chip = targets.getByRole('button', { name });
      await chip.click();
      await expect(chip).toHaveAttribute('aria-pressed', 'true');
    }
  } else {
    await page.getByRole('radio', { name: 'All subscribers' }).check();
  }
  // The live audience count settles before sending, so the confirmation names it.
  await expect(page.getByTestId('audience-count')).not.toContainText('Counting');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Send now', exact: true }).click();
  await page.waitForURL((url) => /^\/admin\/campaigns\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
  const id = /\/admin\/campaigns\/([^/?#]+)$/.exec(new URL(page.url()).pathname)?.[1];
  if (!id || id === 'new') throw new Error(`Sending did not lead to the campaign page: ${page.url()}`);
  return id;
}

export interface CampaignProgress {
  status: string;
  targeted: number;
  sent: number;
  failed: number;
  expired: number;
  skipped: number;
  pending: number;
  shown: number;
  clicked: number;
  closed: number;
}

export async function campaignProgress(request: APIRequestContext, id: string): Promise<CampaignProgress> {
  const res = await request.get(`/api/admin/campaigns/${id}/progress`);
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as CampaignProgress;
}

/** Waits until the campaign has finished sending (status `completed`); returns its counters. */
export async function waitForCampaignCompleted(page: Page, id: string): Promise<CampaignProgress> {
  await expect.poll(async () => (await campaignProgress(page.request, id)).status, { timeout: 30_000 }).toBe('completed');
  // …and the campaign page says so too.
  await page.goto(`/admin/campaigns/${id}`);
  await expect(page.getByTestId('campaign-status').first()).toHaveAttribute('data-status', 'completed');
  return campaignProgress(page.request, id);
}

export interface Lookup {
  id: string;
  status: string;
  topics: string[];
  vapidPublicKey: string | null;
}

/** What the database holds for an endpoint, through the public lookup API; null when unknown. */
export async function lookup(request: APIRequestContext, endpoint: string): Promise<Lookup | null> {
  const res = await request.post('/api/push/subscriptions/lookup', { data: { endpoint } });
  if (res.status() === 404) return null;
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as Lookup;
}

/** The VAPID public key the public page hands out now. */
export async function activeVapidKey(request: APIRequestContext): Promise<string> {
  const res = await request.get('/api/push/vapid-public-key');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { publicKey: string }).publicKey;
}

/** Generates a key on /admin/vapid and makes it the active one; returns its public key. */
export async function rotateVapidKey(page: Page, name: string): Promise<string> {
  await page.goto('/admin/vapid');
  const form = page.getByRole('form', { name: 'Generate a key' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Contact').fill('mailto:ops@example.com');
  await form.getByLabel('Make it the active key').check();
  await form.getByRole('button', { name: 'Generate key' }).click();
  const row = page.getByTestId('vapid-key-row').filter({ hasText: name });
  await expect(row.getByTestId('status')).toHaveText('Active');
  const publicKey = (await row.getByTestId('public-key').getAttribute('title'))?.trim() ?? '';
  await expect.poll(() => activeVapidKey(page.request)).toBe(publicKey);
  return publicKey;
}

/** The "Active subscriptions" count of a key on /admin/vapid. */
export async function vapidKeySubscriptions(page: Page, publicKey: string): Promise<string> {
  await page.goto('/admin/vapid');
  const row = page.getByTestId('vapid-key-row').filter({ has: page.locator(`[data-testid="public-key"][title="${publicKey}"]`) });
  return ((await row.getByTestId('subscriptions').textContent()) ?? '').trim();
}
