/**
 * A marketer composes, previews, sends and follows a campaign in Chromium; the app delivers it
 * over real HTTPS to the push-service test server, which checks VAPID and decrypts each message.
 */
import { expect, test } from '@playwright/test';
import { pushOrigin } from '../playwright.config';
import { PushServiceClient } from '../tests/push-service/client';
import { OWNER, apiLogin } from './support/auth';

test('compose, preview, send, watch progress, read the results', async ({ page }) => {
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36);
  const push = new PushServiceClient({ origin: pushOrigin });
  await apiLogin(page.request, OWNER.email, OWNER.password);

  // A topic, and subscribers made by the test push service with the app's active key.
  const slug = `launch-${stamp}`;
  await page.goto('/admin/topics');
  await page.getByLabel('Name', { exact: true }).fill(`Launch ${stamp}`);
  await page.getByLabel('Slug').fill(slug);
  await page.getByRole('button', { name: 'Create topic' }).click();
  await expect(page.getByText(slug, { exact: true })).toBeVisible();

  const { publicKey } = await (await page.request.get('/api/push/vapid-public-key')).json();
  const subscribe = async (topics: string[]) => {
    const s = await push.createSubscriber({ applicationServerKey: publicKey });
    const res = await page.request.post('/api/push/subscriptions', { data: { subscription: s.subscription, topics } });
    expect(res.status()).toBe(201);
    return s.id;
  };
  const targeted = [];
  for (let i = 0; i < 8; i++) targeted.push(await subscribe([slug]));
  const gone = await subscribe([slug]);
  await push.setBehaviour(gone, { status: 410 });
  const outsider = await subscribe([]);

  // Compose with a live preview and audience count.
  await page.goto('/admin/campaigns/new');
  const title = `Launch day ${stamp}`;
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Text').fill('It is here. Tap to read the announcement.');
  await page.getByLabel('Link').fill('https://example.com/launch');
  await page.getByRole('button', { name: 'Add a button' }).click();
  await page.getByLabel('Button 1 label').fill('Read more');
  await page.getByLabel('Button 1 link').fill('https://example.com/launch#more');
  await expect(page.getByTestId('preview-title')).toHaveText(title);
  await expect(page.getByTestId('preview-body')).toHaveText('It is here. Tap to read the announcement.');
  await expect(page.getByTestId('size-meter')).toContainText('/ 3,993 bytes');
  await page.getByLabel('Subscribers in any of these topics').check();
  await page
    .getByRole('group', { name: 'Target topics' })
    .getByRole('button', { name: new RegExp(`Launch ${stamp}`) })
    .click();
  await expect(page.getByTestId('audience-count')).toContainText('9 active subscribers match');

  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Send now' }).click();
  await page.waitForURL(/\/admin\/campaigns\/[0-9a-f-]{36}$/);
  const campaignId = page.url().split('/').pop()!;

  // Progress updates on the page without a reload, up to completion.
  await expect(page.getByRole('progressbar')).toBeVisible();
  await expect(page.getByText(/Completed/).first()).toBeVisible({ timeout: 60_000 });
  const progress = await (await page.request.get(`/api/admin/campaigns/${campaignId}/progress`)).json();
  expect(progress).toMatchObject({ status: 'completed', targeted: 9, sent: 8, expired: 1, failed: 0, pending: 0 });

  // Every targeted subscriber got exactly one message with the composed content; nobody else did.
  for (const id of targeted) {
    const msgs = await push.messages(id);
    expect(msgs).toHaveLength(1);
    const p = JSON.parse(msgs[0]!.plaintext!);
    expect(p).toMatchObject({ title, body: 'It is here. Tap to read the announcement.', url: 'https://example.com/launch' });
    expect(p.actions).toEqual([{ action: 'a0', title: 'Read more', url: 'https://example.com/launch#more' }]);
  }
  expect(await push.messages(outsider)).toHaveLength(0);

  // The deliveries table, filtered to the expired one, leads to its VAPID claim.
  await page.goto(`/admin/campaigns/${campaignId}?status=expired`);
  const rows = page.locator('table').last().locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole('link').first().click();
  await expect(page).toHaveURL(/\/deliveries\//);
  await expect(page.getByText('410').first()).toBeVisible();
  await page.goto(`/admin/campaigns/${campaignId}?status=sent`);
  await page.locator('table').last().locator('tbody tr').first().getByRole('link').first().click();
  await expect(page.getByText(pushOrigin).first()).toBeVisible(); // the claim's aud
  await expect(page.getByText(`mailto:${OWNER.email}`).first()).toBeVisible(); // the claim's sub
  await push.close();
});
