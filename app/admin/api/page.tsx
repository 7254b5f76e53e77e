import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { statusOf, type ErrorCode } from '@/lib/errors';
import { API_BODY_LIMITS, kb } from '@/server/api/limits';
import { listApiKeys, listTokenKeys } from '@/server/api-keys/queries';
import { requirePageCtx } from '@/server/auth/session';
import { listTopics } from '@/server/topics/queries';
import { revokeApiKeyAction, revokeTokenKeyAction } from './actions';
import { AddTokenKeyForm } from './_components/add-token-key-form';
import { CodeBlock } from './_components/code-block';
import { CreateApiKeyForm, type TopicOption } from './_components/create-api-key-form';
import { RevokeButton } from './_components/revoke-button';

export const metadata: Metadata = { title: 'API' };

type Status = 'active' | 'revoked' | 'expired';
const statusTone = { active: 'green', revoked: 'red', expired: 'yellow' } as const;
const statusLabel = { active: 'Active', revoked: 'Revoked', expired: 'Expired' } as const;

function keyStatus(k: { revokedAt: Date | null; expiresAt?: Date | null }, now: number): Status {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && k.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

/**
 * The origin programs should call, as this request reached us (behind a proxy: its forwarded
 * host and scheme). Header values are checked so a forged Host cannot put markup-like junk into
 * the examples; anything odd falls back to a placeholder.
 */
async function siteOrigin(): Promise<string> {
  const h = await headers();
  const host = (h.get('x-forwarded-host') ?? h.get('host') ?? '').split(',')[0]!.trim();
  const proto = (h.get('x-forwarded-proto') ?? '').split(',')[0]!.trim().toLowerCase();
  const okHost = /^([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host);
  return `${proto === 'http' || proto === 'https' ? proto : 'https'}://${okHost ? host : 'pushdeck.example.com'}`;
}

function Code({ children }: { children: React.ReactNode }) {
  return <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.8125rem] text-slate-800">{children}</code>;
}

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

export default async function ApiPage() {
  const ctx = await requirePageCtx('api-keys.manage', '/admin/api');
  const [apiKeys, tokenKeys, topicRows, origin] = await Promise.all([listApiKeys(ctx), listTokenKeys(ctx), listTopics(ctx), siteOrigin()]);
  const now = new Date();
  const nowMs = now.getTime();
  const topics: TopicOption[] = topicRows.map((t) => ({ id: t.id, name: t.name, slug: t.slug, isPublic: t.isPublic }));
  const topicName = new Map(topics.map((t) => [t.id, t.name]));
  // Examples use a real slug when there is one, so they work when pasted.
  const slug = (topics.find((t) => t.isPublic) ?? topics[0])?.slug ?? 'news';
  const privateSlug = topics.find((t) => !t.isPublic)?.slug ?? slug;
  const env = tokenKeys.environment;

  const sendExample = [
    `curl -X POST '${origin}/api/v1/notifications' \\`,
    `  -H "Authorization: Bearer $PUSHDECK_API_KEY" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H 'Idempotency-Key: release-2-0' \\`,
    `  -d '{"topics":["${slug}"],"title":"Version 2.0 is out","body":"Faster sends and a new dashboard.","url":"https://example.com/blog/2-0"}'`,
  ].join('\n');
  const readExample = [`curl '${origin}/api/v1/campaigns/CAMPAIGN_ID' \\`, `  -H "Authorization: Bearer $PUSHDECK_API_KEY"`].join('\n');
  const manageExample = [
    `curl -X POST '${origin}/api/v1/topics' \\`,
    `  -H "Authorization: Bearer $PUSHDECK_MANAGE_KEY" -H 'Content-Type: application/json' \\`,
    `  -d '{"slug":"offers","name":"Offers","description":"Weekly deals"}'`,
    `curl '${origin}/api/v1/subscribers?topic=${slug}&status=active&limit=100' \\`,
    `  -H "Authorization: Bearer $PUSHDECK_MANAGE_KEY"`,
  ].join('\n');
  const broadcastExample = [
    `curl -X POST '${origin}/broadcast' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '{"topic":"${slug}","message":"Version 2.0 is out","token":"'"$PUSHDECK_TOKEN"'"}'`,
  ].join('\n');
  const subscribeExample = [
    `// In your page, after the visitor allowed notifications. The token comes from your backend:`,
    `// scope "subscribe", its topics listing the private topics this visitor may join.`,
    `const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });`,
    `await fetch('${origin}/api/push/subscriptions', {`,
    `  method: 'POST',`,
    `  headers: { 'Content-Type': 'application/json' },`,
    `  body: JSON.stringify({ subscription, topics: ['${privateSlug}'], token }),`,
    `});`,
  ].join('\n');
  const keygenExample = [
    'openssl ecparam -genkey -name prime256v1 -out es256_private.pem',
    'openssl ec -in es256_private.pem -pubout -out es256_public.pem',
  ].join('\n');
  const signExample = [
    `import { createPrivateKey, sign } from 'node:crypto';`,
    `import { readFileSync } from 'node:fs';`,
    ``,
    `const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');`,
    `const claims = { sub: 'shop', exp: Math.floor(Date.now() / 1000) + 300, topics: ['${slug}'], scope: 'broadcast' };`,
    `const data = part({ alg: 'ES256', typ: 'JWT' }) + '.' + part(claims);`,
    `const key = createPrivateKey(readFileSync('es256_private.pem'));`,
    `const token = data + '.' + sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');`,
  ].join('\n');

  return (
    <>
      <PageHeader
        title="API"
        description={
          <>
            Programs send notifications through Pushdeck’s HTTP API. Give each program its own API key, or let a service you run sign short-lived tokens (the
            notiflux format) with a key pair whose public half you add here.
          </>
        }
      />
      <div className="space-y-6">
        <Card className="min-w-0">
          <CardHeader
            title="API keys"
            description={
              <>
                Programs send a key as <Code>Authorization: Bearer pd_…</Code>. Only a hash is stored, so a key is shown once, when it is created.
              </>
            }
          />
          {apiKeys.length === 0 ? (
            <EmptyState title="No API keys yet">Create one for each program that sends, so you can revoke them one by one.</EmptyState>
          ) : (
            <Table>
              <THead>
                <tr>
                  <Th>Key</Th>
                  <Th>Access</Th>
                  <Th>Last used</Th>
                  <Th>Created by</Th>
                  <Th>Status</Th>
                  <Th className="text-right">Manage</Th>
                </tr>
              </THead>
              <TBody>
                {apiKeys.map((k) => {
                  const status = keyStatus(k, nowMs);
                  const names = k.topicIds?.map((id) => topicName.get(id) ?? 'Deleted topic');
                  return (
                    <tr key={k.id} data-testid="api-key-row" data-key-id={k.id}>
                      <Td>
                        <div className="font-medium text-slate-900">{k.name}</div>
                        <code className="mt-0.5 block font-mono text-xs whitespace-nowrap text-slate-500" data-testid="prefix">
                          {k.prefix}…
                        </code>
                      </Td>
                      <Td className="max-w-[16rem]">
                        <div className="flex flex-wrap gap-1">
                          {k.scopes.map((s) => (
                            <Badge key={s} tone={s === 'manage' ? 'orange' : 'blue'}>
                              {s}
                            </Badge>
                          ))}
                        </div>
                        <div className="mt-1 text-xs" data-testid="topics">
                          {names?.length ? names.join(', ') : <span className="text-slate-500">Any topic</span>}
                        </div>
                      </Td>
                      <Td data-testid="last-used">{k.lastUsedAt ? <Time value={k.lastUsedAt} /> : <span className="text-slate-500">Never</span>}</Td>
                      <Td>
                        <div className="max-w-[12rem] truncate" title={k.createdByLabel}>
                          {k.createdByLabel}
                        </div>
                        <div className="text-xs text-slate-500">
                          <Time value={k.createdAt} />
                        </div>
                      </Td>
                      <Td>
                        <Badge tone={statusTone[status]} data-testid="status">
                          {statusLabel[status]}
                        </Badge>
                        <div className="mt-1 text-xs text-slate-500" data-testid="expires">
                          {status === 'revoked' ? (
                            <Time value={k.revokedAt} />
                          ) : k.expiresAt ? (
                            <>
                              {status === 'expired' ? 'Expired' : 'Expires'} <Time value={k.expiresAt} />
                            </>
                          ) : (
                            'No expiry'
                          )}
                        </div>
                      </Td>
                      <Td className="text-right">
                        {status === 'revoked' ? (
                          <span className="text-xs text-slate-400">—</span>
                        ) : (
                          <RevokeButton id={k.id} label={k.name} what="key" consequence="Programs using it get 401 at once." action={revokeApiKeyAction} />
                        )}
                      </Td>
                    </tr>
                  );
                })}
              </TBody>
            </Table>
          )}
          <div className="border-t border-slate-100 px-5 py-5">
            <h3 className="mb-3 text-sm font-semibold text-slate-900">Create a key</h3>
            <CreateApiKeyForm topics={topics} minDate={now.toISOString().slice(0, 10)} />
          </div>
        </Card>

        <Card className="min-w-0">
          <CardHeader
            title="Token verification keys"
            description={
              <>
                Signed tokens are ES256 JWTs with <Code>exp</Code>, <Code>topics</Code> and <Code>scope</Code> (<Code>broadcast</Code> to send,{' '}
                <Code>subscribe</Code> to let a visitor join private topics). A token is accepted when one of these keys verifies its signature.
              </>
            }
          />
          {tokenKeys.keys.length === 0 && !env ? (
            <EmptyState title="No verification keys yet">Add the public half of the key pair your service signs tokens with.</EmptyState>
          ) : (
            <Table>
              <THead>
                <tr>
                  <Th>Name</Th>
                  <Th>Fingerprint</Th>
                  <Th>Added by</Th>
                  <Th>Added</Th>
                  <Th>Status</Th>
                  <Th className="text-right">Manage</Th>
                </tr>
              </THead>
              <TBody>
                {env && (
                  <tr data-testid="token-key-row" data-environment="">
                    <Td>
                      <div className="font-medium text-slate-900">
                        <Code>JWT_PUBLIC_KEY_B64</Code>
                      </div>
                      <div className="mt-0.5 text-xs text-slate-500">From the environment</div>
                    </Td>
                    <Td>
                      <code className="font-mono text-xs text-slate-600" title={env.fingerprint} data-testid="fingerprint">
                        {env.fingerprint.slice(0, 16)}…
                      </code>
                    </Td>
                    <Td className="text-slate-500">Server configuration</Td>
                    <Td className="text-slate-500">—</Td>
                    <Td>
                      <Badge tone="green" data-testid="status">
                        Active
                      </Badge>
                    </Td>
                    <Td className="text-right text-xs whitespace-nowrap text-slate-500">Unset the variable to stop trusting it</Td>
                  </tr>
                )}
                {tokenKeys.keys.map((k) => {
                  const status = keyStatus(k, nowMs);
                  return (
                    <tr key={k.id} data-testid="token-key-row" data-key-id={k.id}>
                      <Td className="font-medium text-slate-900">{k.name}</Td>
                      <Td>
                        <code className="font-mono text-xs whitespace-nowrap text-slate-600" title={k.fingerprint} data-testid="fingerprint">
                          {k.fingerprint.slice(0, 16)}…
                        </code>
                      </Td>
                      <Td>
                        <div className="max-w-[12rem] truncate" title={k.createdByLabel}>
                          {k.createdByLabel}
                        </div>
                      </Td>
                      <Td>
                        <Time value={k.createdAt} />
                      </Td>
                      <Td>
                        <Badge tone={statusTone[status]} data-testid="status">
                          {statusLabel[status]}
                        </Badge>
                      </Td>
                      <Td className="text-right">
                        {status === 'revoked' ? (
                          <span className="text-xs text-slate-400">—</span>
                        ) : (
                          <RevokeButton
                            id={k.id}
                            label={k.name}
                            what="verification key"
                            consequence="Tokens it signed are refused at once."
                            action={revokeTokenKeyAction}
                          />
                        )}
                      </Td>
                    </tr>
                  );
                })}
              </TBody>
            </Table>
          )}
          <div className="grid gap-6 border-t border-slate-100 px-5 py-5 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
            <div className="min-w-0">
              <h3 className="mb-3 text-sm font-semibold text-slate-900">Add a verification key</h3>
              <AddTokenKeyForm />
            </div>
            <div className="min-w-0 space-y-4">
              <CodeBlock title="Make a key pair with openssl" code={keygenExample}>
                Keep <Code>es256_private.pem</Code> with the program that signs; paste <Code>es256_public.pem</Code> here.
              </CodeBlock>
              <p className="text-sm text-slate-500">
                Like notiflux, Pushdeck also trusts the key in <Code>JWT_PUBLIC_KEY_B64</Code> (the base64 of the public PEM, e.g.{' '}
                <Code>base64 -w0 es256_public.pem</Code>) when it is set{env ? '; it is set on this server and listed above' : ''}.
              </p>
              <CodeBlock title="Sign a token (Node.js)" code={signExample}>
                Any JWT library that signs ES256 works the same way. Keep <Code>exp</Code> a few minutes ahead.
              </CodeBlock>
            </div>
          </div>
        </Card>

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
            <CodeBlock title="Send a notification" code={sendExample}>
              Answers <Code>202</Code> with <Code>{'{"campaignId","status","recipients"}'}</Code>. A retry with the same <Code>Idempotency-Key</Code> returns
              the same campaign and sends nothing again. Add <Code>sendAt</Code> (ISO 8601) to schedule it.
            </CodeBlock>
            <CodeBlock title="Read a campaign" code={readExample}>
              Its status, delivery counts and receipts. A key sees only the campaigns it created; <Code>GET /api/v1/campaigns</Code> lists them.
            </CodeBlock>
            <CodeBlock title="Manage topics and subscribers (scope manage)" code={manageExample}>
              <Code>GET</Code>/<Code>POST /api/v1/topics</Code>, <Code>PATCH</Code>/<Code>DELETE /api/v1/topics/{'{slug}'}</Code>,{' '}
              <Code>GET /api/v1/subscribers</Code> (the dashboard’s filters; pass <Code>nextBefore</Code> as <Code>before</Code> for the next page) and{' '}
              <Code>DELETE /api/v1/subscribers/{'{id}'}</Code>. A key limited to some topics manages only those, and no subscribers.
            </CodeBlock>
            <CodeBlock title="Broadcast with a signed token (notiflux-compatible)" code={broadcastExample}>
              The token (scope <Code>broadcast</Code>, its <Code>topics</Code> including this one) travels in the body. The message becomes the notification’s
              text under the topic’s name; a JSON message <Code>{'{"title","body","url"}'}</Code> is used as it is.
            </CodeBlock>
            <CodeBlock title="Subscribe a visitor to private topics" code={subscribeExample}>
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
                Pushdeck’s service worker reports each notification shown, clicked and closed automatically: there is nothing to add on your side. Campaign
                pages show the rates, and <Code>GET /api/v1/campaigns/{'{id}'}</Code> returns the counts.
              </p>
            </section>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
