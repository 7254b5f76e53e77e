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

  it('tells carried, stray and unknown apart, dynamic segments included', () => {
    expect(actionAt('aa', '/setup', pages)).toBe('carried');
    expect(actionAt('aa', '/setup/', pages)).toBe('carried');
    expect(actionAt('aa', '/', pages)).toBe('stray');
    expect(actionAt('aa', '/login', pages)).toBe('stray');
    expect(actionAt('bb', '/admin/campaigns/0190f0f0-0000-7000-8000-000000000000/edit', pages)).toBe('carried');
    expect(actionAt('bb', '/admin/campaigns/new', pages)).toBe('carried');
    expect(actionAt('bb', '/admin/campaigns//edit', pages)).toBe('stray');
    expect(actionAt('bb', '/admin/topics', pages)).toBe('stray');
    expect(actionAt('cc', '/', pages)).toBe('carried');
    expect(actionAt('cc', '/setup', pages)).toBe('stray');
    expect(actionAt('zz', '/', pages)).toBe('unknown');
    expect(actionAt('aa', '/setup', null)).toBe('unknown');
  });
});
