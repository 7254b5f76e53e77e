import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { statusOf, type ErrorCode } from '@/lib/errors';
import { API_BODY_LIMITS, kb } from '@/server/api/limits';
import { CodeBlock } from './code-block';
import type { apiExamples } from './examples';
import { Code } from './inline-code';

/** What each error code means to an API caller; the status comes from the code (lib/errors.ts). */
const ERROR_MEANINGS: [codes: ErrorCode[], meaning: React.ReactNode][] = [
  [
    ['bad_request', 'validation_failed'],
    <>
      Malformed JSON, or fields that do not validate; <Code>error.fields</Code> names each field.
    </>,
  ],
  [['unauthorized'], 'No credentials, or an unknown, revoked or expired key; a token with a bad signature or past its exp.'],
  [['forbidden'], 'The key or token lacks the scope, or a topic is outside the topics it is limited to.'],
  [['not_found'], 'No such campaign, or it was not created with this key.'],
  [['conflict'], 'A topic with that slug already exists, or the token (its jti) was already used to send.'],
  [
    ['payload_too_large'],
    `The body is over its limit: ${kb(API_BODY_LIMITS.notifications)} for notifications, ${kb(API_BODY_LIMITS.topics)} for topics, ${kb(API_BODY_LIMITS.store)} for the store.`,
  ],
  [
    ['unsupported_media_type'],
    <>
      The body is not sent as <Code>application/json</Code>.
    </>,
  ],
  [['unprocessable'], 'The request is well-formed but refers to an unknown topic.'],
  [
    ['rate_limited'],
    <>
      Too many requests for this key; wait the seconds in <Code>Retry-After</Code>, then retry.
    </>,
  ],
  [['unavailable'], 'The database is briefly unreachable; retry with backoff.'],
];
const ERRORS: [status: string, codes: string, meaning: React.ReactNode][] = ERROR_MEANINGS.map(([codes, meaning]) => [
  String(statusOf[codes[0]!]),
  codes.join(', '),
  meaning,
]);

/** How programs call the API: an example per use, the error codes, and receipts. */
export function UsingTheApiSection({ origin, examples }: { origin: string; examples: ReturnType<typeof apiExamples> }) {
  return (
    <Card className="min-w-0">
      <CardHeader
        title="Using the API"
        description={
          <>
            Every route, field and response is described in the OpenAPI document at{' '}
            <a href="/api/openapi.json" className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800">
              {origin}/api/openapi.json
            </a>
            .
          </>
        }
      />
      <CardBody className="space-y-6">
        <CodeBlock title="Send a notification" code={examples.send}>
          Answers <Code>202</Code> with <Code>{'{"campaignId","status","recipients"}'}</Code>. A retry with the same <Code>Idempotency-Key</Code> returns the
          same campaign and sends nothing again. Add <Code>sendAt</Code> (ISO 8601) to schedule it.
        </CodeBlock>
        <CodeBlock title="Read a campaign" code={examples.read}>
          Its status, delivery counts and receipts. A key sees only the campaigns it created; <Code>GET /api/v1/campaigns</Code> lists them.
        </CodeBlock>
        <CodeBlock title="Manage topics and subscribers (scope manage)" code={examples.manage}>
          <Code>GET</Code>/<Code>POST /api/v1/topics</Code>, <Code>PATCH</Code>/<Code>DELETE /api/v1/topics/{'{slug}'}</Code>,{' '}
          <Code>GET /api/v1/subscribers</Code> (the dashboard’s filters; pass <Code>nextBefore</Code> as <Code>before</Code> for the next page) and{' '}
          <Code>DELETE /api/v1/subscribers/{'{id}'}</Code>. A key limited to some topics manages only those, and no subscribers.
        </CodeBlock>
        <CodeBlock title="Broadcast with a signed token (notiflux-compatible)" code={examples.broadcast}>
          The token (scope <Code>broadcast</Code>, its <Code>topics</Code> including this one) travels in the body. The message becomes the notification’s text
          under the topic’s name; a JSON message <Code>{'{"title","body","url"}'}</Code> is used as it is.
        </CodeBlock>
        <CodeBlock title="Subscribe a visitor to private topics" code={examples.subscribe}>
          Private topics are not on the subscribe page. Send a <Code>token</Code> with scope <Code>subscribe</Code> along with the subscription to{' '}
          <Code>POST /api/push/subscriptions</Code>.
        </CodeBlock>
        <section className="space-y-2" aria-labelledby="api-errors-title">
          <h3 id="api-errors-title" className="text-sm font-semibold text-slate-900">
            Errors
          </h3>
          <p className="text-sm text-slate-500">
            Every error is JSON: <Code>{'{"error":{"code","message"}}'}</Code>.
          </p>
          {/* A list rather than a table: on a phone each code stacks above its explanation. */}
          <dl className="divide-y divide-slate-100 rounded-lg text-sm ring-1 ring-slate-200">
            {ERRORS.map(([status, codes, meaning]) => (
              <div key={status} className="grid gap-1 px-4 py-2.5 sm:grid-cols-[14rem_minmax(0,1fr)] sm:gap-4">
                <dt className="flex flex-wrap items-baseline gap-x-2">
                  <span className="font-mono font-medium text-slate-900 tabular-nums">{status}</span>
                  <span className="font-mono text-xs text-slate-500">{codes}</span>
                </dt>
                <dd className="text-slate-700">{meaning}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section className="space-y-1" aria-labelledby="api-receipts-title">
          <h3 id="api-receipts-title" className="text-sm font-semibold text-slate-900">
            Receipts
          </h3>
          <p className="text-sm text-slate-500">
            Pushdeck’s service worker reports each notification shown, clicked and closed automatically: there is nothing to add on your side. Campaign pages
            show the rates, and <Code>GET /api/v1/campaigns/{'{id}'}</Code> returns the counts.
          </p>
        </section>
      </CardBody>
    </Card>
  );
}
