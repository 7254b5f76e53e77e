/**
 * A real subscriber for the end-to-end push tests: Debian's Firefox ESR, headless, driven by
 * puppeteer-core over WebDriver BiDi (Playwright's Firefox needs its own patched build, which is
 * never downloaded here). Firefox keeps its push connection to the push-service test server
 * (tests/push-service), which speaks Mozilla's WebPush protocol over WebSocket; everything stays
 * on 127.0.0.1.
 *
 * Each FirefoxSubscriber owns one profile directory for its whole life, so restart() comes back as
 * the same browser: same uaid at the push service, same service worker, same subscription.
 * dispose() closes the browser and deletes the profile.
 *
 * Why each preference is there, and the traps around them, is in the research notes on browser
 * push (shared/research/browser-push.md); the essentials are repeated next to the preferences.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** A dead port: anything Firefox tries to reach beyond loopback goes nowhere. */
const NOWHERE = 'http://127.0.0.1:9';

/** The preferences a headless Firefox needs to subscribe and show notifications offline. */
export function firefoxPrefs(pushServerURL: string): Record<string, unknown> {
  return {
    // Our push service instead of Mozilla's, over ws:// (wss:// would need our certificate in the profile).
    'dom.push.serverURL': pushServerURL,
    'dom.push.testing.allowInsecureServerURL': true,
    // WebDriver's recommended preferences turn the push connection off unless it is set explicitly.
    'dom.push.connection.enabled': true,
    'dom.push.enabled': true,
    // Allow notifications without a prompt: a prompt nobody answers makes subscribe() hang.
    'permissions.default.desktop-notification': 1,
    'dom.webnotifications.enabled': true,
    // No notification daemon in headless: Firefox's own alert windows instead of the system's.
    'alerts.useSystemBackend': false,
    'dom.serviceWorkers.testing.enabled': true,
    // Pushes cost quota unless a notification is shown; the default 16 would expire a busy subscription.
    'dom.push.maxQuotaPerSubscription': 1000,
    // Reconnect to the push service quickly (after a restart of it, say).
    'dom.push.retryBaseInterval': 500,
    'network.manage-offline-status': false,
    // Loopback only, as a backstop: a proxy that does not exist, no DNS over HTTPS, no prefetch,
    // no remote settings, studies or experiments. Loopback itself is never proxied.
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': 9,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': 9,
    'network.proxy.no_proxies_on': 'localhost,127.0.0.1',
    'network.trr.mode': 5,
    'network.dns.disablePrefetch': true,
    'services.settings.server': `${NOWHERE}/v1`,
    'app.normandy.enabled': false,
    'messaging-system.rsexperimentloader.enabled': false,
  };
}

/** A notification as `registration.getNotifications()` reports it. */
export interface ShownNotification {
  title: string;
  body: string;
  icon: string;
  tag: string;
  actions: { action: string; title: string }[];
  data: { url?: string; actionUrls?: Record<string, string>; custom?: unknown; ref?: unknown } | null;
}

export interface FirefoxSubscriberOptions {
  /** The app, e.g. `http://127.0.0.1:3100`. */
  baseURL: string;
  /** The push service's WebSocket URL, `ws://127.0.0.1:PORT/`. */
  pushServerURL: string;
  /** Only for messages. */
  name?: string;
}

const LAUNCH_TIMEOUT_MS = 30_000;

export class FirefoxSubscriber {
  private browser: Browser | undefined;
  private currentPage: Page | undefined;
  /** Every endpoint this browser reported, so a test can end them all on the server afterwards. */
  readonly endpointsSeen = new Set<string>();

  private constructor(
    private readonly options: FirefoxSubscriberOptions,
    readonly profileDir: string,
  ) {}

  /** Starts Firefox on a fresh profile of its own. */
  static async launch(options: FirefoxSubscriberOptions): Promise<FirefoxSubscriber> {
    const profileDir = await mkdtemp(join(tmpdir(), `pushdeck-firefox-${options.name ?? 'profile'}-`));
    const subscriber = new FirefoxSubscriber(options, profileDir);
    try {
      await subscriber.start();
    } catch (err) {
      await subscriber.dispose();
      throw err;
    }
    return subscriber;
  }

  get name(): string {
    return this.options.name ?? 'firefox';
  }

  /** The tab the tests use. Firefox's first tab is reused: closing the last tab would close the window. */
  get page(): Page {
    if (!this.currentPage) throw new Error(`${this.name}: Firefox is not running`);
    return this.currentPage;
  }

  get running(): boolean {
    return this.browser?.connected ?? false;
  }

  private async start(): Promise<void> {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      userDataDir: this.profileDir,
      extraPrefsFirefox: firefoxPrefs(this.options.pushServerURL),
      timeout: LAUNCH_TIMEOUT_MS,
      protocolTimeout: LAUNCH_TIMEOUT_MS,
      dumpio: process.env.FIREFOX_DUMPIO === '1',
      // Lets BiDi reach Firefox's chrome (browser UI) scope: the only way to click a notification.
      args: ['--remote-allow-system-access'],
      env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' },
    });
    this.browser = browser;
    const [page] = await browser.pages();
    this.currentPage = page ?? (await browser.newPage());
    this.currentPage.setDefaultTimeout(15_000);
  }

  /** Closes Firefox (its push connection goes away); the profile stays for restart(). */
  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    this.currentPage = undefined;
    if (!browser) return;
    try {
      await browser.close();
    } catch {
      // Already gone, or stuck: make sure the process does not outlive the test.
      browser.process()?.kill('SIGKILL');
    }
  }

  /** Starts Firefox again on the same profile: the same browser to the push service and the app. */
  async restart(): Promise<void> {
    await this.close();
    await this.start();
  }

  /** Closes Firefox and deletes its profile. */
  async dispose(): Promise<void> {
    await this.close();
    await rm(this.profileDir, { recursive: true, force: true });
  }

  /** Opens the public page and waits until the subscribe panel knows what this browser can do. */
  async openPublicPage(): Promise<void> {
    await this.page.goto(new URL('/', this.options.baseURL).href, { waitUntil: 'load' });
    await this.waitForPanel((state) => state !== 'checking');
  }

  /** The subscribe panel's state (`ready`, `subscribed`, …), from its data-state attribute. */
  async panelState(): Promise<string | null> {
    return this.page.evaluate(() => document.querySelector('[data-testid="subscribe-panel"]')?.getAttribute('data-state') ?? null);
  }

  /** Waits until the panel's state satisfies `accept`; returns it. */
  async waitForPanel(accept: (state: string) => boolean, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let state: string | null = null;
    while (Date.now() < deadline) {
      state = await this.panelState();
      if (state !== null && accept(state)) return state;
      await sleep(50);
    }
    const message = await this.panelMessage();
    throw new Error(`${this.name}: the subscribe panel stayed "${state}"${message ? ` (message: ${message})` : ''}`);
  }

  /** The panel's message line, if any (errors land there). */
  async panelMessage(): Promise<string | null> {
    return this.page.evaluate(() => document.querySelector('[data-testid="panel-message"]')?.textContent?.trim() ?? null);
  }

  /** Ticks exactly these topics (by slug) on the public page, with real clicks. */
  async chooseTopics(slugs: string[]): Promise<void> {
    const boxes = await this.page.$$('input[name="topic"]');
    for (const box of boxes) {
      const { value, checked } = await box.evaluate((el) => ({ value: (el as HTMLInputElement).value, checked: (el as HTMLInputElement).checked }));
      if (checked !== slugs.includes(value)) await box.click();
    }
    const chosen = await this.page.$$eval('input[name="topic"]:checked', (els) => els.map((el) => (el as HTMLInputElement).value));
    if ([...chosen].sort().join() !== [...slugs].sort().join()) throw new Error(`${this.name}: topics ${chosen.join()} ticked, wanted ${slugs.join()}`);
  }

  /** Clicks the enabled button whose text is exactly `text`. */
  async clickButton(text: string): Promise<void> {
    const button = await this.page.waitForSelector(`::-p-xpath(//button[normalize-space()=${xpathString(text)} and not(@disabled)])`);
    if (!button) throw new Error(`${this.name}: no button "${text}"`);
    await button.click();
  }

  /** Picks topics, clicks "Enable notifications" and waits until the page says it is subscribed. */
  async subscribe(slugs: string[]): Promise<PushSubscriptionJSON & { endpoint: string }> {
    await this.openPublicPage();
    await this.chooseTopics(slugs);
    await this.clickButton('Enable notifications');
    await this.waitForPanel((state) => state === 'subscribed');
    const subscription = await this.subscription();
    if (!subscription) throw new Error(`${this.name}: the page says subscribed but the browser has no subscription`);
    return subscription;
  }

  /** Waits for the service worker of the open page's origin to be active. */
  async serviceWorkerReady(): Promise<string> {
    return this.page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return reg.active?.scriptURL ?? '';
    });
  }

  /** The browser's push subscription (PushSubscription.toJSON()), or null. */
  async subscription(): Promise<(PushSubscriptionJSON & { endpoint: string }) | null> {
    const subscription = await this.page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.getSubscription();
      return sub ? (sub.toJSON() as PushSubscriptionJSON & { endpoint: string }) : null;
    });
    if (subscription) this.endpointsSeen.add(subscription.endpoint);
    return subscription;
  }

  /** What the service worker has shown, as `registration.getNotifications()` reports it. */
  async notifications(): Promise<ShownNotification[]> {
    return this.page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      const shown = await reg.getNotifications();
      return shown.map((n) => {
        const withActions = n as Notification & { actions?: readonly { action: string; title: string }[] };
        return {
          title: n.title,
          body: n.body,
          icon: n.icon,
          tag: n.tag,
          actions: (withActions.actions ?? []).map((a) => ({ action: a.action, title: a.title })),
          data: (n.data ?? null) as ShownNotification['data'],
        };
      });
    });
  }

  /** Waits until a notification titled `title` is shown; returns it. */
  async waitForNotification(title: string, timeoutMs = 20_000): Promise<ShownNotification> {
    const deadline = Date.now() + timeoutMs;
    let seen: ShownNotification[] = [];
    while (Date.now() < deadline) {
      seen = await this.notifications();
      const found = seen.find((n) => n.title === title);
      if (found) return found;
      await sleep(100);
    }
    throw new Error(`${this.name}: no notification "${title}" within ${timeoutMs} ms; shown: ${JSON.stringify(seen.map((n) => n.title))}`);
  }

  /** Clicks the shown notification titled `title` (its alert window), as a person would. */
  async clickNotification(title: string, timeoutMs = 10_000): Promise<void> {
    if (!this.browser) throw new Error(`${this.name}: Firefox is not running`);
    const deadline = Date.now() + timeoutMs;
    let last: AlertClick = { clicked: false, titles: [] };
    while (Date.now() < deadline) {
      last = await clickAlertWindow(this.browser, title);
      if (last.clicked) return;
      await sleep(100);
    }
    throw new Error(`${this.name}: no notification window "${title}" to click; open: ${JSON.stringify(last.titles)}`);
  }
}

/** What the chrome-scope script reports about the alert windows it saw. */
interface AlertClick {
  clicked: boolean;
  titles: (string | null)[];
}

/**
 * Clicks a notification the way a person does. Headless Firefox with `alerts.useSystemBackend`
 * off shows each notification as a XUL alert window (`alert:alert`); its `onAlertClick()` runs the
 * real click path, so the service worker gets `notificationclick`. Reaching that window needs the
 * chrome scope of WebDriver BiDi (`moz:scope`, Firefox ≥ 153, launched with
 * --remote-allow-system-access); `onAlertClick` is Firefox-internal (toolkit alert.js), so this
 * is kept to this one helper.
 */
async function clickAlertWindow(browser: Browser, title: string): Promise<AlertClick> {
  const connection = (browser as unknown as { connection: { send(method: string, params: unknown): Promise<{ result: unknown }> } }).connection;
  const tree = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as { contexts: { context: string; url: string }[] };
  const chrome = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml') ?? tree.contexts[0];
  if (!chrome) throw new Error('no chrome browsing context (is Firefox older than 153, or launched without --remote-allow-system-access?)');
  const expression = `(() => {
    const titles = [];
    for (const w of Services.wm.getEnumerator('alert:alert')) {
      const label = w.document.getElementById('alertTitleLabel');
      const text = label ? (label.value || label.textContent) : null;
      titles.push(text);
      if (text === ${JSON.stringify(title)}) { w.onAlertClick(); return JSON.stringify({ clicked: true, titles }); }
    }
    return JSON.stringify({ clicked: false, titles });
  })()`;
  const evaluated = (await connection.send('script.evaluate', { expression, target: { context: chrome.context }, awaitPromise: false })).result as {
    type: string;
    result?: { type: string; value?: unknown };
    exceptionDetails?: { text?: string };
  };
  if (evaluated.type !== 'success' || evaluated.result?.type !== 'string')
    throw new Error(`clicking the notification failed: ${JSON.stringify(evaluated.exceptionDetails ?? evaluated)}`);
  return JSON.parse(String(evaluated.result.value)) as AlertClick;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An XPath string literal for any text (XPath 1.0 has no escapes). */
function xpathString(text: string): string {
  if (!text.includes('"')) return `"${text}"`;
  if (!text.includes("'")) return `'${text}'`;
  return `concat(${text
    .split('"')
    .map((part) => `"${part}"`)
    .join(`, '"', `)})`;
}
