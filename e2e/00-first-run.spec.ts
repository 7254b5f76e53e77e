import { expect, test } from '@playwright/test';
import { OWNER } from './support/auth';

test('a fresh install leads to setup, creates the owner, and closes setup', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Welcome to Pushdeck' })).toBeVisible();
  // Tailwind applies (a styled heading, not browser defaults).
  await expect(page.getByRole('heading', { name: 'Welcome to Pushdeck' })).toHaveCSS('font-weight', '600');

  await page.goto('/login');
  await expect(page).toHaveURL(/\/setup$/); // nobody to sign in as yet

  // Mistakes are explained per field and what was typed (except passwords) is kept.
  await page.getByLabel('Your name').fill(OWNER.name);
  await page.getByLabel('E-mail').fill('not-an-email');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Repeat the password').fill('different');
  await page.getByRole('button', { name: 'Create owner account' }).click();
  await expect(page.getByText('Enter a valid e-mail address.')).toBeVisible();
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveValue(OWNER.name);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');

  await page.getByLabel('E-mail').fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByLabel('Repeat the password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create owner account' }).click();

  await expect(page).toHaveURL(/\/admin(\/|$)/);
  await page.goto('/admin/users');
  await expect(page.getByTestId(`user-row-${OWNER.email}`).getByTestId('role')).toHaveText('Owner');

  // Setup is gone for good.
  const res = await page.goto('/setup');
  expect(res?.status()).toBe(404);
});
