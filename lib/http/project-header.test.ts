import { describe, expect, it } from 'vitest';
import { readProjectHeader, signProjectHeader } from './project-header';

describe('the project header between the proxy and the page', () => {
  it('reads back what the proxy signed', () => {
    for (const slug of ['shop', 'a-b-1', 'default']) expect(readProjectHeader(signProjectHeader(slug))).toBe(slug);
  });

  it('ignores what a client could make up: a bare slug, a wrong or moved signature, garbage', () => {
    const signed = signProjectHeader('shop');
    const sig = signed.slice(signed.lastIndexOf('.') + 1);
    for (const v of ['shop', `blog.${sig}`, `shop.${sig.slice(1)}`, `shop.${sig}x`, '.', '', '%E0%A4%A.x', null, undefined])
      expect(readProjectHeader(v), String(v)).toBeNull();
  });
});
