import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const OWNER = { email: 'owner@e2e.test', password: 'owner-password-123', name: 'Olivia Owner' };

/** Signs in through next-auth's credentials endpoint (fast; the UI path has its own spec). */
export async function apiLogin(request: APIRequestContext, email: string, password: string) {
  const csrf = await (await request.get('/api/auth/csrf')).json();
  const res = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken: csrf.csrfToken, email, password, json: 'true', callbackUrl: '/admin' },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const session = await (await request.get('/api/auth/session')).json();
  expect(session?.user?.email).toBe(email);
}

export async function uiLogin(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Adds a user on the Users page (the page is the thing under test elsewhere; here it is setup). */
export async function addUserViaUi(page: Page, user: { email: string; password: string; role: 'owner' | 'admin' | 'marketer' | 'viewer' }) {
  await page.goto('/admin/users');
  await page.getByLabel('E-mail', { exact: true }).fill(user.email);
  await page.getByLabel('Initial password').fill(user.password);
  await page.getByLabel('Role', { exact: true }).selectOption(user.role);
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByText(`${user.email} can now sign in.`)).toBeVisible();
}
