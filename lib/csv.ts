/**
 * Reading CSV (RFC 4180, as spreadsheets and `COPY … CSV` write it): comma-separated, fields
 * optionally double-quoted with `""` for a quote, CRLF or LF line ends, line breaks allowed inside
 * quotes. A leading byte-order mark is dropped. Each record carries the line it starts on, so a
 * report can point at the line a person sees in their editor. Blank lines are skipped.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  cells: string[];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`Line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  /** The current cell began with a quote (and so may only continue with a quote after it closes). */
  let wasQuoted = false;

  const endRecord = () => {
    cells.push(cell);
    // A blank line is one empty, unquoted cell: not a record.
    if (!(cells.length === 1 && cells[0] === '' && !wasQuoted)) records.push({ line: start, cells });
    cells = [];
    cell = '';
    wasQuoted = false;
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"') {
      if (cell !== '' || wasQuoted) throw new CsvError('a quote inside an unquoted field (quote the whole field and double the quote).', line);
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      wasQuoted = false;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      if (wasQuoted) throw new CsvError('text after a closing quote.', line);
      cell += c;
    }
  }
  if (quoted) throw new CsvError('a quoted field is never closed.', start);
  if (cell !== '' || cells.length > 0 || wasQuoted) endRecord();
  return records;
}
