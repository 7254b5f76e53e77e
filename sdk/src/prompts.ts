/**
 * The site SDK's soft prompts (issue 17): the slide-down, the floating bell and the inline button
 * a project configures on its Install page. They ask first; only a click on them calls
 * `host.subscribe`, which brings up the browser's own permission prompt (the click is the user
 * gesture it needs), so the browser never asks on page load.
 *
 * Each prompt lives in its own shadow root (styles in prompt-styles.ts), so the site's CSS cannot
 * break it, and is built with DOM calls and textContent only: the project's texts are never HTML.
 * When the slide-down and the bell appear is decided by prompt-rules.ts (page views, delay,
 * re-ask days after "not now"); the inline button is part of the site's page and is always there
 * where the browser can subscribe. The prompts count `prompt_shown` and `dismissed` ("not now");
 * the core counts accepted, denied and the browser prompt's own dismissal.
 *
 * On iOS and iPadOS Safari outside the Home Screen (`reason: 'ios-needs-home-screen'`) Web Push
 * cannot work yet, so the prompts explain the two taps (Share → Add to Home Screen) instead of
 * offering a button that would fail.
 */
import type { OptinEvent, PromptSettings, PromptStyle } from '../../lib/sdk/prompt-settings';
import { dismiss, markShown, promptPlan, readMemory, recordPageView, writeMemory, type PromptMemory } from './prompt-rules';
import { PROMPT_CSS } from './prompt-styles';

/** The core's `getState()` as the prompts read it (sdk/src/index.ts `State`). */
export interface PromptState {
  supported: boolean;
  reason?: 'insecure' | 'unsupported' | 'ios-needs-home-screen';
  permission: NotificationPermission;
  subscribed: boolean;
  topics: string[];
  endpoint?: string;
}

export type PromptSubscribeResult = 'subscribed' | 'denied' | 'dismissed' | 'failed';

/** What the core gives the prompts: the project's configuration and the calls they make. */
export interface PromptHost {
  project: string;
  settings: PromptSettings;
  topics: { slug: string; name: string }[];
  getState(): Promise<PromptState>;
  /** Must be called from the click handler (the browser's permission prompt needs the gesture). */
  subscribe(topics: string[], style: PromptStyle): Promise<PromptSubscribeResult>;
  track(event: OptinEvent, style: PromptStyle | 'direct'): void;
  emit(event: 'dismissed', detail: { style: PromptStyle }): void;
  /** Where given, the bell and the inline button offer to unsubscribe a subscribed visitor. */
  unsubscribe?(): Promise<void>;
}

export interface MountPromptsOptions {
  /** The inline button's place; without it, every `[data-pushdeck-subscribe]` element. */
  inline?: Element | null;
  /** Where the visitor's prompt memory is kept (default: localStorage, where the browser allows it). */
  storage?: Storage;
  now?: () => number;
}

const TEXT = {
  topics: 'Topics',
  failed: 'Something went wrong. Please try again.',
  blocked: "Notifications are blocked for this site. You can allow them in your browser's site settings.",
  subscribedTitle: 'You are subscribed',
  subscribedBody: 'You get notifications from this site.',
  unsubscribe: 'Unsubscribe',
  close: 'Close',
  bell: 'Notifications',
  bellOn: 'Notifications: subscribed',
  iosIntro: 'To get notifications on iPhone or iPad, add this site to your Home Screen first:',
  iosStep1: 'Tap the Share button.',
  iosStep2: 'Choose “Add to Home Screen”, then open the site from your Home Screen.',
  iosInline: 'To get notifications, add this site to your Home Screen: tap Share, then “Add to Home Screen”.',
};

const SVG_NS = 'http://www.w3.org/2000/svg';
const BELL_PATH =
  'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6v-5a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z';

function bellIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', BELL_PATH);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) if (child) node.append(child);
  return node;
}

let sharedSheet: CSSStyleSheet | null = null;

/** A host element with an open shadow root carrying the prompt CSS. */
function shadowHost(tag: string): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement(tag);
  // Inline declarations through the CSSOM: not refused by a site's CSP, and stronger than its stylesheets.
  host.style.setProperty('display', 'block', 'important');
  const root = host.attachShadow({ mode: 'open' });
  try {
    sharedSheet ??= (() => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(PROMPT_CSS);
      return sheet;
    })();
    root.adoptedStyleSheets = [sharedSheet];
  } catch {
    root.append(el('style', { text: PROMPT_CSS }));
  }
  return { host, root };
}

function defaultStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    // A sandboxed frame or blocked site data: the prompt then behaves as for a new visitor on every page.
    return undefined;
  }
}

function domReady(): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
}

/** The prompt's card: headline, text, topic choice or the iOS steps, a status line and its buttons. */
function promptCard(host: PromptHost, ios: boolean) {
  const s = host.settings;
  const status = el('p', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const later = el('button', { text: s.laterLabel, attrs: { type: 'button', 'data-pushdeck': 'later' } });
  const accept = ios ? null : el('button', { class: 'primary', text: s.acceptLabel, attrs: { type: 'button', 'data-pushdeck': 'accept' } });
  const boxes: HTMLInputElement[] = [];
  let extra: HTMLElement | null = null;
  if (ios) {
    extra = el('ol', { class: 'steps' }, el('li', { text: TEXT.iosStep1 }), el('li', { text: TEXT.iosStep2 }));
  } else if (s.topicChoice && host.topics.length > 0) {
    extra = el('fieldset', {}, el('legend', { text: TEXT.topics }));
    for (const t of host.topics) {
      const box = el('input', { attrs: { type: 'checkbox', value: t.slug } });
      box.checked = true;
      boxes.push(box);
      extra.append(el('label', { class: 'topic' }, box, document.createTextNode(t.name)));
    }
  }
  const card = el(
    'div',
    { class: 'card', attrs: { role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'pd-title', 'aria-describedby': 'pd-body' } },
    el(
      'div',
      { class: 'head' },
      el('span', { class: 'icon' }, bellIcon()),
      el('div', {}, el('h2', { text: s.headline, attrs: { id: 'pd-title' } }), el('p', { text: ios ? TEXT.iosIntro : s.body, attrs: { id: 'pd-body' } })),
    ),
    extra,
    status,
    el('div', { class: 'actions' }, later, accept),
  );
  const buttons = (): (HTMLButtonElement | HTMLInputElement)[] => [later, ...(accept ? [accept] : []), ...boxes];
  return {
    card,
    accept,
    later,
    status,
    selected: () => boxes.filter((b) => b.checked).map((b) => b.value),
    setBusy(busy: boolean) {
      card.setAttribute('aria-busy', String(busy));
      for (const b of buttons()) b.disabled = busy;
    },
  };
}

/**
 * Draws the project's prompt style on this page and counts the page view. The core calls it once
 * per `Pushdeck.init`, after the project's configuration arrived; `destroy()` removes everything
 * it drew and cancels a prompt still waiting for its delay.
 */
export function mountPrompts(host: PromptHost, opts: MountPromptsOptions = {}): { destroy(): void } {
  const storage = 'storage' in opts ? opts.storage : defaultStorage();
  const now = opts.now ?? (() => Date.now());
  const style = host.settings.style;
  let destroyed = false;
  let busy = false;
  const cleanups: (() => void)[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();

  // Read again before each change: another tab of the site may have written since this page loaded.
  const update = (change: (m: PromptMemory) => PromptMemory) => writeMemory(storage, host.project, change(readMemory(storage, host.project)));
  update(recordPageView);

  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!destroyed) fn();
    }, ms);
    timers.add(t);
  };
  const attach = (node: HTMLElement, parent: Element) => {
    parent.append(node);
    cleanups.push(() => node.remove());
  };
  const shown = () => {
    update((m) => markShown(m, now()));
    host.track('prompt_shown', style);
  };
  const notNow = () => {
    update((m) => dismiss(m, now()));
    host.track('dismissed', style);
    host.emit('dismissed', { style: style });
  };
  /** One subscription attempt at a time; the host's own failures count as 'failed'. */
  const subscribe = async (topics: string[]): Promise<PromptSubscribeResult> => {
    if (busy) return 'failed';
    busy = true;
    try {
      return await host.subscribe(topics, style);
    } catch {
      return 'failed';
    } finally {
      busy = false;
    }
  };
  const canAsk = (state: PromptState) => state.supported || state.reason === 'ios-needs-home-screen';
  const planFor = (state: PromptState) =>
    promptPlan({
      settings: host.settings,
      memory: readMemory(storage, host.project),
      now: now(),
      permission: state.permission,
      subscribed: state.subscribed,
      supported: canAsk(state),
    });

  function showSlidedown(ios: boolean) {
    const { host: node, root } = shadowHost('pushdeck-prompt');
    const c = promptCard(host, ios);
    c.card.classList.add('slidedown');
    c.card.setAttribute('data-pushdeck-prompt', 'slidedown');
    root.append(c.card);
    const close = () => {
      document.removeEventListener('keydown', onKey);
      node.remove();
    };
    const onKey = (e: KeyboardEvent) => {
      // Escape is "not now" while the page itself has no focus or the focus is in the prompt (the site's own dialogs keep their Escape).
      const active = document.activeElement;
      if (e.key !== 'Escape' || busy || (active && active !== document.body && active !== node)) return;
      notNow();
      close();
    };
    c.later.addEventListener('click', () => {
      notNow();
      close();
    });
    c.accept?.addEventListener('click', () => {
      c.setBusy(true);
      c.status.textContent = '';
      void subscribe(c.selected()).then((result) => {
        if (result === 'failed') {
          c.setBusy(false);
          c.status.textContent = TEXT.failed;
          return;
        }
        // The browser's own prompt closed without a choice: ask again only after the re-ask days, like "not now".
        if (result === 'dismissed') update((m) => dismiss(m, now()));
        close();
      });
    });
    document.addEventListener('keydown', onKey);
    cleanups.push(close);
    attach(node, document.body);
    shown();
  }

  function showBell(state: PromptState, ios: boolean, countShown: boolean) {
    const { host: node, root } = shadowHost('pushdeck-bell');
    let subscribed = state.subscribed;
    let open = false;
    const button = el(
      'button',
      { class: 'bell', attrs: { type: 'button', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-controls': 'pd-panel', 'data-pushdeck': 'bell' } },
      bellIcon(),
    );
    const panel = el('div', { class: 'panel', attrs: { id: 'pd-panel' } });
    panel.hidden = true;
    root.append(panel, button);

    const setOpen = (next: boolean, focusBell = false) => {
      open = next;
      panel.hidden = !next;
      button.setAttribute('aria-expanded', String(next));
      if (next) panel.querySelector('button')?.focus();
      else if (focusBell) button.focus();
    };
    const renderBell = () => {
      button.classList.toggle('on', subscribed);
      button.setAttribute('aria-label', subscribed ? TEXT.bellOn : TEXT.bell);
    };
    const renderSubscribed = () => {
      const status = el('p', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
      const close = el('button', { text: TEXT.close, attrs: { type: 'button' } });
      close.addEventListener('click', () => setOpen(false, true));
      const off = host.unsubscribe
        ? el('button', { class: 'primary', text: TEXT.unsubscribe, attrs: { type: 'button', 'data-pushdeck': 'unsubscribe' } })
        : null;
      off?.addEventListener('click', () => {
        off.disabled = true;
        status.textContent = '';
        void (async () => {
          try {
            await host.unsubscribe!();
            subscribed = false;
            render();
            setOpen(true);
          } catch {
            off.disabled = false;
            status.textContent = TEXT.failed;
          }
        })();
      });
      const card = el(
        'div',
        { class: 'card', attrs: { role: 'dialog', 'aria-labelledby': 'pd-title', 'aria-describedby': 'pd-body', 'data-pushdeck-prompt': 'bell' } },
        el(
          'div',
          { class: 'head' },
          el('span', { class: 'icon' }, bellIcon()),
          el('div', {}, el('h2', { text: TEXT.subscribedTitle, attrs: { id: 'pd-title' } }), el('p', { text: TEXT.subscribedBody, attrs: { id: 'pd-body' } })),
        ),
        status,
        el('div', { class: 'actions' }, close, off),
      );
      panel.replaceChildren(card);
    };
    const renderAsk = () => {
      const c = promptCard(host, ios);
      c.card.setAttribute('data-pushdeck-prompt', 'bell');
      c.later.addEventListener('click', () => {
        notNow();
        remove();
      });
      c.accept?.addEventListener('click', () => {
        c.setBusy(true);
        c.status.textContent = '';
        void subscribe(c.selected()).then((result) => {
          if (result === 'subscribed') {
            subscribed = true;
            render();
            setOpen(false, true);
          } else if (result === 'denied') {
            c.status.textContent = TEXT.blocked;
            if (c.accept) c.accept.hidden = true;
            c.later.disabled = false;
          } else if (result === 'dismissed') {
            update((m) => dismiss(m, now()));
            c.setBusy(false);
            setOpen(false, true);
          } else {
            c.setBusy(false);
            c.status.textContent = TEXT.failed;
          }
        });
      });
      panel.replaceChildren(c.card);
    };
    const render = () => {
      renderBell();
      if (subscribed) renderSubscribed();
      else renderAsk();
    };
    const onKey = (e: KeyboardEvent) => {
      // Escape closes the open panel (a disclosure); "not now" stays the button's.
      if (e.key === 'Escape' && open && !busy) setOpen(false, true);
    };
    const remove = () => {
      root.removeEventListener('keydown', onKey as EventListener);
      node.remove();
    };
    button.addEventListener('click', () => setOpen(!open));
    root.addEventListener('keydown', onKey as EventListener);
    render();
    cleanups.push(remove);
    attach(node, document.body);
    if (countShown) shown();
  }

  function mountInline(state: PromptState, ios: boolean) {
    const targets = opts.inline ? [opts.inline] : Array.from(document.querySelectorAll('[data-pushdeck-subscribe]'));
    if (targets.length === 0 || !canAsk(state)) return;
    let subscribed = state.subscribed;
    let denied = state.permission === 'denied';
    let counted = false;
    const views = targets.map((target) => {
      const { host: node, root } = shadowHost('pushdeck-subscribe');
      node.style.setProperty('display', 'inline-block', 'important');
      const wrap = el('span', { class: 'inline', attrs: { 'data-pushdeck-prompt': 'inline' } });
      root.append(wrap);
      attach(node, target);
      return { target, wrap };
    });
    const topicsOf = (target: Element) =>
      (target.getAttribute('data-pushdeck-topics') ?? '')
        .split(/[\s,]+/)
        .map((t) => t.trim())
        .filter(Boolean);
    const render = (message = '') => {
      const asking = !ios && !subscribed && !denied;
      for (const { target, wrap } of views) {
        const status = el('span', { class: 'status', text: message, attrs: { role: 'status', 'aria-live': 'polite' } });
        const label = target.getAttribute('data-pushdeck-subscribe')?.trim() || host.settings.headline;
        if (ios) {
          wrap.replaceChildren(el('span', { class: 'status', text: TEXT.iosInline }));
        } else if (denied) {
          const b = el('button', { class: 'primary', text: label, attrs: { type: 'button' } });
          b.disabled = true;
          wrap.replaceChildren(b, el('span', { class: 'status', text: TEXT.blocked }));
        } else if (subscribed) {
          const off = host.unsubscribe ? el('button', { text: TEXT.unsubscribe, attrs: { type: 'button', 'data-pushdeck': 'unsubscribe' } }) : null;
          off?.addEventListener('click', () => {
            off.disabled = true;
            void (async () => {
              try {
                await host.unsubscribe!();
                subscribed = false;
                render();
              } catch {
                render(TEXT.failed);
              }
            })();
          });
          wrap.replaceChildren(el('span', { class: 'status', text: message || `${TEXT.subscribedTitle}.` }), ...(off ? [off] : []));
        } else {
          const b = el('button', { class: 'primary', text: label, attrs: { type: 'button', 'data-pushdeck': 'subscribe' } });
          b.addEventListener('click', () => {
            b.disabled = true;
            void subscribe(topicsOf(target)).then((result) => {
              if (result === 'subscribed') subscribed = true;
              if (result === 'denied') denied = true;
              render(result === 'failed' ? TEXT.failed : '');
            });
          });
          wrap.replaceChildren(b, status);
        }
      }
      if ((asking || ios) && !counted) {
        counted = true;
        shown();
      }
    };
    render();
  }

  async function start() {
    const [state] = await Promise.all([host.getState(), domReady()]);
    if (destroyed || style === 'none') return;
    const ios = !state.supported && state.reason === 'ios-needs-home-screen';
    if (style === 'inline') return mountInline(state, ios);
    if (style === 'bell' && state.subscribed) return showBell(state, ios, false);
    const plan = planFor(state);
    if (!plan.show) return;
    later(() => {
      // The site may have subscribed the visitor (its own button) while the prompt waited: ask the core again.
      void host
        .getState()
        .then((fresh) => {
          if (destroyed || !planFor(fresh).show) return;
          const freshIos = !fresh.supported && fresh.reason === 'ios-needs-home-screen';
          if (style === 'bell') showBell(fresh, freshIos, true);
          else showSlidedown(freshIos);
        })
        .catch(() => undefined);
    }, plan.afterMs);
  }

  // The prompts are an extra: a core that cannot read its state leaves the page without one, never broken.
  start().catch(() => undefined);

  return {
    destroy() {
      destroyed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const fn of cleanups.splice(0)) fn();
    },
  };
}
