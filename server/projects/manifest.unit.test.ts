import { describe, expect, it } from 'vitest';
import { manifestPath, webAppManifest } from './manifest';

/** What Safari and Chromium require of a manifest for an installable app (the parts that can be wrong). */
function problems(m: ReturnType<typeof webAppManifest>): string[] {
  const out: string[] = [];
  const base = 'https://push.example';
  const scope = new URL(m.scope, base).href;
  if (!new URL(m.start_url, base).href.startsWith(scope)) out.push('start_url outside scope');
  if (!m.name || !m.short_name) out.push('no name');
  if ([...m.short_name].length > 12) out.push('short_name too long for the Home Screen');
  if (!m.icons.some((i) => i.sizes === '192x192' && i.type === 'image/png')) out.push('no 192 px PNG icon');
  if (m.display !== 'standalone') out.push('not standalone');
  return out;
}

describe('the public page as a Home Screen app', () => {
  it('is a valid manifest for the default project and for any other', () => {
    for (const p of [
      { slug: null, name: 'Pushdeck' },
      { slug: 'shop', name: 'The very long shop name' },
      { slug: 'a-1', name: 'Ünïcödé 🛒 store' },
    ]) {
      const m = webAppManifest(p);
      expect(problems(m), JSON.stringify(p)).toEqual([]);
      expect(m.start_url).toBe(p.slug === null ? '/' : `/p/${p.slug}`);
    }
    expect(webAppManifest({ slug: 'shop', name: 'The very long shop name' }).short_name).toBe('The very lon');
    // Twelve characters, not twelve UTF-16 units: no half emoji.
    expect([...webAppManifest({ slug: 'x', name: '🛒🛒🛒🛒🛒🛒🛒🛒🛒🛒🛒🛒🛒' }).short_name]).toHaveLength(12);
  });

  it('is linked from each page', () => {
    expect(manifestPath(null)).toBe('/manifest.webmanifest');
    expect(manifestPath('shop')).toBe('/p/shop/manifest.webmanifest');
  });
});
