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
