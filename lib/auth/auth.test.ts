import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from './callback';
import { hashPassword, verifyPassword } from './password';
import { can, manageableRoles, PERMISSIONS, roleAtLeast } from './roles';

describe('password hashing', () => {
  it('verifies the right password and rejects others', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(h).toMatch(/^scrypt\$\d+\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', h)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });
  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });
  it('verifies hashes made with other parameters (upgradable cost)', async () => {
    const h = await hashPassword('pw-1234567890', { logN: 10, r: 8, p: 1 });
    expect(await verifyPassword('pw-1234567890', h)).toBe(true);
  });
  it('rejects malformed stored values instead of throwing', async () => {
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
  });
});

describe('callbackUrl', () => {
  it.each([
    ['/admin/users?x=1', '/admin/users?x=1'],
    ['/admin#frag', '/admin#frag'],
    ['https://evil.example/admin', '/admin'],
    ['//evil.example/admin', '/admin'],
    ['/\\evil.example', '/admin'],
    ['javascript:alert(1)', '/admin'],
    ['admin', '/admin'],
    ['/admin\n/x', '/admin'],
    ['', '/admin'],
    [undefined, '/admin'],
    [42, '/admin'],
  ])('%j → %j', (input, out) => {
    expect(safeCallbackPath(input)).toBe(out);
  });
  it('keeps only the path of an absolute URL to ourselves', () => {
    expect(safeCallbackPath('http://127.0.0.1:3000/admin/audit?a=b', '/admin', 'http://127.0.0.1:3000')).toBe('/admin/audit?a=b');
    expect(safeCallbackPath('http://127.0.0.1:3001/admin', '/admin', 'http://127.0.0.1:3000')).toBe('/admin');
  });
});

describe('roles', () => {
  it('orders roles', () => {
    expect(roleAtLeast('owner', 'admin')).toBe(true);
    expect(roleAtLeast('viewer', 'marketer')).toBe(false);
  });
  it('gives viewers read access only', () => {
    const viewerCan = (Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]).filter((p) => can('viewer', p));
    expect(viewerCan.every((p) => p.endsWith('.read'))).toBe(true);
    expect(can(undefined, 'dashboard.read')).toBe(false);
  });
  it('lets admins manage up to admin and owners everything', () => {
    expect(manageableRoles('admin')).not.toContain('owner');
    expect(manageableRoles('owner')).toContain('owner');
    expect(manageableRoles('marketer')).toEqual([]);
  });
});
