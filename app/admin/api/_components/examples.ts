/**
 * The copy-and-paste examples of the API page, for this server's origin and, where a topic is
 * named, a real slug of this installation so they work when pasted.
 */
export function apiExamples(origin: string, slug: string, privateSlug: string) {
  const send = [
    `curl -X POST '${origin}/api/v1/notifications' \\`,
    `  -H "Authorization: Bearer $PUSHDECK_API_KEY" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H 'Idempotency-Key: release-2-0' \\`,
    `  -d '{"topics":["${slug}"],"title":"Version 2.0 is out","body":"Faster sends and a new dashboard.","url":"https://example.com/blog/2-0"}'`,
  ].join('\n');
  const read = [`curl '${origin}/api/v1/campaigns/CAMPAIGN_ID' \\`, `  -H "Authorization: Bearer $PUSHDECK_API_KEY"`].join('\n');
  const manage = [
    `curl -X POST '${origin}/api/v1/topics' \\`,
    `  -H "Authorization: Bearer $PUSHDECK_MANAGE_KEY" -H 'Content-Type: application/json' \\`,
    `  -d '{"slug":"offers","name":"Offers","description":"Weekly deals"}'`,
    `curl '${origin}/api/v1/subscribers?topic=${slug}&status=active&limit=100' \\`,
    `  -H "Authorization: Bearer $PUSHDECK_MANAGE_KEY"`,
  ].join('\n');
  const broadcast = [
    `curl -X POST '${origin}/broadcast' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '{"topic":"${slug}","message":"Version 2.0 is out","token":"'"$PUSHDECK_TOKEN"'"}'`,
  ].join('\n');
  const subscribe = [
    `// In your page, after the visitor allowed notifications. The token comes from your backend:`,
    `// scope "subscribe", its topics listing the private topics this visitor may join.`,
    `const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });`,
    `await fetch('${origin}/api/push/subscriptions', {`,
    `  method: 'POST',`,
    `  headers: { 'Content-Type': 'application/json' },`,
    `  body: JSON.stringify({ subscription, topics: ['${privateSlug}'], token }),`,
    `});`,
  ].join('\n');
  const keygen = ['openssl ecparam -genkey -name prime256v1 -out es256_private.pem', 'openssl ec -in es256_private.pem -pubout -out es256_public.pem'].join(
    '\n',
  );
  const sign = [
    `import { createPrivateKey, sign } from 'node:crypto';`,
    `import { readFileSync } from 'node:fs';`,
    ``,
    `const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');`,
    `const claims = { sub: 'shop', exp: Math.floor(Date.now() / 1000) + 300, topics: ['${slug}'], scope: 'broadcast' };`,
    `const data = part({ alg: 'ES256', typ: 'JWT' }) + '.' + part(claims);`,
    `const key = createPrivateKey(readFileSync('es256_private.pem'));`,
    `const token = data + '.' + sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');`,
  ].join('\n');
  return { send, read, manage, broadcast, subscribe, keygen, sign };
}
