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
