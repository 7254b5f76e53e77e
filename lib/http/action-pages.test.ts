import { describe, expect, it } from 'vitest';
import { actionAt, pageOfWorker, parseActionPages } from './action-pages';

const pages = parseActionPages({
  node: {
    aa: { workers: { 'app/(auth)/setup/page': {} } },
    bb: { workers: { 'app/admin/campaigns/[id]/edit/page': {}, 'app/admin/campaigns/new/page': {} } },
    cc: { workers: { 'app/page': {} } },
  },
});

describe('which page carries which server action', () => {
  it('turns workers into URL paths without route groups', () => {
    expect(pageOfWorker('app/(auth)/setup/page')).toBe('/setup');
    expect(pageOfWorker('app/page')).toBe('/');
    expect(pageOfWorker('app/admin/campaigns/[id]/page')).toBe('/admin/campaigns/[id]');
  });

  it.each([
    ['aa', '/setup', 'carried'],
    ['aa', '/setup/', 'carried'],
    ['aa', '/', 'stray'],
    ['aa', '/login', 'stray'],
    ['bb', '/admin/campaigns/0190f0f0-0000-7000-8000-000000000000/edit', 'carried'],
    ['bb', '/admin/campaigns/new', 'carried'],
    ['bb', '/admin/campaigns//edit', 'stray'],
    ['bb', '/admin/topics', 'stray'],
    ['cc', '/', 'carried'],
    ['cc', '/setup', 'stray'],
    ['zz', '/', 'unknown'],
  ] as const)('action %s at %s is %s', (id, pathname, expected) => {
    expect(actionAt(id, pathname, pages)).toBe(expected);
  });

  it('without a manifest every action is unknown (Next decides)', () => {
    expect(actionAt('aa', '/setup', null)).toBe('unknown');
  });
});
