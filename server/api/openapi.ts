/**
 * The OpenAPI 3.1 document for the public and programmatic API, built from the same zod schemas
 * the route handlers validate with (OpenAPI 3.1 uses JSON Schema 2020-12, which zod emits), so
 * the documentation cannot drift from the code. A test compares it with the route files.
 */
import { z } from 'zod';
import { campaignStatuses, subscriptionStatuses } from '../../db/schema';
import { ERROR_CODES } from '../../lib/errors';
import { notificationSchema } from '../../lib/push/payload';
import { receiptSchema } from '../receipts/record';
import { storeReadSchema, storeWriteSchema } from '../store/pushbox';
import { endpointSchema, subscribeSchema } from '../subscribers/subscribe-schemas';
import { apiCampaignListSchema } from './campaigns';
import { apiSubscriberViewSchema, apiTopicViewSchema } from './manage';
import { apiSubscriberListSchema } from '../subscribers/schemas';
import { apiTopicSchema, topicPatchSchema } from '../topics/schemas';
import { projectSchema } from '../projects/schemas';
import { optinEventSchema } from '../optin/schemas';

const apiProjectViewSchema = z.object({ slug: z.string(), name: z.string(), origins: z.array(z.string()), createdAt: z.string() });
import { v1NotificationSchema } from './notifications';
import pkg from '../../package.json';

function json(schema: z.ZodType): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    fields: z.record(z.string(), z.array(z.string())).optional(),
  }),
});

export const sendResponseSchema = z.object({ campaignId: z.uuid(), status: z.enum(campaignStatuses), recipients: z.number().int() });

export const apiCampaignSchema = z.object({
  id: z.uuid(),
  status: z.string(),
  title: z.string(),
  source: z.enum(['dashboard', 'api']),
  createdAt: z.string(),
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  counts: z.object({ targeted: z.number(), sent: z.number(), failed: z.number(), expired: z.number(), skipped: z.number(), pending: z.number() }),
  receipts: z.object({ shown: z.number(), clicked: z.number(), closed: z.number() }),
});

export const subscriptionResponseSchema = z.object({ id: z.uuid(), topics: z.array(z.string()) });
export const lookupResponseSchema = z.object({
  id: z.uuid(),
  status: z.enum(subscriptionStatuses),
  topics: z.array(z.string()),
  vapidPublicKey: z.string().nullable(),
});
export const topicsResponseSchema = z.object({ topics: z.array(z.object({ slug: z.string(), name: z.string(), description: z.string() })) });
export const broadcastSchema = z.object({ topic: z.string(), message: z.string(), token: z.string() });
export const inboxResponseSchema = z.object({
  etag: z.string(),
  messages: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      body: z.string().nullable(),
      url: z.string().nullable(),
      icon: z.string().nullable(),
      image: z.string().nullable(),
      sentAt: z.string(),
    }),
  ),
});

const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema: json(schema) } } });
const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: json(schema) } } });
const common = {
  '400': err('Malformed JSON or fields'),
  '413': err('Body too large'),
  '415': err('Not application/json'),
  '429': err('Rate limited (see Retry-After)'),
};
const slugParam = { name: 'slug', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$' } };
const authErrors = {
  '401': err('Missing, unknown, expired or badly signed credentials'),
  '403': err('Wrong scope, or a topic outside the key or token limits'),
};

export function openApiDocument(serverUrl?: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pushdeck API',
      version: pkg.version,
      description:
        'Subscribe browsers to Web Push topics and send notifications. Programmatic endpoints take `Authorization: Bearer <API key or signed token>`; tokens are ES256 JWTs in notiflux format (`exp`, `topics`, `scope`).',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (pd_…) or an ES256 signed token.' },
      },
      schemas: { Error: json(errorResponseSchema) },
    },
    paths: {
      '/api/push/vapid-public-key': {
        get: {
          operationId: 'getVapidPublicKey',
          summary: 'The applicationServerKey for new subscriptions',
          responses: {
            '200': {
              description: 'The active key: JSON, or the raw 65 bytes with Accept: application/octet-stream',
              content: {
                'application/json': { schema: json(z.object({ publicKey: z.string() })) },
                'application/octet-stream': { schema: { type: 'string', contentEncoding: 'binary' } },
              },
            },
            '503': err('No key is active yet'),
          },
        },
      },
      '/api/push/subscriptions': {
        post: {
          operationId: 'subscribe',
          summary: 'Store a browser subscription with its topics',
          description:
            'The endpoint must be https on an allowed push service; p256dh a P-256 point; auth 16 bytes. An optional token with scope "subscribe" allows the private topics it lists.',
          requestBody: body(subscribeSchema),
          responses: {
            '201': ok('Created', subscriptionResponseSchema),
            '200': ok('Known endpoint: topics replaced, keys updated', subscriptionResponseSchema),
            ...common,
            ...authErrors,
            '422': err('Endpoint not allowed, bad key, unknown or private topic'),
          },
        },
        delete: {
          operationId: 'unsubscribe',
          summary: 'Remove a subscription (idempotent)',
          requestBody: body(endpointSchema),
          responses: { '204': { description: 'Gone (also when it was unknown)' }, ...common },
        },
      },
      '/api/push/subscriptions/lookup': {
        post: {
          operationId: 'lookupSubscription',
          summary: "A subscription's status and topics, by endpoint",
          requestBody: body(endpointSchema),
          responses: { '200': ok('Found', lookupResponseSchema), '404': err('Not subscribed'), ...common },
        },
      },
      '/api/push/topics': {
        get: { operationId: 'listPublicTopics', summary: 'The public topics', responses: { '200': ok('Topics', topicsResponseSchema) } },
      },
      '/api/push/optin': {
        post: {
          operationId: 'reportOptinEvent',
          summary: 'The site SDK counts a step of the opt-in funnel (prompt shown, accepted, not now, denied, unsubscribed) for today',
          requestBody: body(optinEventSchema),
          responses: {
            '204': { description: 'Counted' },
            '403': err("The Origin is not one of the project's allowed origins"),
            '404': err('No such project'),
            ...common,
          },
        },
      },
      '/api/push/receipts': {
        post: {
          operationId: 'reportReceipt',
          summary: 'A service worker reports a notification shown, clicked or closed',
          requestBody: body(receiptSchema),
          responses: {
            '204': { description: 'Recorded (repeats are ignored)' },
            '403': err('Not a valid receipt reference'),
            '404': err('No such delivery'),
            ...common,
          },
        },
      },
      '/api/v1/notifications': {
        post: {
          operationId: 'sendNotification',
          summary: 'Send (or schedule) a notification to topics',
          security: [{ bearer: [] }],
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 200 },
              description: 'A retry with the same key returns the same campaign and sends nothing again.',
            },
          ],
          requestBody: body(v1NotificationSchema),
          responses: { '202': ok('Queued or scheduled', sendResponseSchema), ...common, ...authErrors, '422': err('Unknown topic') },
        },
      },
      '/api/v1/campaigns': {
        get: {
          operationId: 'listCampaigns',
          summary: "This key's campaigns, newest first",
          security: [{ bearer: [] }],
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: json(apiCampaignListSchema.shape.limit) },
            { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': ok('A page', z.object({ campaigns: z.array(apiCampaignSchema), nextCursor: z.string().nullable() })),
            ...authErrors,
            '429': common['429'],
          },
        },
      },
      '/api/v1/campaigns/{id}': {
        get: {
          operationId: 'getCampaign',
          summary: "A campaign's status, counts and receipts",
          security: [{ bearer: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '200': ok('The campaign', apiCampaignSchema), '404': err('Not found, or not created with this key'), ...authErrors },
        },
      },
      '/api/v1/projects': {
        get: {
          operationId: 'listProjects',
          summary: 'Every project (site) of the installation',
          description: 'Scope "admin" (installation level; only owners create such keys).',
          security: [{ bearer: [] }],
          responses: { '200': ok('Projects, by slug', z.object({ projects: z.array(apiProjectViewSchema) })), ...authErrors, '429': common['429'] },
        },
        post: {
          operationId: 'createProject',
          summary: 'Create a project, with its own active VAPID key',
          description: 'Scope "admin". Origins are the sites whose pages may call its public API (scheme, host and port), or "*".',
          security: [{ bearer: [] }],
          requestBody: body(projectSchema),
          responses: { '201': ok('Created', apiProjectViewSchema), '409': err('A project with that slug exists'), ...common, ...authErrors },
        },
      },
      '/api/v1/topics': {
        get: {
          operationId: 'listTopics',
          summary: 'Every topic (private ones too), with its active subscribers',
          description: 'Scope "manage". A key limited to some topics sees only those.',
          security: [{ bearer: [] }],
          responses: { '200': ok('Topics, by name', z.object({ topics: z.array(apiTopicViewSchema) })), ...authErrors, '429': common['429'] },
        },
        post: {
          operationId: 'createTopic',
          summary: 'Create a topic',
          description: 'Scope "manage", and a key not limited to topics. Private topics (isPublic false) are not on the subscribe page.',
          security: [{ bearer: [] }],
          requestBody: body(apiTopicSchema),
          responses: { '201': ok('Created', apiTopicViewSchema), '409': err('A topic with that slug exists'), ...common, ...authErrors },
        },
      },
      '/api/v1/topics/{slug}': {
        patch: {
          operationId: 'updateTopic',
          summary: 'Change some fields of a topic (a new slug renames it)',
          description: 'Scope "manage".',
          security: [{ bearer: [] }],
          parameters: [slugParam],
          requestBody: body(topicPatchSchema),
          responses: {
            '200': ok('The topic', apiTopicViewSchema),
            '404': err('No such topic (or outside the key limits)'),
            '409': err('The new slug is taken'),
            ...common,
            ...authErrors,
          },
        },
        delete: {
          operationId: 'deleteTopic',
          summary: 'Delete a topic; its subscribers stay subscribed to their other topics',
          description: 'Scope "manage".',
          security: [{ bearer: [] }],
          parameters: [slugParam],
          responses: { '204': { description: 'Deleted' }, '404': err('No such topic (or outside the key limits)'), ...authErrors, '429': common['429'] },
        },
      },
      '/api/v1/subscribers': {
        get: {
          operationId: 'listSubscribers',
          summary: 'Subscribers, newest first, filtered and keyset-paged as in the dashboard',
          description:
            'Scope "manage", and a key not limited to topics. Endpoints and keys are never returned. Pass `nextBefore` as `before` for the next page.',
          security: [{ bearer: [] }],
          parameters: Object.entries((json(apiSubscriberListSchema) as { properties: Record<string, unknown> }).properties).map(([name, schema]) => ({
            name,
            in: 'query',
            required: false,
            schema,
          })),
          responses: {
            '200': ok('A page', z.object({ subscribers: z.array(apiSubscriberViewSchema), nextBefore: z.uuid().nullable() })),
            '400': err('Bad filter, paging or unknown parameter'),
            '422': err('Unknown topic'),
            ...authErrors,
            '429': common['429'],
          },
        },
      },
      '/api/v1/subscribers/{id}': {
        delete: {
          operationId: 'deleteSubscriber',
          summary: 'Delete a subscriber with its topics and delivery history',
          description: 'Scope "manage", and a key not limited to topics.',
          security: [{ bearer: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '204': { description: 'Deleted' }, '404': err('No such subscriber'), ...authErrors, '429': common['429'] },
        },
      },
      '/api/v1/messages/{id}': {
        get: {
          operationId: 'getStoredMessage',
          summary: 'The content of a notification delivered through the server (the service worker fetches it)',
          description: 'Authenticated by the capability token carried in the push (`k`): `Authorization: Bearer <token>` or `?token=`.',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
            { name: 'token', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': ok('The notification content', notificationSchema),
            '401': err('No token'),
            '403': err('Wrong token'),
            '404': err('Expired or unknown'),
          },
        },
      },
      '/api/v1/store/{subscriptionId}': {
        post: {
          operationId: 'storeWrite',
          summary: 'Store data for a subscription (pushbox style); only the key or token signer that wrote a record reads or deletes it',
          security: [{ bearer: [] }],
          parameters: [{ name: 'subscriptionId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          requestBody: body(storeWriteSchema),
          responses: { '201': ok('Stored', z.object({ index: z.number().int() })), '404': err('No such subscription'), ...common, ...authErrors },
        },
        get: {
          operationId: 'storeRead',
          summary: 'Read stored data after an index, oldest first',
          security: [{ bearer: [] }],
          parameters: [
            { name: 'subscriptionId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
            { name: 'index', in: 'query', required: false, schema: json(storeReadSchema.shape.index) },
            { name: 'limit', in: 'query', required: false, schema: json(storeReadSchema.shape.limit) },
          ],
          responses: {
            '200': ok(
              'A page',
              z.object({ last: z.boolean(), index: z.number().int(), messages: z.array(z.object({ index: z.number().int(), data: z.string() })) }),
            ),
            '404': err('No such subscription'),
            ...authErrors,
          },
        },
        delete: {
          operationId: 'storeDelete',
          summary: 'Delete everything this key or token signer stored for a subscription',
          security: [{ bearer: [] }],
          parameters: [{ name: 'subscriptionId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '204': { description: 'Deleted' }, '404': err('No such subscription'), ...authErrors },
        },
      },
      '/api/inbox': {
        get: {
          operationId: 'inbox',
          summary: 'Recent notifications for topics, as a long poll',
          description:
            'With If-None-Match set to the last ETag, the request is held until a newer notification for these topics exists (200) or about 25 s pass (304). For browsers without Web Push and for live pages.',
          parameters: [
            { name: 'topics', in: 'query', required: false, schema: { type: 'string' }, description: 'Comma-separated public topic slugs' },
            { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': ok('Messages, newest first (ETag header set)', inboxResponseSchema),
            '304': { description: 'Nothing newer' },
            '429': common['429'],
          },
        },
      },
      '/broadcast': {
        post: {
          operationId: 'broadcast',
          summary: 'notiflux-compatible broadcast: the token (scope "broadcast") travels in the body',
          requestBody: body(broadcastSchema),
          responses: { '202': ok('Queued', sendResponseSchema), ...common, ...authErrors, '422': err('Unknown topic') },
        },
      },
      '/api/health': {
        get: {
          operationId: 'health',
          summary: 'Readiness: database and queue',
          responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } },
        },
      },
      '/api/health/lb': { get: { operationId: 'liveness', summary: 'Liveness for load balancers', responses: { '200': { description: 'OK' } } } },
      '/api/version': { get: { operationId: 'version', summary: 'Version', responses: { '200': { description: 'Version' } } } },
      '/api/openapi.json': { get: { operationId: 'openapi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
  };
}
