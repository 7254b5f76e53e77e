/**
 * PostgreSQL array literals (`{a,NULL,"b c"}`) for parameters: sent as text and cast in SQL
 * (`${pgArrayLiteral(ids)}::uuid[]`), so they bind the same way on postgres.js and PGlite, and
 * a column of a thousand values travels as one compact parameter.
 */
export function pgArrayLiteral(values: readonly (string | number | boolean | null | undefined)[], quote = false): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (quote) out += `"${String(v).replace(/[\\"]/g, '\\$&')}"`;
    else out += String(v);
  }
  return `${out}}`;
}

/**
 * A text[] / uuid[] value as read back: an array on postgres.js and PGlite, or `{a,"b"}` text on
 * some raw-SQL paths. For values without commas (ids, slugs).
 */
export function pgArrayValues(v: readonly string[] | string | null | undefined): string[] {
  if (!v) return [];
  if (Array.isArray(v)) return [...v];
  return (v as string)
    .replace(/^{|}$/g, '')
    .split(',')
    .filter(Boolean)
    .map((s) => s.replace(/^"|"$/g, ''));
}
