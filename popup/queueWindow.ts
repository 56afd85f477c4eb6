// Which rows of a long queue are in the page: those in view plus a few either side, with the rest
// standing in as padding of their height. Pure, so it is tested without a browser.

/** A row's height before it has been measured: two lines (time over date) and its padding. */
export const ROW_ESTIMATE = 43;
/** A row whose number matched several contacts has their buttons under it. */
export const CANDIDATES_ESTIMATE = 44;
/** Rows kept in the page beyond each edge of the view, so Tab and the arrow keys find the next row. */
export const OVERSCAN = 6;
/**
 * The view assumed before the list is laid out: a popup is at most 600 px tall, and Chrome sizes it
 * from the content, so the first render must not assume the (still tiny) window it starts in.
 */
export const MIN_VIEW = 600;

export interface RowWindow {
  /** First row in the page. */
  start: number;
  /** One past the last row in the page. */
  end: number;
  /** Height of the rows above `start`, in px. */
  before: number;
  /** Height of the rows from `end` on, in px. */
  after: number;
}

/**
 * The rows that overlap the view, widened by `overscan` each side. `top` is how far the list's top
 * lies above the view's top (negative while the list starts further down the page).
 */
export function rowWindow(
  heights: readonly number[],
  top: number,
  viewHeight: number,
  overscan = OVERSCAN,
): RowWindow {
  const bottom = top + viewHeight;
  let start = heights.length;
  let end = heights.length;
  let y = 0;
  for (let i = 0; i < heights.length; i++) {
    const h = heights[i] ?? 0;
    if (start === heights.length && y + h > top) start = i;
    if (y >= bottom) {
      end = i;
      break;
    }
    y += h;
  }
  // Scrolled past the end (the list got shorter): keep the last rows in view.
  if (start === heights.length) start = Math.max(0, heights.length - 1);
  start = Math.max(0, start - overscan);
  end = Math.min(heights.length, Math.max(end, start + 1) + overscan);
  let before = 0;
  let after = 0;
  for (let i = 0; i < start; i++) before += heights[i] ?? 0;
  for (let i = end; i < heights.length; i++) after += heights[i] ?? 0;
  return { start, end, before, after };
}

export function sameWindow(a: RowWindow, b: RowWindow): boolean {
  return a.start === b.start && a.end === b.end && a.before === b.before && a.after === b.after;
}
