import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { OWNER, addUserViaUi, apiLogin } from './support/auth';

/**
 * The admin API page: an API key restricted to a topic is shown once, sends to its topic and
 * nothing else, and stops working when revoked; a token verification key lets signed tokens
 * broadcast until it is revoked; marketers cannot reach the page; the audit log never holds a key.
 */

/** Set API_SCREENSHOTS=1 to write full-page screenshots to .tmp/ (for reviewing layout). */
async function shot(page: Page, name: string) {
  if (!process.env.API_SCREENSHOTS) return;
  mkdirSync('.tmp', { recursive: true });
  for (const [suffix, width] of [
    ['', 1280],
    ['-phone', 390],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `.tmp/api-${name}${suffix}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

async function createTopic(page: Page, name: string, slug: string) {
  await page.goto('/admin/topics');
  const form = page.getByRole('form', { name: 'Create a topic' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Slug').fill(slug);
  await form.getByRole('button', { name: 'Create topic' }).click();
  await expect(page.getByTestId(`topic-row-${slug}`)).toContainText(name);
}

/** An ES256 JWT signed the way notiflux's clients sign them. */
function signToken(privateKey: KeyObject, claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${part({ alg: 'ES256', typ: 'JWT' })}.${part(claims)}`;
  const sig = sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${data}.${sig.toString('base64url')}`;
}

function sendWithKey(request: APIRequestContext, key: string, topic: string, idempotencyKey: string) {
  return request.post('/api/v1/notifications', {
    headers: { authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey },
    data: { topics: [topic], title: 'E2E API send', body: 'Sent with an API key.', url: 'https://example.com/e2e' },
  });
}

test('API keys: create restricted to a topic, shown once, used, revoked; audited without the key', async ({ page, request }) => {
  const stamp = Date.now();
  const topicA = { name: `E2E API news ${stamp}`, slug: `e2e-api-news-${stamp}` };
  const topicB = { name: `E2E API other ${stamp}`, slug: `e2e-api-other-${stamp}` };
  const keyName = `E2E Shop backend ${stamp}`;
  await apiLogin(page.request, OWNER.email, OWNER.password);
  await createTopic(page, topicA.name, topicA.slug);
  await createTopic(page, topicB.name, topicB.slug);

  await page.goto('/admin/api');
  await expect(page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'API', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'Using the API' })).toBeVisible();
  // The examples call this very server, with a real topic.
  const sendExample = page.getByRole('region', { name: 'Send a notification' });
  await expect(sendExample).toContainText(`curl -X POST '${new URL(page.url()).origin}/api/v1/notifications'`);
  await expect(sendExample).toContainText('Authorization: Bearer $PUSHDECK_API_KEY');
  await expect(sendExample).toContainText('Idempotency-Key');
  await expect(page.getByRole('link', { name: /\/api\/openapi\.json$/ })).toHaveAttribute('href', '/api/openapi.json');

  const create = page.getByRole('form', { name: 'Create an API key' });
  await expect(create.getByRole('checkbox', { name: 'send', exact: true })).toBeChecked();
  await expect(create.getByRole('checkbox', { name: 'manage (topics and subscribers)' })).not.toBeChecked();

  // Without a scope nothing is created, and what was typed and ticked is kept.
  await create.getByLabel('Name').fill(keyName);
  await create.getByRole('checkbox', { name: topicA.name }).check();
  await create.getByRole('checkbox', { name: 'send', exact: true }).uncheck();
  await create.getByRole('button', { name: 'Create key' }).click();
  await expect(create.locator('[data-field-error="api-key-scopes"]')).toHaveText('Choose at least one scope.');
  await expect(create.getByLabel('Name')).toHaveValue(keyName);
  await expect(create.getByRole('checkbox', { name: topicA.name })).toBeChecked();
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);

  // Created: the key is shown once, with the warning.
  const expires = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
  await create.getByRole('checkbox', { name: 'send', exact: true }).check();
  await create.getByLabel('Expires (optional)').fill(expires);
  await create.getByRole('button', { name: 'Create key' }).click();
  const box = page.getByTestId('new-api-key');
  await expect(box).toContainText('Copy it now: it is not shown again');
  await expect(box.getByRole('button', { name: `Copy the new key ${keyName}` })).toBeVisible();
  const key = (await box.getByTestId('new-api-key-value').textContent())!.trim();
  expect(key).toMatch(/^pd_[A-Za-z0-9_-]{43}$/);
  expect(page.url()).not.toContain(key);
  expect((await page.context().cookies()).some((c) => c.value.includes(key))).toBe(false);
  const row = page.getByTestId('api-key-row').filter({ hasText: keyName });
  await expect(row.getByTestId('prefix')).toHaveText(`${key.slice(0, 11)}…`);
  await expect(row.getByTestId('topics')).toHaveText(topicA.name);
  await expect(row.getByTestId('status')).toHaveText('Active');
  await expect(row.getByTestId('last-used')).toHaveText('Never');
  await expect(row.getByTestId('expires')).toHaveText(`Expires ${expires} 23:59 UTC`);
  await shot(page, 'admin-new-key');

  // It sends to its topic…
  const ok = await sendWithKey(request, key, topicA.slug, `e2e-${stamp}-a`);
  expect(ok.status(), await ok.text()).toBe(202);
  const sent = (await ok.json()) as { campaignId: string; status: string; recipients: number };
  expect(sent).toEqual({ campaignId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: expect.any(String), recipients: expect.any(Number) });
  // …and to no other.
  const denied = await sendWithKey(request, key, topicB.slug, `e2e-${stamp}-b`);
  expect(denied.status(), await denied.text()).toBe(403);
  expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('forbidden');

  // After a reload the key is nowhere in the page; the list shows when it was used.
  await page.reload();
  expect(await page.content()).not.toContain(key);
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);
  await expect(row.getByTestId('last-used').locator('time')).toBeVisible();

  // Revoking asks first; then the same request is refused.
  await page.getByRole('button', { name: `Revoke key ${keyName}`, exact: true }).click();
  await expect(row).toContainText('Programs using it get 401 at once.');
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row.getByTestId('status')).toHaveText('Active');
  await page.getByRole('button', { name: `Revoke key ${keyName}`, exact: true }).click();
  await row.getByRole('button', { name: `Confirm revoking key ${keyName}` }).click();
  await expect(row.getByTestId('status')).toHaveText('Revoked');
  await expect(page.getByRole('button', { name: `Revoke key ${keyName}`, exact: true })).toHaveCount(0);
  const revoked = await sendWithKey(request, key, topicA.slug, `e2e-${stamp}-c`);
  expect(revoked.status()).toBe(401);
  expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

  // The audit log records both, and never the key.
  for (const action of ['api-key.create', 'api-key.revoke']) {
    await page.goto(`/admin/audit?action=${action}`);
    await expect(page.getByTestId('audit-row').filter({ hasText: keyName })).toHaveCount(1);
    expect(await page.content()).not.toContain(key);
  }
});

test('token verification keys: add a P-256 key, broadcast with a signed token, revoke; bad PEMs are explained', async ({ page, request }) => {
  const stamp = Date.now();
  const topic = { name: `E2E API tokens ${stamp}`, slug: `e2e-api-tokens-${stamp}` };
  const keyName = `E2E Accounts service ${stamp}`;
  await apiLogin(page.request, OWNER.email, OWNER.password);
  await createTopic(page, topic.name, topic.slug);

  await page.goto('/admin/api');
  const form = page.getByRole('form', { name: 'Add a verification key' });
  await expect(page.getByText('openssl ecparam -genkey -name prime256v1 -out es256_private.pem')).toBeVisible();
  await expect(page.getByText('openssl ec -in es256_private.pem -pubout -out es256_public.pem')).toBeVisible();

  // Something that is not a key is refused on its field, and the name is kept.
  await form.getByLabel('Name').fill(keyName);
  await form.getByLabel('Public key').fill('-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----');
  await form.getByRole('button', { name: 'Add key' }).click();
  await expect(form.locator('[data-field-error="token-key-public"]')).toHaveText('That PEM could not be read as a public key.');
  await expect(form.getByLabel('Name')).toHaveValue(keyName);
  // So is a key on another curve.
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  await form.getByLabel('Public key').fill(p384.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  await form.getByRole('button', { name: 'Add key' }).click();
  await expect(form.locator('[data-field-error="token-key-public"]')).toContainText('P-256');

  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await form.getByLabel('Name').fill(keyName);
  await form.getByLabel('Public key').fill(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  await form.getByRole('button', { name: 'Add key' }).click();
  await expect(form.getByText(`“${keyName}” was added`)).toBeVisible();
  const row = page.getByTestId('token-key-row').filter({ hasText: keyName });
  await expect(row.getByTestId('status')).toHaveText('Active');
  await expect(row.getByTestId('fingerprint')).toHaveText(/^[A-Za-z0-9_-]{16}…$/);
  await shot(page, 'admin');

  const broadcast = () =>
    request.post('/broadcast', {
      data: {
        topic: topic.slug,
        message: 'hello',
        token: signToken(privateKey, { sub: 'e2e', exp: Math.floor(Date.now() / 1000) + 60, topics: [topic.slug], scope: 'broadcast' }),
      },
    });
  const ok = await broadcast();
  expect(ok.status(), await ok.text()).toBe(202);
  expect(Object.keys((await ok.json()) as object).sort()).toEqual(['campaignId', 'recipients', 'status']);

  await page.getByRole('button', { name: `Revoke verification key ${keyName}`, exact: true }).click();
  await row.getByRole('button', { name: `Confirm revoking verification key ${keyName}` }).click();
  await expect(row.getByTestId('status')).toHaveText('Revoked');
  const refused = await broadcast();
  expect(refused.status()).toBe(401);

  await page.goto('/admin/audit?action=token-key.revoke');
  await expect(page.getByTestId('audit-row').filter({ hasText: keyName })).toHaveCount(1);
});

test('marketers get no API page and no link to it', async ({ page, browser }) => {
  const stamp = Date.now();
  const marketer = { email: `api-marketer-${stamp}@e2e.test`, password: 'marketer-password-1' };
  await apiLogin(page.request, OWNER.email, OWNER.password);
  await addUserViaUi(page, { ...marketer, role: 'marketer' });

  const context = await browser.newContext();
  const mpage = await context.newPage();
  await apiLogin(mpage.request, marketer.email, marketer.password);
  await mpage.goto('/admin');
  await expect(mpage.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Campaigns' })).toBeVisible();
  await expect(mpage.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'API', exact: true })).toHaveCount(0);
  expect((await mpage.goto('/admin/api'))?.status()).toBe(403);
  await context.close();
});
