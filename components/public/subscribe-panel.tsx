'use client';
/**
 * The visitor's panel: pick topics, turn notifications on (the permission prompt appears only
 * after that click), change topics, turn them off. Explains every state a browser can be in.
 * When the server's VAPID key has changed since this browser subscribed, it re-subscribes with
 * the new key and updates the server in one request.
 *
 * `project` is the project the page is for (null: the default one): every API call names it, and
 * its subscription lives in its own service worker registration (push-client.ts).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { buttonClass } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Notice } from '@/components/ui/notice';
import { InboxPanel } from './inbox-panel';
import { b64urlToBytes, detectSupport, publicApi, registerWorker, sameKey, subscribeWithTimeout, type Topic } from './push-client';

type View = 'checking' | 'unsupported' | 'ios' | 'insecure' | 'no-key' | 'denied' | 'ready' | 'subscribed';
type Message = { tone: 'success' | 'error' | 'info'; text: string } | null;

export function SubscribePanel({ topics, publicKey, project }: { topics: Topic[]; publicKey: string | null; project: string | null }) {
  const [view, setView] = useState<View>('checking');
  const [busy, setBusy] = useState<null | 'enable' | 'save' | 'off'>(null);
  const [selected, setSelected] = useState<string[]>(() => topics.map((t) => t.slug));
  const [saved, setSaved] = useState<string[]>([]);
  const [message, setMessage] = useState<Message>(null);
  const reg = useRef<ServiceWorkerRegistration | null>(null);
  const api = useMemo(() => publicApi(project), [project]);

  const init = useCallback(async () => {
    const support = detectSupport();
    if (support !== 'supported') return setView(support === 'ios-needs-install' ? 'ios' : support);
    if (!publicKey) return setView('no-key');
    if (Notification.permission === 'denied') return setView('denied');
    try {
      reg.current = await registerWorker(project);
      const sub = await reg.current.pushManager.getSubscription();
      const server = sub ? await api.lookup(sub.endpoint) : null;
      if (!sub || !server || server.status !== 'active') return setView('ready');
      setSelected(server.topics);
      setSaved(server.topics);
      const key = b64urlToBytes(publicKey);
      if (!sameKey(sub.options.applicationServerKey, key)) {
        // The server rotated its VAPID key: move this subscription to the new one.
        await sub.unsubscribe();
        const next = await subscribeWithTimeout(reg.current, key);
        await api.save(next, server.topics, publicKey, sub.endpoint);
      }
      setView('subscribed');
    } catch (e) {
      setMessage({ tone: 'error', text: (e as Error).message || 'Something went wrong while checking your notifications.' });
      setView('ready');
    }
  }, [publicKey, project, api]);

  useEffect(() => {
    void init();
  }, [init]);

  async function enable() {
    if (!publicKey || !reg.current) return;
    setBusy('enable');
    setMessage(null);
    try {
      const permission = await Notification.requestPermission();
      if (permission === 'denied') return setView('denied');
      if (permission !== 'granted') {
        setMessage({ tone: 'info', text: 'You closed the prompt without choosing. Click the button again whenever you are ready.' });
        return;
      }
      const key = b64urlToBytes(publicKey);
      let sub = await reg.current.pushManager.getSubscription();
      if (sub && !sameKey(sub.options.applicationServerKey, key)) {
        await sub.unsubscribe();
        sub = null;
      }
      sub ??= await subscribeWithTimeout(reg.current, key);
      const res = await api.save(sub, selected, publicKey);
      setSaved(res?.topics ?? selected);
      setView('subscribed');
      setMessage({ tone: 'success', text: 'Notifications are on. You can change your topics here at any time.' });
    } catch (e) {
      setMessage({ tone: 'error', text: (e as Error).message || 'Could not turn notifications on.' });
    } finally {
      setBusy(null);
    }
  }

  async function saveTopics() {
    if (!publicKey || !reg.current) return;
    setBusy('save');
    setMessage(null);
    try {
      const sub = await reg.current.pushManager.getSubscription();
      if (!sub) return setView('ready');
      const res = await api.save(sub, selected, publicKey);
      setSaved(res?.topics ?? selected);
      setMessage({ tone: 'success', text: 'Your topics are saved.' });
    } catch (e) {
      setMessage({ tone: 'error', text: (e as Error).message });
    } finally {
      setBusy(null);
    }
  }

  async function turnOff() {
    if (!reg.current) return;
    setBusy('off');
    setMessage(null);
    try {
      const sub = await reg.current.pushManager.getSubscription();
      if (sub) {
        await api.remove(sub.endpoint);
        await sub.unsubscribe();
      }
      setView('ready');
      setMessage({ tone: 'info', text: 'Notifications are off. You will not receive anything from us.' });
    } catch (e) {
      setMessage({ tone: 'error', text: (e as Error).message });
    } finally {
      setBusy(null);
    }
  }

  const toggle = (slug: string) => setSelected((s) => (s.includes(slug) ? s.filter((x) => x !== slug) : [...s, slug].sort()));
  const dirty = view === 'subscribed' && [...selected].sort().join() !== [...saved].sort().join();
  // Without Web Push, visitors can still pick topics and follow them in the inbox below.
  const noPush = view === 'unsupported' || view === 'ios' || view === 'insecure' || view === 'denied' || view === 'no-key';
  const showTopics = (view === 'ready' || view === 'subscribed' || noPush) && topics.length > 0;

  return (
    <>
      <section
        className="mt-8 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:p-8"
        data-testid="subscribe-panel"
        data-state={view}
        aria-live="polite"
      >
        {view === 'checking' && <p className="text-sm text-slate-500">Checking what this browser supports…</p>}
        {view === 'unsupported' && (
          <Notice tone="warning" title="This browser cannot receive push notifications">
            Try a current version of Firefox, Chrome, Edge or Safari.
          </Notice>
        )}
        {view === 'ios' && (
          <Notice tone="info" title="One step first on iPhone and iPad">
            Safari offers notifications to sites on your Home Screen: tap the Share button, choose “Add to Home Screen”, then open this site from there and come
            back to this page.
          </Notice>
        )}
        {view === 'insecure' && (
          <Notice tone="warning" title="Notifications need a secure connection">
            Open this page over https:// to turn notifications on.
          </Notice>
        )}
        {view === 'no-key' && (
          <Notice tone="warning" title="Notifications are not available yet">
            This site has not finished setting up notifications. Please come back later.
          </Notice>
        )}
        {view === 'denied' && (
          <Notice tone="warning" title="Notifications are blocked for this site">
            Your browser is set to refuse notifications from this site. To allow them, open the site settings (the icon to the left of the address bar), set
            Notifications to “Allow”, then reload this page.
          </Notice>
        )}

        {view === 'subscribed' && (
          <div className="mb-5 flex items-center gap-2 text-emerald-700">
            <svg viewBox="0 0 20 20" className="size-5" fill="currentColor" aria-hidden>
              <path d="M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm3.7-9.3a1 1 0 0 0-1.4-1.4L9 10.6 7.7 9.3a1 1 0 0 0-1.4 1.4l2 2a1 1 0 0 0 1.4 0l4-4Z" />
            </svg>
            <p className="font-medium" data-testid="subscribed-banner">
              You are subscribed on this browser.
            </p>
          </div>
        )}

        {showTopics && (
          <fieldset className={cn(noPush && 'mt-5')}>
            <legend className="text-sm font-semibold text-slate-900">
              {view === 'subscribed' ? 'Your topics' : noPush ? 'Follow topics on this page instead' : 'What would you like to hear about?'}
            </legend>
            <div className="mt-3 grid gap-3 sm:grid-cols-2">
              {topics.map((t) => (
                <label
                  key={t.slug}
                  className={cn(
                    'flex cursor-pointer gap-3 rounded-lg p-3 ring-1 transition-colors',
                    selected.includes(t.slug) ? 'bg-brand-50 ring-brand-200' : 'ring-slate-200 hover:bg-slate-50',
                  )}
                >
                  <input
                    type="checkbox"
                    name="topic"
                    value={t.slug}
                    checked={selected.includes(t.slug)}
                    onChange={() => toggle(t.slug)}
                    className="mt-0.5 size-4 rounded border-slate-300 text-brand-600"
                  />
                  <span>
                    <span className="block text-sm font-medium text-slate-900">{t.name}</span>
                    {t.description && <span className="block text-xs text-slate-500">{t.description}</span>}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        )}

        {view === 'ready' && (
          <div className={cn(showTopics && 'mt-6')}>
            <button
              type="button"
              onClick={enable}
              disabled={busy !== null}
              aria-busy={busy === 'enable'}
              className={buttonClass('primary', 'md', 'px-5 py-2.5 text-base')}
            >
              {busy === 'enable' ? 'Turning on…' : 'Enable notifications'}
            </button>
            <p className="mt-2 text-xs text-slate-500">Your browser will ask for permission after you click.</p>
          </div>
        )}

        {view === 'subscribed' && (
          <div className="mt-6 flex flex-wrap items-center gap-3">
            {topics.length > 0 && (
              <button type="button" onClick={saveTopics} disabled={!dirty || busy !== null} className={buttonClass('primary')}>
                {busy === 'save' ? 'Saving…' : 'Save topics'}
              </button>
            )}
            <button type="button" onClick={turnOff} disabled={busy !== null} className={buttonClass('secondary')}>
              {busy === 'off' ? 'Turning off…' : 'Turn off notifications'}
            </button>
          </div>
        )}

        {message && (
          <Notice tone={message.tone === 'error' ? 'error' : message.tone === 'success' ? 'success' : 'info'} className="mt-5" data-testid="panel-message">
            {message.text}
          </Notice>
        )}
      </section>
      {view !== 'checking' && <InboxPanel topics={view === 'subscribed' ? saved : selected} project={project} />}
    </>
  );
}
