import type { Permission } from '@/lib/auth/roles';

export type IconName = 'home' | 'megaphone' | 'users' | 'people' | 'tag' | 'key' | 'code' | 'settings' | 'list' | 'user';

export interface NavItem {
  href: string;
  label: string;
  permission: Permission | null;
  icon: IconName;
}

/** The admin areas that exist. An area appears here only once it is built. */
export const NAV: { section: string; items: NavItem[] }[] = [
  {
    section: 'Messaging',
    items: [
      { href: '/admin', label: 'Overview', permission: 'dashboard.read', icon: 'home' },
      { href: '/admin/campaigns', label: 'Campaigns', permission: 'campaigns.read', icon: 'megaphone' },
    ],
  },
  {
    section: 'Audience',
    items: [
      { href: '/admin/subscribers', label: 'Subscribers', permission: 'subscribers.read', icon: 'users' },
      { href: '/admin/topics', label: 'Topics', permission: 'topics.read', icon: 'tag' },
    ],
  },
  {
    section: 'Administration',
    items: [
      { href: '/admin/settings', label: 'Settings', permission: 'settings.read', icon: 'settings' },
      { href: '/admin/vapid', label: 'VAPID keys', permission: 'vapid.manage', icon: 'key' },
      { href: '/admin/api', label: 'API', permission: 'api-keys.manage', icon: 'code' },
      { href: '/admin/users', label: 'Users', permission: 'users.read', icon: 'people' },
      { href: '/admin/projects', label: 'Projects', permission: 'projects.manage', icon: 'home' },
      { href: '/admin/audit', label: 'Audit log', permission: 'audit.read', icon: 'list' },
    ],
  },
  {
    section: 'You',
    items: [{ href: '/admin/account', label: 'Your account', permission: null, icon: 'user' }],
  },
];
