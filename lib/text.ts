/**
 * Text that PostgreSQL cannot store and JSON consumers choke on: NUL characters (`text` and
 * `jsonb` refuse U+0000) and unpaired UTF-16 surrogates (not Unicode at all; `jsonb` refuses
 * them), plus JSON nested deeper than anything legitimate (serialising it exhausts the stack).
 * Checked at every edge that takes free text, so such input gets a clear 400 instead of a failed
 * query. Safe for the browser bundle (no Node imports).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const MAX_JSON_DEPTH = 32;

function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (not valid Unicode)';
  return null;
}

/**
 * The first problem in `value` (strings, object keys, nesting), as a sentence naming the field
 * (`data.items[2]`), or `root` for the value itself; null when the value is fine.
 */
export function textProblem(value: unknown, root = 'The body', maxDepth = MAX_JSON_DEPTH): string | null {
  const name = (path: string) => path || root;
  const walk = (v: unknown, path: string, depth: number): string | null => {
    if (typeof v === 'string') {
      const p = stringProblem(v);
      return p ? `${name(path)} ${p}.` : null;
    }
    if (v === null || typeof v !== 'object') return null;
    if (depth >= maxDepth) return `${name(path)} is nested more than ${maxDepth} levels deep.`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const p = walk(v[i], `${path}[${i}]`, depth + 1);
        if (p) return p;
      }
      return null;
    }
    for (const [k, x] of Object.entries(v)) {
      const kp = stringProblem(k);
      if (kp) return `A field name in ${name(path)} ${kp}.`;
      const p = walk(x, path ? `${path}.${k}` : k, depth + 1);
      if (p) return p;
    }
    return null;
  };
  return walk(value, '', 0);
}
