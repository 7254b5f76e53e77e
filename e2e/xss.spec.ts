/**
 * HTML and script in every text field are shown as text, in Chromium: a topic, a user, an API key,
 * a VAPID key and a campaign (name, title, text, tag, button label, custom data) carry markup
 * that would run script if it were ever rendered as HTML; every admin page that shows them, the
 * composer's live preview and the public page are visited, and no script runs. The pages also
 * report no CSP violation — the markup is escaped by React, not merely blocked by the policy.
 */
import { expect, test, type Page } from '@playwright/test';
import { OWNER, uiLogin } from './support/auth';
import { callAction, discoverActions } from './support/actions';

const MARK = (n: number) => `window.__xss=(window.__xss||[]).concat(${n})`;
/** Fits the 80-character names. */
const SHORT = `<img src=x onerror=__xss=[5]><script>__xss=[6]</script>`;
const PAYLOAD = `<img src=x onerror="${MARK(1)}"><script>${MARK(2)}</script><svg onload="${MARK(3)}"></svg>"'><iframe srcdoc="<script>parent.${MARK(4)}</script>"></iframe>`;

async function watch(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('dialog', (d) => {
    throw new Error(`a dialog opened: ${d.message()}`);
  });
}

async function expectInert(page: Page, where: string) {
  // Some pages poll or long-poll (progress, the inbox), so "network idle" never comes: wait for the
  // load and give hydration and effects a moment to run whatever they would run.
  await page.waitForLoadState('load');
  await page.waitForTimeout(750);
  const state = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: number[] }).__xss ?? null,
    csp: (window as unknown as { __csp: string[] }).__csp,
  }));
  expect(state.xss, `script ran on ${where}`).toBeNull();
  expect(
    state.csp.filter((v) => /script|frame/.test(v)),
    `CSP had to block something on ${where}`,
  ).toEqual([]);
}

test('markup in every text field is shown as text on every page and in the preview', async ({ page }) => {
  test.setTimeout(180_000);
  await watch(page);
  await uiLogin(page, OWNER.email, OWNER.password);
  await expect(page).toHaveURL(/\/admin/);
  const actions = discoverActions();
  const act = (name: string, input: Parameters<typeof callAction>[2]) =>
    callAction(
      page.request,
      actions.find((a) => a.name === name)!,
      input,
    );
  const stamp = Date.now().toString(36);

  const topic = await act('createTopicAction', { form: { slug: `xss-${stamp}`, name: SHORT, description: PAYLOAD, isPublic: 'true' } });
  expect(topic.text).toContain('"ok":true');
  const user = await act('createUserAction', { form: { email: `xss-${stamp}@e2e.test`, name: SHORT, password: 'xss-password-123', role: 'viewer' } });
  expect(user.text).toContain('"ok":true');
  const key = await act('createApiKeyAction', { form: { name: SHORT, scopes: 'send', expiresAt: '' } });
  expect(key.text).toContain('"ok":true');
  const vapid = await act('generateVapidKeyAction', { form: { name: SHORT, subject: 'mailto:ops@example.com', activate: '' } });
  expect(vapid.text).toContain('"ok":true');
  const saved = await act('saveCampaignAction', {
    arg: {
      campaign: {
        name: SHORT,
        content: {
          title: SHORT,
          body: PAYLOAD,
          tag: 'xss',
          actions: [{ title: '<b onmouseover=x>Go</b>'.slice(0, 60), url: 'https://example.com/' }],
          data: { html: PAYLOAD },
        },
        audience: 'all',
      },
    },
  });
  const campaignId = /"id":"([0-9a-f-]{36})"/.exec(saved.text)?.[1];
  expect(campaignId, saved.text.slice(0, 300)).toBeTruthy();

  const pages = [
    '/admin',
    '/admin/topics',
    '/admin/users',
    '/admin/api',
    '/admin/vapid',
    '/admin/campaigns',
    `/admin/campaigns/${campaignId}`,
    `/admin/campaigns/${campaignId}/edit`,
    '/admin/audit',
    '/',
  ];
  for (const url of pages) {
    await page.goto(url);
    await expectInert(page, url);
  }
  // The markup is there, as text.
  await page.goto('/admin/topics');
  await expect(page.getByText(SHORT).first()).toBeVisible();
  await page.goto(`/admin/campaigns/${campaignId}`);
  await expect(page.getByText(PAYLOAD).first()).toBeVisible();

  // The composer's live preview, typed into.
  await page.goto('/admin/campaigns/new');
  await page.getByLabel('Title').fill(`Preview ${SHORT}`);
  await page.getByLabel('Text').fill(PAYLOAD);
  await page.getByLabel('Custom data (JSON)').fill(JSON.stringify({ html: PAYLOAD }));
  await expect(page.getByText(`Preview ${SHORT}`).first()).toBeVisible();
  await expectInert(page, 'the composer preview');
});
