import { createECDH, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { OWNER, apiLogin, addUserViaUi } from './support/auth';

/**
 * Overview, Subscribers list (filters, keyset paging), subscriber detail, CSV export and delete.
 * The spec seeds its own uniquely named topics and subscriptions (never sent to: nothing here
 * pushes), so it works whatever other specs left in the database.
 */

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

function fakeSubscription(host: 'fcm' | 'moz' = 'fcm') {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const token = `e2e-${randomBytes(12).toString('hex')}`;
  return {
    endpoint: host === 'fcm' ? `https://fcm.googleapis.com/fcm/send/${token}` : `https://updates.push.services.mozilla.com/wpush/v2/${token}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

async function subscribe(request: APIRequestContext, topics: string[], opts: { host?: 'fcm' | 'moz'; userAgent?: string } = {}) {
  const subscription = fakeSubscription(opts.host);
  const res = await request.post('/api/push/subscriptions', {
    data: { subscription, topics },
    headers: opts.userAgent ? { 'user-agent': opts.userAgent } : {},
  });
  expect(res.status(), await res.text()).toBe(201);
  return { id: ((await res.json()) as { id: string }).id, endpoint: subscription.endpoint, p256dh: subscription.keys.p256dh };
}

async function createTopic(page: Page, name: string, slug: string) {
  await page.goto('/admin/topics');
  const form = page.getByRole('form', { name: 'Create a topic' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Slug').fill(slug);
  await form.getByRole('button', { name: 'Create topic' }).click();
  await expect(page.getByTestId(`topic-row-${slug}`)).toBeVisible();
}

const count = async (page: Page, testId: string) => Number((await page.getByTestId(testId).getByTestId('value').innerText()).replace(/[^\d]/g, ''));
const rowIds = async (page: Page) =>
  await page.locator('[data-testid^="subscriber-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('subscriber-row-'.length)));

test('overview numbers, subscriber filters and paging, detail, CSV export and delete', async ({ page }) => {
  const stamp = Date.now();
  const alpha = { name: `E2E Alpha ${stamp}`, slug: `e2e-alpha-${stamp}` };
  const beta = { name: `E2E Beta ${stamp}`, slug: `e2e-beta-${stamp}` };
  await apiLogin(page.request, OWNER.email, OWNER.password);

  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  const activeBefore = await count(page, 'stat-active');

  await createTopic(page, alpha.name, alpha.slug);
  await createTopic(page, beta.name, beta.slug);
  // Three active in Alpha (one also in Beta), one only in Beta, and one that leaves again.
  const a1 = await subscribe(page.request, [alpha.slug]);
  const a2 = await subscribe(page.request, [alpha.slug, beta.slug], { host: 'moz', userAgent: FIREFOX });
  const a3 = await subscribe(page.request, [alpha.slug]);
  const b1 = await subscribe(page.request, [beta.slug]);
  const gone = await subscribe(page.request, [alpha.slug]);
  const del = await page.request.delete('/api/push/subscriptions', { data: { endpoint: gone.endpoint } });
  expect(del.status()).toBe(204);
  const alphaIds = [a3.id, a2.id, a1.id]; // newest first: ids are time-ordered
  const all = [a1, a2, a3, b1, gone];

  // Overview: the new subscribers, the chart, and the topics.
  await page.goto('/admin');
  expect(await count(page, 'stat-active')).toBe(activeBefore + 4);
  await expect(page.getByTestId('stat-active')).toContainText(/\+\d+ in 7 days/);
  await expect(page.getByTestId('sends-chart').getByRole('img', { name: 'Sends per day, last 30 days' })).toBeVisible();
  await expect(page.getByTestId('sends-chart').locator('polyline')).toHaveCount(3);
  const topics = page.getByTestId('topics-chart');
  await expect(topics.getByText(alpha.name, { exact: true })).toBeVisible();
  await expect(topics.getByText(alpha.name, { exact: true }).locator('xpath=following-sibling::span[1]')).toHaveText(/^3 · \d+ %$/);
  await expect(page.getByTestId('no-subscribers')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'New campaign' })).toBeVisible();

  // Subscribers: filter by topic through the form.
  await page.goto('/admin/subscribers');
  await expect(page.getByTestId('export-note')).toContainText('leaves out push endpoints and keys');
  await page.getByLabel('Topic').selectOption({ label: alpha.name });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(new RegExp(`topic=`));
  await expect.poll(() => rowIds(page)).toEqual(alphaIds);
  const a2row = page.getByTestId(`subscriber-row-${a2.id}`);
  await expect(a2row).toContainText('updates.push.services.mozilla.com');
  await expect(a2row).toContainText('Firefox 128');
  await expect(a2row.getByTestId('topics')).toContainText(alpha.name);
  await expect(a2row.getByTestId('topics')).toContainText(beta.name);
  await expect(page.locator('body')).not.toContainText(a2.endpoint);

  // …and by status, alone and combined with the topic.
  await page.getByLabel('Status').selectOption({ label: 'Expired' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByText('No subscribers match')).toBeVisible();
  await page.goto('/admin/subscribers?status=unsubscribed');
  await expect(page.getByTestId(`subscriber-row-${gone.id}`)).toBeVisible();
  for (const status of await page.locator('[data-testid^="subscriber-row-"] [data-testid="status"]').all()) {
    await expect(status).toHaveText('Unsubscribed');
  }
  await expect(page.getByTestId(`subscriber-row-${a1.id}`)).toHaveCount(0);
  await page.goto(`/admin/subscribers?status=active&pushService=updates.push.services.mozilla.com`);
  await expect(page.getByTestId(`subscriber-row-${a2.id}`)).toBeVisible();
  await expect(page.getByTestId(`subscriber-row-${a1.id}`)).toHaveCount(0);

  // Keyset paging with a small page: Older → twice covers all three, then back to Newest.
  await page.goto('/admin/subscribers');
  await page.getByLabel('Topic').selectOption({ label: alpha.name });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => rowIds(page)).toEqual(alphaIds);
  await page.goto(`${page.url()}&limit=2`);
  await expect.poll(() => rowIds(page)).toEqual(alphaIds.slice(0, 2));
  await expect(page.getByRole('link', { name: 'Newest' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Older →' }).click();
  await expect.poll(() => rowIds(page)).toEqual(alphaIds.slice(2));
  await expect(page.getByRole('link', { name: 'Older →' })).toHaveCount(0);
  await expect(page).toHaveURL(/limit=2/);
  await page.getByRole('link', { name: 'Newest' }).click();
  await expect.poll(() => rowIds(page)).toEqual(alphaIds.slice(0, 2));

  // CSV export of the filtered list: the seeded ids, never an endpoint or key.
  await page.goto(`/admin/subscribers?topic=${new URL(page.url()).searchParams.get('topic')}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  expect(download.suggestedFilename()).toMatch(/^subscribers-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('id,status,push_service,topics,vapid_key,created_at,ended_at,user_agent');
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(alphaIds);
  expect(csv).toContain(`${alpha.name}; ${beta.name}`);
  for (const s of all) {
    expect(csv).not.toContain(s.endpoint);
    expect(csv).not.toContain(s.p256dh);
  }
  const head = await page.request.get('/admin/subscribers/export');
  expect(head.headers()['content-type']).toBe('text/csv; charset=utf-8');
  const full = await head.text();
  for (const s of all) expect(full).toContain(s.id);

  // Detail: topics, push service, and no endpoint.
  await page.getByTestId(`subscriber-row-${a2.id}`).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/admin/subscribers/${a2.id}$`));
  await expect(page.getByTestId('subscriber-topics')).toContainText(alpha.name);
  await expect(page.getByTestId('subscriber-topics')).toContainText(beta.name);
  await expect(page.getByTestId('push-service')).toHaveText('updates.push.services.mozilla.com');
  await expect(page.getByText('Nothing sent yet')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(a2.endpoint);

  // Delete asks first; Cancel keeps it; confirming removes it and says so.
  await page.getByRole('button', { name: 'Delete subscriber' }).click();
  const confirm = page.getByRole('form', { name: /^Delete subscriber/ });
  await expect(confirm).toContainText('delivery history');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await page.getByRole('button', { name: 'Delete subscriber' }).click();
  await page.getByRole('button', { name: 'Yes, delete subscriber' }).click();
  await expect(page).toHaveURL(/\/admin\/subscribers\?deleted=/);
  await expect(page.getByTestId('deleted-notice')).toContainText(a2.id.slice(-8));
  await expect(page.getByTestId(`subscriber-row-${a2.id}`)).toHaveCount(0);
  await expect(page.getByTestId(`subscriber-row-${a1.id}`)).toBeVisible();
  expect((await page.goto(`/admin/subscribers/${a2.id}`))?.status()).toBe(404);

  // The audit log has it, without the endpoint.
  await page.goto('/admin/audit?action=subscriber.delete');
  const entry = page.getByTestId('audit-row').filter({ hasText: a2.id.slice(-8) });
  await expect(entry).toContainText('subscriber.delete');
  await expect(entry).toContainText(OWNER.email);
  await expect(entry).toContainText(alpha.slug);
  await expect(entry).not.toContainText(a2.endpoint);
  await page.goto('/admin/audit?action=subscriber.export');
  await expect(page.getByTestId('audit-row').first()).toContainText('subscriber.export');
});

test('viewers see the overview without actions and cannot open subscribers', async ({ page, browser }) => {
  const viewer = { email: `overview-viewer-${Date.now()}@e2e.test`, password: 'viewer-password-1' };
  await apiLogin(page.request, OWNER.email, OWNER.password);
  await addUserViaUi(page, { ...viewer, role: 'viewer' });

  const context = await browser.newContext();
  const vpage = await context.newPage();
  await apiLogin(vpage.request, viewer.email, viewer.password);
  await vpage.goto('/admin');
  await expect(vpage.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(vpage.getByTestId('stat-active')).toBeVisible();
  await expect(vpage.getByRole('link', { name: 'New campaign' })).toHaveCount(0);
  await expect(vpage.getByRole('link', { name: 'Create a campaign' })).toHaveCount(0);
  await expect(vpage.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Subscribers' })).toHaveCount(0);
  expect((await vpage.goto('/admin/subscribers'))?.status()).toBe(403);
  const res = await vpage.request.get('/admin/subscribers/export');
  expect(res.status()).toBe(403);
  await context.close();
});
