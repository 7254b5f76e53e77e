/**
 * Who may call what: one entry per server action, route handler method and admin page, naming
 * the permission it needs. What each role and API key scope holds comes from the product's own
 * role table (lib/auth/roles.ts), so this file never restates which role may do what — only
 * which permission guards which door. e2e/security.spec.ts discovers every action, route and
 * page from the source and fails when one has no entry here: adding a route is a one-line change.
 */
import { API_SCOPE_FOR, can, type Permission, type Role } from '../../lib/auth/roles';

export type Rule =
  /** Anyone (capability checks such as tokens and receipt references apply alike to all). */
  | { public: true }
  /** Only a capability carried by the request (a message token): no role or key opens it. */
  | { capability: true }
  /** A signed-in dashboard user whose role holds the permission, in the project the URL names. */
  | { session: Permission }
  /** Any signed-in user, about their own account: the same in every project, member or not. */
  | { account: true }
  /** An API key (or signed token) whose scope opens the permission. */
  | { api: Permission };

const pub: Rule = { public: true };
const account: Rule = { account: true };
const session = (p: Permission): Rule => ({ session: p });
const api = (p: Permission): Rule => ({ api: p });

/** Server actions, by exported name. */
export const ACTIONS: Record<string, Rule> = {
  createOwnerAction: pub, // first-run setup; refuses atomically once an owner exists
  changeOwnPasswordAction: account,
  createApiKeyAction: session('api-keys.manage'),
  revokeApiKeyAction: session('api-keys.manage'),
  addTokenKeyAction: session('api-keys.manage'),
  revokeTokenKeyAction: session('api-keys.manage'),
  saveCampaignAction: session('campaigns.write'),
  saveAndSendCampaignAction: session('campaigns.send'),
  sendCampaignNowAction: session('campaigns.send'),
  cancelCampaignAction: session('campaigns.send'),
  unscheduleCampaignAction: session('campaigns.send'),
  pauseCampaignAction: session('campaigns.send'),
  resumeCampaignAction: session('campaigns.send'),
  duplicateCampaignAction: session('campaigns.write'),
  deleteCampaignAction: session('campaigns.write'),
  countAudienceAction: session('campaigns.read'),
  sendTestAction: session('campaigns.send'),
  findTestSubscribersAction: session('campaigns.send'),
  updateDeliverySettingsAction: session('settings.manage'),
  deleteSubscriberAction: session('subscribers.manage'),
  importSubscribersAction: session('subscribers.manage'),
  createTopicAction: session('topics.manage'),
  updateTopicAction: session('topics.manage'),
  deleteTopicAction: session('topics.manage'),
  createUserAction: session('users.manage'),
  createProjectAction: session('projects.manage'),
  updateProjectAction: session('projects.manage'),
  addMemberAction: session('users.manage'),
  removeMemberAction: session('users.manage'),
  changeUserRoleAction: session('users.manage'),
  setUserDisabledAction: session('users.manage'),
  resetUserPasswordAction: session('users.manage'),
  generateVapidKeyAction: session('vapid.manage'),
  importVapidKeyAction: session('vapid.manage'),
  activateVapidKeyAction: session('vapid.manage'),
  retireVapidKeyAction: session('vapid.manage'),
  updateVapidKeyAction: session('vapid.manage'),
  deleteVapidKeyAction: session('vapid.manage'),
};

/** Route handlers, as `METHOD /path` with the folder's [segments]. */
export const ROUTES: Record<string, Rule> = {
  'GET /admin/subscribers/export': session('subscribers.read'),
  'GET /api/admin/campaigns/[id]/progress': session('campaigns.read'),
  'GET /api/auth/[...nextauth]': pub,
  'POST /api/auth/[...nextauth]': pub,
  'GET /api/health': pub,
  'GET /api/health/lb': pub,
  'GET /api/inbox': pub,
  'OPTIONS /api/inbox': pub,
  'GET /api/openapi.json': pub,
  'POST /api/push/optin': pub,
  'OPTIONS /api/push/optin': pub,
  'POST /api/push/receipts': pub,
  'OPTIONS /api/push/receipts': pub,
  'POST /api/push/subscriptions': pub,
  'DELETE /api/push/subscriptions': pub,
  'OPTIONS /api/push/subscriptions': pub,
  'POST /api/push/subscriptions/lookup': pub,
  'OPTIONS /api/push/subscriptions/lookup': pub,
  'GET /api/push/topics': pub,
  'GET /api/push/vapid-public-key': pub,
  'OPTIONS /api/push/vapid-public-key': pub,
  'GET /api/v1/campaigns': api('campaigns.read'),
  'GET /api/v1/campaigns/[id]': api('campaigns.read'),
  'GET /api/v1/messages/[id]': { capability: true }, // the token from the push; sessions and keys open nothing
  'OPTIONS /api/v1/messages/[id]': pub,
  'POST /api/v1/notifications': api('campaigns.send'),
  'POST /api/v1/store/[subscriptionId]': api('campaigns.send'),
  'GET /api/v1/store/[subscriptionId]': api('campaigns.send'),
  'DELETE /api/v1/store/[subscriptionId]': api('campaigns.send'),
  'GET /api/v1/subscribers': api('subscribers.read'),
  'DELETE /api/v1/subscribers/[id]': api('subscribers.manage'),
  'GET /api/v1/projects': api('projects.manage'),
  'POST /api/v1/projects': api('projects.manage'),
  'GET /api/v1/topics': api('topics.read'),
  'POST /api/v1/topics': api('topics.manage'),
  'PATCH /api/v1/topics/[slug]': api('topics.manage'),
  'DELETE /api/v1/topics/[slug]': api('topics.manage'),
  'GET /api/version': pub,
  'POST /broadcast': pub, // a signed token in the body, alike for everyone
  'GET /c/[ref]': pub, // a signed receipt reference, alike for everyone
  'GET /c/[ref]/[action]': pub,
};

/** Pages, by path. */
export const PAGES: Record<string, Rule> = {
  '/': pub,
  '/login': pub,
  '/p/[slug]': pub, // a project's public page; an unknown slug is the same 404 for everyone
  '/setup': pub,
  '/admin': session('dashboard.read'),
  '/admin/account': account,
  '/admin/api': session('api-keys.manage'),
  '/admin/audit': session('audit.read'),
  '/admin/campaigns': session('campaigns.read'),
  '/admin/campaigns/[id]': session('campaigns.read'),
  '/admin/campaigns/[id]/deliveries/[subscriptionId]': session('campaigns.read'),
  '/admin/campaigns/[id]/edit': session('campaigns.write'),
  '/admin/campaigns/new': session('campaigns.write'),
  '/admin/projects': session('projects.manage'),
  '/admin/settings': session('settings.read'),
  '/admin/subscribers': session('subscribers.read'),
  '/admin/subscribers/[id]': session('subscribers.read'),
  '/admin/topics': session('topics.read'),
  '/admin/users': session('users.read'),
  '/admin/vapid': session('vapid.manage'),
};

export type Principal = { name: string } & (
  { kind: 'anonymous' } | { kind: 'user'; role: Role } | { kind: 'api-key'; scopes: ('send' | 'manage' | 'admin')[] }
);

/** Whether the role table lets `who` through `rule`. */
export function allowed(rule: Rule, who: Principal): boolean {
  if ('public' in rule) return true;
  if ('capability' in rule) return false;
  if ('account' in rule) return who.kind === 'user';
  if ('session' in rule) return who.kind === 'user' && can(who.role, rule.session);
  const scope = API_SCOPE_FOR[rule.api];
  return who.kind === 'api-key' && !!scope && who.scopes.includes(scope);
}
