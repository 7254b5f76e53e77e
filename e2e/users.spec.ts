import { expect, test, type Request } from '@playwright/test';
import { OWNER, apiLogin } from './support/auth';

test('owner adds users, changes a role (audited); a viewer cannot, not even by calling the action directly', async ({ browser, page }) => {
  const stamp = Date.now();
  const viewer = { email: `viewer-${stamp}@e2e.test`, password: 'viewer-password-1' };
  const target = { email: `target-${stamp}@e2e.test`, password: 'target-password-1' };

  await apiLogin(page.request, OWNER.email, OWNER.password);
  await page.goto('/admin/users');

  for (const [u, role] of [
    [viewer, 'viewer'],
    [target, 'viewer'],
  ] as const) {
    await page.getByLabel('E-mail', { exact: true }).fill(u.email);
    await page.getByLabel('Initial password').fill(u.password);
    await page.getByLabel('Role', { exact: true }).selectOption(role);
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByText(`${u.email} can now sign in.`)).toBeVisible();
  }

  // Change the target's role, capturing the server action request the browser sends.
  const row = page.getByTestId(`user-row-${target.email}`);
  await row.getByLabel(`Role for ${target.email}`).selectOption('marketer');
  const [actionRequest] = await Promise.all([
    page.waitForRequest((r: Request) => r.method() === 'POST' && !!r.headers()['next-action']),
    row.getByRole('button', { name: 'Save role' }).click(),
  ]);
  await expect(row.getByTestId('role')).toHaveText('Marketer');

  // The audit log shows who changed what, with before and after.
  await page.goto('/admin/audit?action=member.change-role');
  const entry = page.getByTestId('audit-row').first();
  await expect(entry).toContainText(OWNER.email);
  await expect(entry).toContainText('member.change-role');
  await expect(entry).toContainText('"viewer"');
  await expect(entry).toContainText('"marketer"');

  // The viewer sees no admin areas and gets 403 on the Users page.
  const viewerContext = await browser.newContext();
  const vpage = await viewerContext.newPage();
  await apiLogin(vpage.request, viewer.email, viewer.password);
  await vpage.goto('/admin');
  await expect(vpage).toHaveURL(/\/admin(\/|$)/);
  await expect(vpage.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
  const forbidden = await vpage.goto('/admin/users');
  expect(forbidden?.status()).toBe(403);

  // Replaying the owner's exact server action with the viewer's session is refused.
  const headers = actionRequest.headers();
  const body = actionRequest.postDataBuffer()!;
  const replay = String(body).replace('name="role"\r\n\r\nmarketer', 'name="role"\r\n\r\nadmin');
  const res = await vpage.request.post(actionRequest.url(), {
    headers: {
      'next-action': headers['next-action']!,
      'content-type': headers['content-type']!,
      accept: 'text/x-component',
      origin: new URL(actionRequest.url()).origin,
    },
    data: Buffer.from(replay),
  });
  const text = await res.text();
  expect(text).toContain('"forbidden"');
  expect(text).not.toContain('"ok":true');

  // Nothing changed: still Marketer, and no second audit entry.
  await page.goto('/admin/users');
  await expect(page.getByTestId(`user-row-${target.email}`).getByTestId('role')).toHaveText('Marketer');
  await page.goto(`/admin/audit?action=member.change-role`);
  await expect(page.getByTestId('audit-row').filter({ hasText: '"admin"' })).toHaveCount(0);
  await viewerContext.close();
});
