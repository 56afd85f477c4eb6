// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. Spreadsheet exports
// bend the rules, so a quote inside an unquoted field or text after a closing quote is kept as
// text rather than refused; only a quote that is never closed loses what follows it.

export interface CsvRecord {
  /** 1-based line where the record starts, for messages an admin can act on. */
  line: number;
  fields: string[];
}

export interface CsvResult {
  records: CsvRecord[];
  errors: { line: number; reason: string }[];
}

export function parseCsv(input: string): CsvResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  /** True once the current field has any content or a quoted part (so `""` is a field, not nothing). */
  let started = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;

  const endField = () => {
    fields.push(field);
    field = '';
    started = false;
  };
  const endRecord = () => {
    // A blank line is not a record with one empty field.
    if (fields.length || started) {
      endField();
      records.push({ line: recordLine, fields });
    }
    fields = [];
  };

  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"' && !started) {
      // Quoted part: up to the closing quote; "" is one quote, line breaks are data.
      started = true;
      i++;
      for (;;) {
        if (i >= text.length) {
          return { records, errors: [{ line: recordLine, reason: 'a quoted field is never closed' }] };
        }
        const c = text[i] as string;
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
          field += c;
          i++;
        }
      }
    } else if (ch === ',') {
      endField();
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += ch;
      started = true;
      i++;
    }
  }
  endRecord();
  return { records, errors: [] };
}
