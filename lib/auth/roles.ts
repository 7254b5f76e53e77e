/**
 * Roles and permissions: the single table every server action, page and route handler consults.
 * Roles are ordered (owner > admin > marketer > viewer); a permission names the least role that
 * holds it. Pure data, safe to import from client components (to hide buttons) — the server
 * still checks on every call.
 */
export const ROLES = ['owner', 'admin', 'marketer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const rank: Record<Role, number> = { viewer: 0, marketer: 1, admin: 2, owner: 3 };

export const PERMISSIONS = {
  /** The installation's projects (the sites it serves): create, rename, list all. */
  'projects.manage': 'owner',
  /** Dashboard pages that show aggregate numbers and campaigns. */
  'dashboard.read': 'viewer',
  'campaigns.read': 'viewer',
  'campaigns.write': 'marketer',
  'campaigns.send': 'marketer',
  'topics.read': 'viewer',
  'topics.manage': 'admin',
  'subscribers.read': 'marketer',
  'subscribers.manage': 'admin',
  'settings.read': 'admin',
  /** The delivery engine's tuning: one for the installation, so the owners'. */
  'settings.manage': 'owner',
  'vapid.manage': 'admin',
  'api-keys.manage': 'admin',
  'users.read': 'admin',
  'users.manage': 'admin',
  'audit.read': 'admin',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * What API keys and signed tokens may do: a permission is open to a programmatic caller only
 * through the scope listed here (`send` keys send and read their own campaigns; `manage` keys
 * administer topics and subscribers). Anything not listed is dashboard-only.
 */
export const API_SCOPE_FOR: Partial<Record<Permission, 'send' | 'manage' | 'admin'>> = {
  'campaigns.read': 'send',
  'campaigns.write': 'send',
  'campaigns.send': 'send',
  'topics.read': 'manage',
  'topics.manage': 'manage',
  'subscribers.read': 'manage',
  'subscribers.manage': 'manage',
  'projects.manage': 'admin',
};

export function roleAtLeast(role: Role, min: Role): boolean {
  return rank[role] >= rank[min];
}

export function can(role: Role | undefined | null, permission: Permission): boolean {
  return !!role && roleAtLeast(role, PERMISSIONS[permission]);
}

/** Roles `actor` may grant or manage: admins manage up to admin, only owners touch owners. */
export function manageableRoles(actor: Role): Role[] {
  if (actor === 'owner') return [...ROLES];
  if (actor === 'admin') return ['admin', 'marketer', 'viewer'];
  return [];
}

export const roleLabel: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  marketer: 'Marketer',
  viewer: 'Viewer',
};

export const roleDescription: Record<Role, string> = {
  owner: 'Everything, in every project: projects, the delivery settings, other owners.',
  admin: "Manage the project's people, keys, topics and subscribers; read its audit log.",
  marketer: 'Compose, schedule and send campaigns; browse subscribers.',
  viewer: 'Read dashboards and campaign results.',
};
