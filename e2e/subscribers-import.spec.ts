import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import webpush from 'web-push';
import { OWNER, addUserViaUi, apiLogin } from './support/auth';

/**
 * Importing subscribers on the Subscribers page: the old setup's VAPID key first, then a file
 * with good and bad rows — checked (dry run: the report, nothing stored), imported (the same
 * report, the good rows appear bound to that key), imported again (nothing changes). Marketers
 * see no import. The spec seeds its own uniquely named topic and key.
 */

function browserSub() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `https://fcm.googleapis.com/fcm/send/e2e-import-${randomBytes(12).toString('hex')}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

const count = async (page: Page, which: string) => Number(await page.getByTestId(`import-${which}`).getByTestId('value').innerText());

test('import subscribers from a file: dry run, import, idempotent re-import, roles', async ({ page, browser }) => {
  const stamp = Date.now();
  const topic = { name: `E2E Imported ${stamp}`, slug: `e2e-imported-${stamp}` };
  const keyName = `E2E old setup ${stamp}`;
  await apiLogin(page.request, OWNER.email, OWNER.password);

  // Setup through the pages that own it: a topic, and the old setup's key.
  await page.goto('/admin/topics');
  const topicForm = page.getByRole('form', { name: 'Create a topic' });
  await topicForm.getByLabel('Name').fill(topic.name);
  await topicForm.getByLabel('Slug').fill(topic.slug);
  await topicForm.getByRole('button', { name: 'Create topic' }).click();
  await expect(page.getByTestId(`topic-row-${topic.slug}`)).toBeVisible();
  const keys = webpush.generateVAPIDKeys();
  await page.goto('/admin/vapid');
  const imp = page.getByRole('form', { name: 'Import a key' });
  await imp.getByLabel('Name').fill(keyName);
  await imp.getByLabel('Contact').fill('mailto:ops@example.com');
  await imp.getByLabel('Private key').fill(keys.privateKey);
  await imp.getByRole('button', { name: 'Import key' }).click();
  await expect(imp.getByText(`“${keyName}” was imported and is on standby.`)).toBeVisible();

  const good = [browserSub(), browserSub()];
  const badAuth = { ...browserSub(), keys: { ...browserSub().keys, auth: randomBytes(8).toString('base64url') } };
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pushdeck-e2e-')), `old-setup-${stamp}.json`);
  writeFileSync(
    file,
    JSON.stringify([
      { ...good[0], topics: [topic.slug] },
      { ...badAuth, topics: [topic.slug] },
      { ...good[1], topics: [topic.slug] },
      { ...browserSub(), topics: ['e2e-no-such-topic'] },
    ]),
  );

  await page.goto('/admin/subscribers');
  const panel = page.getByTestId('import-panel');
  if (!(await panel.evaluate((d) => (d as HTMLDetailsElement).open))) await panel.locator(':scope > summary').click();
  const form = page.getByRole('form', { name: 'Import subscribers' });

  // Nothing chosen: the form says what is missing.
  await form.getByRole('button', { name: 'Check file (dry run)' }).click();
  await expect(form.locator('[data-field-error="import-file"]')).toHaveText(
    'Choose a JSON or CSV file to import: none was chosen, or the one chosen is empty.',
  );
  await expect(form.locator('[data-field-error="import-key"]')).toHaveText('Choose the VAPID key these subscriptions were made with.');

  await form.getByLabel('File').setInputFiles(file);
  await form.getByLabel('VAPID key they were made with').selectOption({ label: `${keyName} (standby)` });
  await form.getByRole('button', { name: 'Check file (dry run)' }).click();
  const report = page.getByTestId('import-report');
  await expect(report.getByText(`Checked old-setup-${stamp}.json: nothing was stored`)).toBeVisible();
  expect(await count(page, 'accepted')).toBe(2);
  expect(await count(page, 'rejected')).toBe(2);
  await expect(report.getByTestId('import-row-2')).toContainText('keys.auth must be 16 bytes.');
  await expect(report.getByTestId('import-row-4')).toContainText('Unknown topic: e2e-no-such-topic. Create it first.');
  await expect(report.getByRole('columnheader', { name: 'Entry' })).toBeVisible();

  // Nothing was stored: the topic has no subscribers yet.
  const topicId = await page.locator('#f-topic option', { hasText: topic.name }).getAttribute('value');
  const listPage = await page.context().newPage();
  await listPage.goto(`/admin/subscribers?topic=${topicId}`);
  await expect(listPage.getByText('No subscribers match')).toBeVisible();

  // The same file, still selected: import it.
  await form.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(report.getByText(`Imported old-setup-${stamp}.json`)).toBeVisible();
  expect(await count(page, 'accepted')).toBe(2);
  expect(await count(page, 'rejected')).toBe(2);
  await expect(report.getByText(/Rejected rows stored nothing/)).toBeVisible();

  await listPage.reload();
  const rows = listPage.locator('[data-testid^="subscriber-row-"]');
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) {
    await expect(row).toContainText(keyName);
    await expect(row).toContainText(topic.name);
    await expect(row.getByTestId('status')).toHaveText('Active');
  }
  // The page never shows what was imported as a capability.
  expect(await listPage.content()).not.toContain(good[0]!.endpoint);

  // Again: nothing changes.
  await form.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-unchanged').getByTestId('value')).toHaveText('2');
  expect(await count(page, 'accepted')).toBe(0);
  expect(await count(page, 'updated')).toBe(0);
  await listPage.reload();
  await expect(rows).toHaveCount(2);

  // Marketers browse subscribers but cannot import.
  const marketer = { email: `marketer-import-${stamp}@e2e.test`, password: 'marketer-password-123', role: 'marketer' as const };
  await addUserViaUi(page, marketer);
  const other = await browser.newContext();
  const mPage = await other.newPage();
  await apiLogin(mPage.request, marketer.email, marketer.password);
  await mPage.goto('/admin/subscribers');
  await expect(mPage.getByRole('heading', { name: 'Subscribers', level: 1 })).toBeVisible();
  await expect(mPage.getByTestId('import-panel')).toHaveCount(0);
  await other.close();
});
