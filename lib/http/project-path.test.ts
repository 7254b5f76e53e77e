import { describe, expect, it } from 'vitest';
import { adminPath, sectionOf, splitAdminPath } from './project-path';

describe('dashboard URLs carry the project', () => {
  it('leaves the default project unprefixed and prefixes every other one', () => {
    expect(adminPath('default', '/campaigns')).toBe('/admin/campaigns');
    expect(adminPath('default')).toBe('/admin');
    expect(adminPath('shop', '/campaigns/1')).toBe('/admin/p/shop/campaigns/1');
    expect(adminPath('shop', '/')).toBe('/admin/p/shop');
  });

  it('splits a prefixed path into the project and the page, and names no project otherwise', () => {
    expect(splitAdminPath('/admin/p/shop/campaigns/1')).toEqual({ slug: 'shop', inner: '/admin/campaigns/1' });
    expect(splitAdminPath('/admin/p/shop')).toEqual({ slug: 'shop', inner: '/admin' });
    expect(splitAdminPath('/admin/campaigns')).toEqual({ slug: null, inner: '/admin/campaigns' });
    expect(splitAdminPath('/admin/p/%E0%A4%A')).toEqual({ slug: '%E0%A4%A', inner: '/admin' });
    for (const slug of ['shop', 'a-b-1']) expect(splitAdminPath(adminPath(slug, '/topics'))).toEqual({ slug, inner: '/admin/topics' });
  });
});

it('a project switch keeps the section, never an id of the other project', () => {
  expect(sectionOf('/admin/p/shop/campaigns/0190-x/edit')).toBe('/campaigns');
  expect(sectionOf('/admin/subscribers')).toBe('/subscribers');
  expect(sectionOf('/admin')).toBe('');
  expect(sectionOf('/admin/p/shop')).toBe('');
});
