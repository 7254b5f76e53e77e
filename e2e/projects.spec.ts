/**
 * Several sites in one installation, through the dashboard: the owner creates a project, switches
 * to it and gives it a team; a member of that project sees only it, with URLs that carry it.
 */
import { expect, test } from '@playwright/test';
import { apiLogin, OWNER } from './support/auth';

test('an owner creates a project and its team; its admin works there and sees nothing of the default project', async ({ browser, page }) => {
  const run = Date.now().toString(36);
  const slug = `shop-${run}`;
  const admin = { email: `shop-admin-${run}@e2e.test`, password: 'shop-admin-password-1' };
  await apiLogin(page.request, OWNER.email, OWNER.password);

  // Create it on the Projects page; bad origins are refused by field, nothing is created.
  await page.goto('/admin/projects');
  await page.locator('#project-name').fill(`Shop ${run}`);
  await page.locator('#project-slug').fill(slug);
  await page.locator('#project-origins').fill('ftp://nope.example');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByText('is not an origin')).toBeVisible();
  await expect(page.getByTestId(`project-${slug}`)).toHaveCount(0);
  await page.locator('#project-origins').fill('https://shop.example\nhttps://www.shop.example');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByText(`Project “Shop ${run}” is ready`)).toBeVisible();
  await expect(page.getByTestId(`project-${slug}`)).toBeVisible();

  // The switcher opens it, keeping the section; the URL carries the project.
  await page.goto('/admin/topics');
  await page.getByTestId('project-switcher').selectOption(slug);
  await expect(page).toHaveURL(new RegExp(`/admin/p/${slug}/topics$`));
  await expect(page.getByTestId('project-switcher')).toHaveValue(slug);
  // A topic made here belongs here only.
  const topicForm = page.getByRole('form', { name: 'Create a topic' });
  await topicForm.getByLabel('Name', { exact: true }).fill(`Deals ${run}`);
  await topicForm.getByLabel('Slug', { exact: true }).fill(`deals-${run}`);
  await topicForm.getByRole('button', { name: 'Create topic' }).click();
  await expect(page.getByText(`deals-${run}`).first()).toBeVisible();
  await page.goto('/admin/topics');
  await expect(page.getByText(`deals-${run}`)).toHaveCount(0);

  // Its team: a new account, admin of this project only.
  await page.goto(`/admin/p/${slug}/users`);
  await page.getByLabel('E-mail', { exact: true }).fill(admin.email);
  await page.getByLabel('Initial password').fill(admin.password);
  await page.getByLabel('Role', { exact: true }).selectOption('admin');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByText(`${admin.email} can now sign in.`)).toBeVisible();
  await page.goto('/admin/users');
  await expect(page.getByTestId(`user-row-${admin.email}`)).toHaveCount(0);

  // The admin lands in their project, sees only it, and the default project is not there for them.
  const ctx = await browser.newContext();
  const ap = await ctx.newPage();
  await apiLogin(ap.request, admin.email, admin.password);
  await ap.goto('/admin');
  await expect(ap).toHaveURL(new RegExp(`/admin/p/${slug}$`));
  await expect(ap.getByTestId('project-switcher').locator('option')).toHaveText([`Shop ${run} (admin)`]);
  await ap.goto(`/admin/p/${slug}/topics`);
  await expect(ap.getByText(`deals-${run}`).first()).toBeVisible();
  for (const url of ['/admin/topics', '/admin/campaigns', '/admin/subscribers', '/admin/users']) expect((await ap.goto(url))?.status(), url).toBe(404);
  // Their account page lists their projects.
  await ap.goto('/admin/account');
  await expect(ap.getByTestId('my-projects')).toContainText(`Shop ${run}`);
  await expect(ap.getByTestId('my-projects')).not.toContainText('Default');
  // Projects are the owner's: 403 for a project admin.
  expect((await ap.goto(`/admin/p/${slug}/projects`))?.status()).toBe(403);
  await ctx.close();
});
