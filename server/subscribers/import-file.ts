/**
 * Reading an import file: its bytes as UTF-8 text (refusing UTF-16 and other encodings with what
 * to do instead), its format, and its rows as candidates (JSON array or CSV with aliased column
 * names), each with the line it came from. Judging the rows is import.ts's job.
 */
import { CsvError, parseCsv } from '../../lib/csv';
import { AppError } from '../../lib/errors';
import type { ImportFormat } from './schemas';

const TOPIC_SPLIT = /[;,|\s]+/;

export interface Candidate {
  row: number;
  subscription: unknown;
  topics: unknown;
}

export const fileError = (message: string) => new AppError('validation_failed', message, { fieldErrors: { content: [message] } });
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** UTF-16 without a byte order mark: ASCII text has a zero in every other byte. */
function looksUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 4) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  return Math.max(even, odd) >= (n / 2) * 0.6 && Math.min(even, odd) <= (n / 2) * 0.1;
}

const SAVE_AS_UTF8 = 'Save it as UTF-8 (in Excel: "CSV UTF-8"; in a text editor: Save as… with UTF-8 encoding) and import it again.';

/**
 * An uploaded file's bytes as text, or a clear error saying what the file is instead: UTF-16 or
 * UTF-32 (what Excel's "Unicode text" and some Windows tools write), binary (NUL bytes), or
 * another 8-bit encoding. The dashboard and the CLI both read files through this.
 */
export function decodeImportFile(bytes: Uint8Array): string {
  const b = bytes;
  if ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) || (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)) {
    throw fileError(`This file is UTF-32 text. ${SAVE_AS_UTF8}`);
  }
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff) || looksUtf16(b)) {
    throw fileError(`This file is UTF-16 text. ${SAVE_AS_UTF8}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    const bad = new TextDecoder('utf-8').decode(b).indexOf('\ufffd');
    throw fileError(
      `This file is not UTF-8 text (line ${lineOf(new TextDecoder('utf-8').decode(b), Math.max(0, bad))} has bytes UTF-8 does not allow; perhaps it is Latin-1 or Windows-1252). ${SAVE_AS_UTF8}`,
    );
  }
  checkImportText(text);
  return text;
}

/** Text the database cannot store: a NUL (binary data, or UTF-16 read as UTF-8) anywhere. */
export function checkImportText(content: string): void {
  const nul = content.indexOf('\u0000');
  if (nul === -1) return;
  const zeros = content.slice(0, 2048).split('\u0000').length - 1;
  if (zeros > Math.min(content.length, 2048) / 4) throw fileError(`This file looks like UTF-16 text. ${SAVE_AS_UTF8}`);
  throw fileError(`The file has a NUL byte on line ${lineOf(content, nul)}: it is binary, or not plain text. Import a JSON or CSV file saved as UTF-8.`);
}

export function detectFormat(content: string, filename: string, format?: ImportFormat): ImportFormat {
  if (format) return format;
  if (/\.json$/i.test(filename)) return 'json';
  if (/\.csv$/i.test(filename)) return 'csv';
  return /^\s*[[{]/.test(stripBom(content)) ? 'json' : 'csv';
}

export function jsonCandidates(content: string): Candidate[] {
  let data: unknown;
  try {
    data = JSON.parse(stripBom(content));
  } catch (e) {
    throw fileError(`The file is not valid JSON (${(e as Error).message}).`);
  }
  if (!Array.isArray(data)) {
    throw fileError('A JSON import is an array of PushSubscription objects: [{"endpoint": "…", "keys": {"p256dh": "…", "auth": "…"}, "topics": ["news"]}, …].');
  }
  // Entries are PushSubscription JSON; the subscribe API's own body shape ({subscription, topics}) is read too.
  return data.map((item, i) => ({
    row: i + 1,
    subscription: isRecord(item) && isRecord(item.subscription) ? item.subscription : item,
    topics: isRecord(item) ? item.topics : undefined,
  }));
}

const COLUMN_ALIASES: Record<string, 'endpoint' | 'p256dh' | 'auth' | 'topics'> = {
  endpoint: 'endpoint',
  p256dh: 'p256dh',
  'keys.p256dh': 'p256dh',
  auth: 'auth',
  'keys.auth': 'auth',
  topics: 'topics',
};

export function csvCandidates(content: string): Candidate[] {
  let records;
  try {
    records = parseCsv(content);
  } catch (e) {
    if (e instanceof CsvError) throw fileError(`The CSV cannot be read. ${e.message}`);
    throw e;
  }
  if (records.length === 0) throw fileError('The file has no rows.');
  // Columns by position (endpoint, p256dh, auth, topics), or by name when the first row is a header.
  let cols: Record<'endpoint' | 'p256dh' | 'auth' | 'topics', number> = { endpoint: 0, p256dh: 1, auth: 2, topics: 3 };
  const first = records[0]!.cells.map((c) => c.trim().toLowerCase());
  if (first.includes('endpoint')) {
    cols = { endpoint: -1, p256dh: -1, auth: -1, topics: -1 };
    first.forEach((name, i) => {
      const col = COLUMN_ALIASES[name];
      if (col && cols[col] === -1) cols[col] = i;
    });
    const missing = (['endpoint', 'p256dh', 'auth'] as const).filter((c) => cols[c] === -1);
    if (missing.length) throw fileError(`The header row needs the columns endpoint, p256dh and auth (topics is optional); it has no ${missing.join(', ')}.`);
    records = records.slice(1);
  }
  return records.map((r) => {
    const cell = (i: number) => (i >= 0 && i < r.cells.length ? r.cells[i]!.trim() : undefined);
    const topicCell = cell(cols.topics);
    return {
      row: r.line,
      subscription: { endpoint: cell(cols.endpoint), keys: { p256dh: cell(cols.p256dh), auth: cell(cols.auth) } },
      topics: topicCell ? topicCell.split(TOPIC_SPLIT).filter(Boolean) : [],
    };
  });
}
