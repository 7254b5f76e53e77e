import { useEffect, useRef, useState, useTransition } from 'react';
import { buttonClass } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field, Input, Select } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { findTestSubscribersAction, sendTestAction } from '../../actions';

/** Sends the notification as composed to one chosen subscriber; the search ignores answers a newer query superseded. */
export function TestSend({ content, options, disabled }: { content: unknown; options: unknown; disabled: boolean }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ id: string; label: string }[]>([]);
  const [chosen, setChosen] = useState('');
  const [result, setResult] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [pending, start] = useTransition();
  const first = useRef(true);

  useEffect(() => {
    let superseded = false; // a slow search for an earlier query must not replace the newer results
    const search = async () => {
      const res = await findTestSubscribersAction(query).catch(() => null);
      if (res?.ok && !superseded) {
        setFound(res.data);
        setChosen((c) => (res.data.some((f) => f.id === c) ? c : (res.data[0]?.id ?? '')));
      }
    };
    const t = setTimeout(() => void search(), first.current ? 0 : 300);
    first.current = false;
    return () => {
      superseded = true;
      clearTimeout(t);
    };
  }, [query]);

  function sendTest() {
    setResult(null);
    start(async () => {
      const res = await sendTestAction({ subscriptionId: chosen, content, options });
      if (!res.ok) return setResult({ tone: 'error', text: res.error.message });
      const r = res.data;
      setResult(
        r.outcome === 'delivered'
          ? { tone: 'success', text: `Accepted by ${r.pushService} (HTTP ${r.status}, ${r.latencyMs} ms).` }
          : { tone: 'error', text: `${r.pushService} did not accept it: ${r.reason ?? r.outcome}${r.status ? ` (HTTP ${r.status})` : ''}.` },
      );
    });
  }

  return (
    <Card>
      <CardHeader title="Send a test" description="To one subscriber, now, exactly as composed. Nothing is recorded as a campaign." />
      <CardBody className="space-y-3">
        <Field label="Find a subscriber" htmlFor="t-q" hint="Type the end of a subscriber id, a push service or a browser.">
          <Input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. firefox or 3fa9c2d1" />
        </Field>
        {found.length === 0 ? (
          <p className="text-sm text-slate-500">No active subscribers match. Subscribe yourself on the public page first.</p>
        ) : (
          <Field label="Subscriber" htmlFor="t-sub">
            <Select value={chosen} onChange={(e) => setChosen(e.target.value)}>
              {found.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <button type="button" disabled={disabled || pending || !chosen} onClick={sendTest} className={buttonClass('secondary', 'sm')}>
          {pending ? 'Sending…' : 'Send test'}
        </button>
        {result && (
          <Notice tone={result.tone} data-testid="test-result">
            {result.text}
          </Notice>
        )}
      </CardBody>
    </Card>
  );
}
