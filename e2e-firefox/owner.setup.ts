/**
 * Makes sure the owner account of e2e/support/auth.ts exists before the Firefox scenarios sign
 * in: on a fresh database, completes /setup as the Chromium suite's first-run spec does (that spec
 * also checks the page's details; this only needs the account).
 */
import { expect, test } from '@playwright/test';
import { OWNER } from '../e2e/support/auth';

test('the owner account exists', async ({ page }) => {
  const res = await page.goto('/setup');
  if (res?.status() === 404) return; // setup is closed: the owner exists already

  await page.getByLabel('Your name').fill(OWNER.name);
  await page.getByLabel('E-mail').fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByLabel('Repeat the password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create owner account' }).click();
  await expect(page).toHaveURL(/\/admin(\/|$)/);
  expect((await page.request.get('/setup')).status()).toBe(404);
});
