import { createECDH, randomBytes } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import webpush from 'web-push';
import { OWNER, apiLogin, addUserViaUi } from './support/auth';

/**
 * A PushSubscription as a browser would send it, on an allowed push service. Nothing is ever
 * sent to it here: it only makes the subscriber counts and the delete guard real.
 */
function fakeSubscription() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `https://fcm.googleapis.com/fcm/send/e2e-${randomBytes(12).toString('hex')}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

async function subscribe(request: APIRequestContext, body: { subscription: ReturnType<typeof fakeSubscription>; topics?: string[]; vapidPublicKey?: string }) {
  const res = await request.post('/api/push/subscriptions', { data: body });
  expect(res.status(), await res.text()).toBe(201);
}

async function unsubscribe(request: APIRequestContext, endpoint: string) {
  const res = await request.delete('/api/push/subscriptions', { data: { endpoint } });
  expect(res.status()).toBe(204);
}

async function publicTopicSlugs(request: APIRequestContext): Promise<string[]> {
  const body = (await (await request.get('/api/push/topics')).json()) as { topics: { slug: string }[] };
  return body.topics.map((t) => t.slug);
}

async function activePublicKey(page: Page): Promise<string> {
  const res = await page.request.get('/api/push/vapid-public-key');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { publicKey: string }).publicKey;
}

test('topics: create with a suggested slug, count subscribers, edit, delete; viewers only read', async ({ page, browser }) => {
  const stamp = Date.now();
  const name = `E2E News ${stamp}`;
  const renamed = `E2E Updates ${stamp}`;
  const slug = `e2e-news-${stamp}`;
  await apiLogin(page.request, OWNER.email, OWNER.password);
  await page.goto('/admin/topics');
  await expect(page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Topics' })).toHaveAttribute('aria-current', 'page');

  // The slug follows the name until it is edited by hand.
  const create = page.getByRole('form', { name: 'Create a topic' });
  await create.getByLabel('Name').fill(name);
  await expect(create.getByLabel('Slug')).toHaveValue(slug);
  await create.getByLabel('Description (optional)').fill('Launches and releases.');
  await expect(create.getByLabel('Show on the public page')).toBeChecked();
  await create.getByRole('button', { name: 'Create topic' }).click();
  await expect(create.getByText(`“${name}” was created`)).toBeVisible();
  const row = page.getByTestId(`topic-row-${slug}`);
  await expect(row).toContainText(name);
  await expect(row).toContainText('Launches and releases.');
  await expect(row.getByTestId('visibility')).toHaveText('Public');
  await expect(row.getByTestId('subscribers')).toHaveText('0');
  await expect(create.getByLabel('Slug')).toHaveValue('');
  expect(await publicTopicSlugs(page.request)).toContain(slug);

  // A hand-edited slug stays put; a taken one is explained on its field, with the name kept.
  await create.getByLabel('Name').fill('Something else');
  await expect(create.getByLabel('Slug')).toHaveValue('something-else');
  await create.getByLabel('Slug').fill(slug);
  await create.getByLabel('Name').fill(`${name} twice`);
  await expect(create.getByLabel('Slug')).toHaveValue(slug);
  await create.getByRole('button', { name: 'Create topic' }).click();
  await expect(create.locator('[data-field-error="topic-slug"]')).toHaveText('A topic with that slug already exists.');
  await expect(create.getByLabel('Name')).toHaveValue(`${name} twice`);

  // A subscriber for the topic shows up in its count.
  const sub = fakeSubscription();
  await subscribe(page.request, { subscription: sub, topics: [slug] });
  await page.reload();
  await expect(row.getByTestId('subscribers')).toHaveText('1');

  // Edit inline: rename and make private; it leaves the public list.
  await page.getByRole('button', { name: `Edit topic ${name}`, exact: true }).click();
  const edit = page.getByRole('form', { name: `Edit topic ${name}` });
  await edit.getByLabel('Name').fill(renamed);
  await edit.getByLabel('Show on the public page').uncheck();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toHaveCount(0);
  await expect(row).toContainText(renamed);
  await expect(row.getByTestId('visibility')).toHaveText('Private');
  expect(await publicTopicSlugs(page.request)).not.toContain(slug);

  // A viewer reads the table but gets no forms or row actions, and no VAPID page.
  const viewer = { email: `topics-viewer-${stamp}@e2e.test`, password: 'viewer-password-1' };
  await addUserViaUi(page, { ...viewer, role: 'viewer' });
  const viewerContext = await browser.newContext();
  const vpage = await viewerContext.newPage();
  await apiLogin(vpage.request, viewer.email, viewer.password);
  await vpage.goto('/admin/topics');
  await expect(vpage.getByTestId(`topic-row-${slug}`)).toContainText(renamed);
  await expect(vpage.getByTestId(`topic-row-${slug}`).getByTestId('subscribers')).toHaveText('1');
  await expect(vpage.getByRole('form', { name: 'Create a topic' })).toHaveCount(0);
  await expect(vpage.getByRole('button', { name: `Edit topic ${renamed}` })).toHaveCount(0);
  await expect(vpage.getByRole('button', { name: `Delete topic ${renamed}` })).toHaveCount(0);
  await expect(vpage.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'VAPID keys' })).toHaveCount(0);
  expect((await vpage.goto('/admin/vapid'))?.status()).toBe(403);
  await viewerContext.close();

  // Delete asks first, and says subscribers keep their other topics.
  await page.goto('/admin/topics');
  await page.getByRole('button', { name: `Delete topic ${renamed}`, exact: true }).click();
  await expect(row).toContainText('keeps their other topics');
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row.getByRole('button', { name: `Confirm deleting topic ${renamed}` })).toHaveCount(0);
  await page.getByRole('button', { name: `Delete topic ${renamed}`, exact: true }).click();
  await row.getByRole('button', { name: `Confirm deleting topic ${renamed}` }).click();
  await expect(row).toHaveCount(0);

  // The audit log names the topic.
  await page.goto('/admin/audit?action=topic.delete');
  await expect(page.getByTestId('audit-row').first()).toContainText(slug);

  await unsubscribe(page.request, sub.endpoint);
});

test('VAPID keys: generate, rotate, delete an unused old key, import, retire, edit; no private key reaches the page', async ({ page, context }) => {
  const stamp = Date.now();
  const genName = `E2E rotation ${stamp}`;
  const impName = `E2E imported ${stamp}`;
  await apiLogin(page.request, OWNER.email, OWNER.password);
  // Start from an active key nobody has subscribed with yet (other specs leave subscriptions).
  await page.goto('/admin/vapid');
  const baseline = page.getByRole('form', { name: 'Generate a key' });
  await baseline.getByLabel('Name').fill(`E2E baseline ${stamp}`);
  await baseline.getByLabel('Contact').fill('mailto:ops@example.com');
  await baseline.getByLabel('Make it the active key').check();
  await baseline.getByRole('button', { name: 'Generate key' }).click();
  await expect(
    page
      .getByTestId('vapid-key-row')
      .filter({ hasText: `E2E baseline ${stamp}` })
      .getByTestId('status'),
  ).toHaveText('Active');
  const oldPub = await activePublicKey(page);

  await page.goto('/admin/vapid');
  await expect(page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'VAPID keys' })).toHaveAttribute('aria-current', 'page');
  const rowWith = (text: string) => page.getByTestId('vapid-key-row').filter({ hasText: text });
  const oldRow = rowWith(oldPub);
  await expect(oldRow.getByTestId('status')).toHaveText('Active');
  await expect(oldRow.getByRole('button', { name: /^Delete key / })).toBeDisabled();
  await expect(oldRow.getByRole('button', { name: /^Delete key / })).toHaveAttribute('title', /active key cannot be deleted/);

  // Generate: a localhost contact is refused on its field, the name is kept.
  const gen = page.getByRole('form', { name: 'Generate a key' });
  await gen.getByLabel('Name').fill(genName);
  await gen.getByLabel('Contact').fill('mailto:me@localhost');
  await gen.getByRole('button', { name: 'Generate key' }).click();
  await expect(gen.locator('[data-field-error="gen-subject"]')).toContainText('Apple rejects @localhost');
  await expect(gen.getByLabel('Name')).toHaveValue(genName);
  await gen.getByLabel('Contact').fill('mailto:ops@example.com');
  await gen.getByRole('button', { name: 'Generate key' }).click();
  await expect(gen.getByText(`“${genName}” was generated and is on standby.`)).toBeVisible();
  const genRow = rowWith(genName);
  await expect(genRow.getByTestId('status')).toHaveText('Standby');
  await expect(genRow.getByTestId('contact')).toHaveText('mailto:ops@example.com');
  await expect(genRow.getByTestId('subscriptions')).toHaveText('0');
  const genPub = (await genRow.getByTestId('public-key').textContent())!.trim();
  expect(genPub).toMatch(/^[A-Za-z0-9_-]{87}$/);
  expect(await activePublicKey(page)).toBe(oldPub); // standby keys are not handed out

  // Copy puts the public key on the clipboard.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await genRow.getByRole('button', { name: `Copy public key of ${genName}` }).click();
  await expect(genRow.getByRole('button', { name: `Copy public key of ${genName}` })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(genPub);

  // Activate: the old key retires, and new subscriptions get the new key.
  await genRow.getByRole('button', { name: `Activate key ${genName}`, exact: true }).click();
  await expect(genRow.getByTestId('status')).toHaveText('Active');
  await expect(oldRow.getByTestId('status')).toHaveText('Retired');
  await expect.poll(() => activePublicKey(page)).toBe(genPub);

  // The retired key cannot be deleted while a subscription still uses it…
  const sub = fakeSubscription();
  await subscribe(page.request, { subscription: sub, vapidPublicKey: oldPub });
  await page.reload();
  await expect(oldRow.getByTestId('subscriptions')).toHaveText('1');
  await expect(oldRow.getByRole('button', { name: /^Delete key / })).toBeDisabled();
  await expect(oldRow.getByRole('button', { name: /^Delete key / })).toHaveAttribute('title', /1 active subscription still uses this key/);
  // …and can once none does.
  await unsubscribe(page.request, sub.endpoint);
  await page.reload();
  await expect(oldRow.getByTestId('subscriptions')).toHaveText('0');
  await oldRow.getByRole('button', { name: /^Delete key / }).click();
  await oldRow.getByRole('button', { name: /^Confirm deleting key / }).click();
  await expect(oldRow).toHaveCount(0);

  // Import the output of web-push's key generator. A mistake elsewhere sends nothing secret back.
  const keys = webpush.generateVAPIDKeys();
  const imp = page.getByRole('form', { name: 'Import a key' });
  await imp.getByLabel('Name').fill(impName);
  await imp.getByLabel('Contact').fill('mailto:me@localhost');
  await imp.getByLabel('Public key (optional)').fill(keys.publicKey);
  await imp.getByLabel('Private key').fill(keys.privateKey);
  // Server action answers, buffered through a route (Chromium does not keep streamed bodies).
  const answers: string[] = [];
  await page.route('**/admin/vapid', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const res = await route.fetch();
    answers.push(await res.text());
    await route.fulfill({ response: res });
  });
  await imp.getByRole('button', { name: 'Import key' }).click();
  await expect(imp.locator('[data-field-error="imp-subject"]')).toContainText('Apple rejects @localhost');
  await expect(imp.getByLabel('Name')).toHaveValue(impName);
  await expect(imp.getByLabel('Public key (optional)')).toHaveValue(keys.publicKey);
  await expect(imp.getByLabel('Private key')).toHaveValue('');

  await imp.getByLabel('Contact').fill('https://example.com/push-contact');
  await imp.getByLabel('Private key').fill(keys.privateKey);
  await imp.getByRole('button', { name: 'Import key' }).click();
  await expect(imp.getByText(`“${impName}” was imported and is on standby.`)).toBeVisible();
  await page.unrouteAll({ behavior: 'wait' });
  expect(answers.length).toBeGreaterThanOrEqual(2);
  expect(answers.join('\n')).toContain(impName);
  expect(answers.join('\n')).not.toContain(keys.privateKey);
  const impRow = rowWith(impName);
  await expect(impRow.getByTestId('public-key')).toHaveText(keys.publicKey);
  await expect(impRow.getByTestId('status')).toHaveText('Standby');

  // Importing the same key twice is refused.
  await imp.getByLabel('Private key').fill(keys.privateKey);
  await imp.getByRole('button', { name: 'Import key' }).click();
  await expect(imp.locator('[data-field-error="imp-private"]')).toHaveText('That key is already here.');

  // Retire a standby key, fix its contact inline, then bring it back as the active key.
  await impRow.getByRole('button', { name: `Retire key ${impName}`, exact: true }).click();
  await expect(impRow.getByTestId('status')).toHaveText('Retired');
  await impRow.getByRole('button', { name: `Edit key ${impName}`, exact: true }).click();
  const editKey = page.getByRole('form', { name: `Edit key ${impName}` });
  await editKey.getByLabel('Contact').fill('mailto:me@localhost');
  await editKey.getByRole('button', { name: 'Save' }).click();
  await expect(editKey.getByText('Apple rejects @localhost')).toBeVisible();
  await editKey.getByLabel('Contact').fill('mailto:push@example.org');
  await editKey.getByRole('button', { name: 'Save' }).click();
  await expect(editKey).toHaveCount(0);
  await expect(impRow.getByTestId('contact')).toHaveText('mailto:push@example.org');

  await impRow.getByRole('button', { name: `Activate key ${impName}`, exact: true }).click();
  await expect(impRow.getByTestId('status')).toHaveText('Active');
  await expect(genRow.getByTestId('status')).toHaveText('Retired');
  await expect.poll(() => activePublicKey(page)).toBe(keys.publicKey);

  // Nothing on the page, nor in its server-rendered HTML and RSC payload, holds private key material.
  expect(await page.content()).not.toContain(keys.privateKey);
  const html = await (await page.request.get('/admin/vapid')).text();
  expect(html).toContain(keys.publicKey);
  expect(html).not.toContain(keys.privateKey);
  expect(html).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);

  // Leave the generated key active for the specs that follow.
  await genRow.getByRole('button', { name: `Activate key ${genName}`, exact: true }).click();
  await expect(genRow.getByTestId('status')).toHaveText('Active');
  await expect.poll(() => activePublicKey(page)).toBe(genPub);

  await page.goto('/admin/audit?action=vapid-key.activate');
  await expect(page.getByTestId('audit-row').first()).toContainText(genName);
});
