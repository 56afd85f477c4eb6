// CSV through csv-parse and csv-stringify (RFC 4180, UTF-8 with or without BOM, relaxed quotes for
// what spreadsheets write). Two small pieces stay here by hand because neither library does them:
// - the line a record *starts* on, for messages an admin can act on: csv-parse reports where a
//   record ends and counts a CRLF inside a quoted field as two lines, so the count comes from each
//   record's raw text;
// - the export's formula escaping (cells starting with = + - @ TAB CR get a leading `'` so a
//   spreadsheet shows them as text instead of running them) and its undoing on import.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export interface CsvRecord {
  /** 1-based line where the record starts, for messages an admin can act on. */
  line: number;
  fields: string[];
}

export interface CsvResult {
  records: CsvRecord[];
  errors: { line: number; reason: string }[];
}

const LINE_BREAKS = /\r\n|\r|\n/g;
const countBreaks = (text: string) => text.match(LINE_BREAKS)?.length ?? 0;
const leadingBreaks = (text: string) => countBreaks(/^[\r\n]*/.exec(text)?.[0] ?? '');

const REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
};

/**
 * Every record with the line it starts on. A record the parser cannot read ends the file there
 * (an unclosed quote swallows the rest anyway): the records before it and the error are returned.
 */
export function parseCsv(input: string): CsvResult {
  const records: CsvRecord[] = [];
  const errors: CsvResult['errors'] = [];
  let line = 1;
  parse(input, {
    bom: true,
    // Spreadsheets write a quote inside an unquoted field (`5" floppy`) and drop trailing cells.
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    raw: true,
    skip_records_with_error: true,
    on_record: (record, context) => {
      if (errors.length) return null;
      // With `raw`, csv-parse passes `{record, raw}` here although its types say string[].
      const fields = (record as unknown as { record: string[] }).record;
      // The raw text holds the blank lines skipped before the record and its own line break.
      const raw = context.raw ?? '';
      const start = line + leadingBreaks(raw);
      line += countBreaks(raw);
      records.push({ line: start, fields });
      return null;
    },
    on_skip: (error, raw) => {
      if (!error || errors.length) return undefined;
      errors.push({ line: line + leadingBreaks(raw ?? ''), reason: REASONS[error.code] ?? error.message });
      return undefined;
    },
  });
  return { records, errors };
}

/** What a spreadsheet runs as a formula: = + - @ and TAB or CR, after any `'` we added. */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/**
 * A cell a spreadsheet would run gets one more leading `'`, which it shows as text. Cells that
 * only look escaped (`'=x`) get one too, so `unescapeFormula` gives every cell back exactly.
 */
export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Undoes `escapeFormula`: one leading `'` before = + - @ TAB or CR goes. */
export function unescapeFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}

/**
 * Rows as CSV with CRLF line ends, every cell formula-escaped. Besides what csv-stringify quotes
 * (separator, quote, CRLF), a lone CR or LF and padded cells are quoted so they come back as written.
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => row.map(escapeFormula)),
    { record_delimiter: 'windows', quoted_match: /^\s|\s$|[\r\n]/ },
  );
}
