/**
 * A browser without Web Push follows topics on the public page: recent notifications appear, and
 * a newly sent campaign shows up live (long poll on /api/inbox), without a reload.
 */
import { expect, test } from '@playwright/test';
import { OWNER, apiLogin } from './support/auth';

test('the public page shows recent notifications live where Web Push is unavailable', async ({ page, browser }) => {
  const stamp = Date.now().toString(36);
  await apiLogin(page.request, OWNER.email, OWNER.password);
  await page.goto('/admin/topics');
  await page.getByLabel('Name', { exact: true }).fill(`Inbox ${stamp}`);
  await page.getByLabel('Slug').fill(`inbox-${stamp}`);
  await page.getByRole('button', { name: 'Create topic' }).click();
  await expect(page.getByText(`inbox-${stamp}`, { exact: true })).toBeVisible();

  const context = await browser.newContext();
  await context.addInitScript(() => {
    delete (window as unknown as Record<string, unknown>).PushManager;
  });
  const visitor = await context.newPage();
  await visitor.goto('/');
  await expect(visitor.getByTestId('subscribe-panel')).toHaveAttribute('data-state', 'unsupported');
  await expect(visitor.getByText('Follow topics on this page instead')).toBeVisible();
  for (const box of await visitor.getByRole('checkbox').all()) await box.uncheck();
  await visitor.getByRole('checkbox', { name: new RegExp(`Inbox ${stamp}`) }).check();
  const inbox = visitor.getByTestId('inbox');
  await expect(inbox.getByText('Live')).toBeVisible();
  await expect(inbox.getByTestId('inbox-item')).toHaveCount(0);

  // A marketer sends a campaign to that topic; the open page shows it without a reload.
  await page.goto('/admin/campaigns/new');
  await page.getByLabel('Title').fill(`Live ${stamp}`);
  await page.getByLabel('Text').fill('Seen without Web Push');
  await page.getByLabel('Subscribers in any of these topics').check();
  await page
    .getByRole('group', { name: 'Target topics' })
    .getByRole('button', { name: new RegExp(`Inbox ${stamp}`) })
    .click();
  await expect(page.getByTestId('audience-count')).not.toContainText('Counting');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Send now', exact: true }).click();
  await page.waitForURL(/\/admin\/campaigns\/[0-9a-f-]{36}$/);

  await expect(inbox.getByTestId('inbox-item').first()).toContainText(`Live ${stamp}`, { timeout: 15_000 });
  await expect(inbox.getByTestId('inbox-item').first()).toContainText('Seen without Web Push');
  await context.close();
});
