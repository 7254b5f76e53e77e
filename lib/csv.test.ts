import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads plain and quoted fields with the line each record starts on', () => {
    const text = '\ufeffendpoint,p256dh,auth,topics\r\nhttps://a,x,y,"news;deals"\r\n\r\n"https://b","x ""q""","multi\nline",\nlast,1,2,3';
    expect(parseCsv(text)).toEqual([
      { line: 1, cells: ['endpoint', 'p256dh', 'auth', 'topics'] },
      { line: 2, cells: ['https://a', 'x', 'y', 'news;deals'] },
      { line: 4, cells: ['https://b', 'x "q"', 'multi\nline', ''] },
      { line: 6, cells: ['last', '1', '2', '3'] },
    ]);
  });

  it('keeps an empty quoted field and a trailing newline makes no extra record', () => {
    expect(parseCsv('a,""\n""\n')).toEqual([
      { line: 1, cells: ['a', ''] },
      { line: 2, cells: [''] },
    ]);
    expect(parseCsv('')).toEqual([]);
  });

  it('refuses malformed quoting with the line', () => {
    expect(() => parseCsv('a,b\nc,"open')).toThrow(new CsvError('a quoted field is never closed.', 2));
    expect(() => parseCsv('a,b"c')).toThrow(/Line 1: a quote inside an unquoted field/);
    expect(() => parseCsv('"a"b')).toThrow(/Line 1: text after a closing quote/);
  });
});
