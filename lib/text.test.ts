import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, textProblem } from './text';

describe('textProblem', () => {
  it('finds NUL, unpaired surrogates and deep nesting, naming where', () => {
    expect(textProblem({ title: 'a\u0000b' })).toBe('title contains a NUL character.');
    expect(textProblem({ data: { x: ['ok', 'a\ud800'] } })).toBe('data.x[1] contains an unpaired surrogate (not valid Unicode).');
    expect(textProblem({ ['\u0000']: 1 })).toMatch(/A field name in The body contains a NUL/);
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_JSON_DEPTH; i++) deep = [deep];
    expect(textProblem(deep)).toMatch(/nested more than 32 levels/);
    expect(textProblem('a\u0000', 'The name')).toBe('The name contains a NUL character.');
  });

  it('accepts any well-formed text, emoji and right-to-left marks included', () => {
    expect(textProblem({ t: 'Ünïcødé 🎉 \u202e\u200b ﷽ 𝕏' })).toBeNull();
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const serialised = JSON.stringify(v);
        const clean = !serialised.includes('\\u0000') && !/\\ud[89ab]/i.test(serialised) && !/\\ud[c-f]/i.test(serialised);
        // Anything JSON.stringify writes without escapes for NUL or lone surrogates is accepted.
        if (clean) expect(textProblem(v)).toBeNull();
      }),
    );
  });

  it('flags every string holding a NUL or a lone surrogate, wherever it sits', () => {
    const bad = fc.oneof(fc.constant('\u0000'), fc.constant('\ud800'), fc.constant('\udfff'));
    fc.assert(
      fc.property(fc.string(), bad, fc.string(), fc.array(fc.string(), { maxLength: 3 }), (a, b, c, path) => {
        let v: unknown = `${a}${b}${c}`;
        for (const k of path) v = { [k.replace(/[\u0000\ud800-\udfff]/g, '')]: v };
        expect(textProblem(v)).not.toBeNull();
      }),
    );
  });
});
