import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../relay/http/csv.ts';

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

  it('keeps stray quotes in unquoted fields as text, as spreadsheets write them', () => {
    expect(fields('5" floppy,"quoted"tail\n')).toEqual([['5" floppy', 'quotedtail']]);
  });

  it('reports a quote that is never closed with the line it starts on', () => {
    const result = parseCsv('a,b\n1,2\n3,"unclosed\n4,5\n');
    expect(result.records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(result.errors).toEqual([{ line: 3, reason: 'a quoted field is never closed' }]);
  });
});
