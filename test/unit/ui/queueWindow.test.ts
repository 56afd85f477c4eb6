import { describe, expect, it } from 'vitest';
import { rowWindow, sameWindow } from '../../../popup/queueWindow.ts';

const rows = (n: number, h = 40) => Array.from({ length: n }, () => h);

describe('rowWindow', () => {
  it('keeps the rows in view plus the overscan in the page, the rest as spacer height', () => {
    // 500 rows of 40 px; the view shows 400 px starting 1000 px into the list: rows 25–34.
    const win = rowWindow(rows(500), 1000, 400, 2);
    expect(win, 'rows 23–36 (two either side)').toMatchObject({ start: 23, end: 37 });
    expect(win.before, 'the 23 rows above stand in as their height').toBe(23 * 40);
    expect(win.after, 'as do the rows below').toBe((500 - 37) * 40);
    expect(win.before + win.after + (win.end - win.start) * 40, 'the list keeps its full height').toBe(
      500 * 40,
    );
  });

  it('starts at the first row while the list begins further down the page', () => {
    expect(rowWindow(rows(500), -120, 600, 3), 'rows cover 480 px of the view: 12 rows + 3').toMatchObject({
      start: 0,
      end: 15,
      before: 0,
    });
  });

  it('uses each row’s own height, so a tall row with candidates shifts the rest', () => {
    const heights = rows(10);
    heights[0] = 120;
    // Row 0 covers 0–120, row 1 120–160, row 2 160–200: a view from 130 to 190 shows rows 1 and 2.
    expect(rowWindow(heights, 130, 60, 0)).toMatchObject({ start: 1, end: 3, before: 120, after: 7 * 40 });
  });

  it('keeps the last rows when scrolled past the end of a list that got shorter', () => {
    expect(rowWindow(rows(5), 10_000, 400, 2)).toMatchObject({ start: 2, end: 5, after: 0 });
  });

  it('is empty for an empty list', () => {
    expect(rowWindow([], 0, 600)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });

  it('tells when a scroll changes nothing that is rendered', () => {
    const a = rowWindow(rows(500), 1010, 400, 2);
    expect(sameWindow(a, rowWindow(rows(500), 1020, 400, 2)), 'a 10 px scroll within a row').toBe(true);
    expect(sameWindow(a, rowWindow(rows(500), 1050, 400, 2)), 'a row further').toBe(false);
  });
});
