import { expect, test } from '@playwright/test';
import { OWNER, uiLogin } from './support/auth';

test('sign-in with a wrong password explains, a right one enters, sign-out leaves', async ({ page }) => {
  await page.goto('/admin/users');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin/);

  await uiLogin(page, OWNER.email, 'wrong-password-1');
  await expect(page.getByTestId('login-error')).toHaveText('Wrong e-mail or password.');
  await expect(page).toHaveURL(/\/login/);

  // Unknown accounts get the same answer: sign-in does not reveal who has an account.
  await uiLogin(page, 'nobody@e2e.test', 'wrong-password-1');
  await expect(page.getByTestId('login-error')).toHaveText('Wrong e-mail or password.');

  await uiLogin(page, OWNER.email, OWNER.password);
  await expect(page).toHaveURL(/\/admin(\/|$)/);
  await expect(page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Audit log' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/admin/audit');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Faudit/);
});

test('callbackUrl cannot send people to another site', async ({ page }) => {
  await page.goto('/login?callbackUrl=https%3A%2F%2Fevil.example%2Fphish');
  await page.getByLabel('E-mail').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/admin/);
});

test('repeated failures for one e-mail are throttled with a clear message', async ({ page }) => {
  const email = `throttle-${Date.now()}@e2e.test`;
  for (let i = 0; i < 5; i++) {
    await uiLogin(page, email, `wrong-password-${i}`);
    await expect(page.getByTestId('login-error')).toHaveText('Wrong e-mail or password.');
  }
  await uiLogin(page, email, 'wrong-password-x');
  await expect(page.getByTestId('login-error')).toContainText(/Too many sign-in attempts\. Try again in \d+ minutes?\./);
});
