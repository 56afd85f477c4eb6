import { describe, expect, it } from 'vitest';
import { escapeFormula, parseCsv, toCsv, unescapeFormula } from '../../../relay/http/csv.ts';

const fields = (text: string) => parseCsv(text).records.map((r) => r.fields);

describe('CSV parser (RFC 4180)', () => {
  it('splits plain rows with LF or CRLF line ends', () => {
    expect(fields('a,b,c\n1,2,3\r\n4,5,6')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(fields('"Öztürk, Kemal","Ege ""Mavi"" Turizm","line 1\nline 2"\n')).toEqual([
      ['Öztürk, Kemal', 'Ege "Mavi" Turizm', 'line 1\nline 2'],
    ]);
  });

  it('counts lines inside quoted fields when numbering later records', () => {
    const { records } = parseCsv('h1,h2\n"multi\r\nline",x\nnext,y\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('drops a UTF-8 BOM and skips blank lines, but keeps empty fields', () => {
    expect(fields('\uFEFFid,name\n\n1,\n,""\n\n')).toEqual([
      ['id', 'name'],
      ['1', ''],
      ['', ''],
    ]);
  });

  it('keeps stray quotes as text, as spreadsheets write them', () => {
    expect(fields('5" floppy,"quoted"tail,x\n')).toEqual([['5" floppy', '"quoted"tail', 'x']]);
  });

  it('reads old Mac line ends (CR) and a CRLF inside a quoted field as one line', () => {
    const { records } = parseCsv('h\r"a\r\nb"\r\rc\r');
    expect(records).toEqual([
      { line: 1, fields: ['h'] },
      { line: 2, fields: ['a\r\nb'] },
      { line: 5, fields: ['c'] },
    ]);
  });

  it('reports a quote that is never closed with the line it starts on', () => {
    const result = parseCsv('a,b\n1,2\n3,"unclosed\n4,5\n');
    expect(result.records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(result.errors).toEqual([{ line: 3, reason: 'a quoted field is never closed' }]);
  });

  it('names the line of an unclosed quote after blank lines and a multi-line record', () => {
    const result = parseCsv('a,b\n"1\n2",x\n\n\n3,"unclosed\n');
    expect(result.records.map((r) => r.line)).toEqual([1, 2]);
    expect(result.errors).toEqual([{ line: 6, reason: 'a quoted field is never closed' }]);
  });
});

describe('CSV export', () => {
  it('prefixes cells a spreadsheet would run (= + - @ TAB CR) with a quote mark', () => {
    const dangerous = ['=1+1', '+90 532 318 44 71', '-2', '@SUM(A1)', '\tx', '\rx'];
    for (const cell of dangerous) expect(escapeFormula(cell), JSON.stringify(cell)).toBe(`'${cell}`);
    for (const cell of ['Ayşe', '0532', "it's", ' =padded', '']) expect(escapeFormula(cell)).toBe(cell);
    expect(toCsv([['=HYPERLINK("http://x")', '+90 212', 'plain']])).toBe(
      `"'=HYPERLINK(""http://x"")",'+90 212,plain\r\n`,
    );
  });

  it('gives every cell back on import, also ones that only look escaped', () => {
    const cells = ['=1', "'=1", "''+2", '+90 532', "'plain", "it's", '\tTAB', '\rCR', '@x', '-', "'"];
    const [row] = parseCsv(toCsv([cells])).records;
    expect(row?.fields.map(unescapeFormula)).toEqual(cells);
  });

  it('quotes cells with separators, quotes, line breaks or padding, and ends lines with CRLF', () => {
    expect(toCsv([['a,b', 'say "hi"', 'x\ny', ' pad'], ['z']])).toBe(
      '"a,b","say ""hi""","x\ny"," pad"\r\nz\r\n',
    );
  });
});
