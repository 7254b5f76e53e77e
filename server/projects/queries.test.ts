/**
 * Finding the project a public page names (`/p/<slug>`): its ref and name, and nothing for an
 * unknown or malformed slug (never another project in its place).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import { DEFAULT_PROJECT } from '../context';
import { createProject } from './mutations';
import { publicProjectBySlug } from './queries';

let tdb: TestDatabase;
let shopId = '';

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  shopId = (await createProject(ctxFor(tdb), { slug: 'shop', name: 'The Shop', origins: [] })).id;
}, 60_000);

afterAll(async () => tdb?.dispose());

describe('publicProjectBySlug', () => {
  it('finds a project by slug, with its name', async () => {
    expect(await publicProjectBySlug(tdb.db, 'shop')).toEqual({ ref: { id: shopId, slug: 'shop' }, name: 'The Shop' });
  });

  it('finds the default project by its slug (the page sends it to /)', async () => {
    expect((await publicProjectBySlug(tdb.db, DEFAULT_PROJECT.slug))?.ref).toEqual(DEFAULT_PROJECT);
  });

  it('reads a slug the way the rest of the app does (trimmed, lower case)', async () => {
    expect((await publicProjectBySlug(tdb.db, 'Shop'))?.ref.slug).toBe('shop');
  });

  it('finds nothing for an unknown or malformed slug', async () => {
    for (const slug of ['nope', 'shop2', '', '-shop', 'sh_op', 'shop/../default', '%64efault', 'x'.repeat(65), "shop' OR 1=1"]) {
      expect(await publicProjectBySlug(tdb.db, slug), slug).toBeNull();
    }
  });
});
