/**
 * Which rows of a long fleet to put in the DOM. A wall screen of 500–2,000 groups is read a
 * screenful at a time, and every card in the DOM costs style, layout and React work on each
 * refresh; so the panel renders the rows in view plus a margin, and spacers keep the scrollbar
 * true to the whole fleet. Plain functions: tested without a browser.
 */

/** A grid card is never narrower than this (the grid layout's column width). */
export const GRID_MIN_CARD_PX = 280;

/** Columns of the grid layout at this width: as many cards of at least GRID_MIN_CARD_PX as fit. */
export function gridColumns(widthPx: number, gapPx: number): number {
  return Math.max(1, Math.floor((widthPx + gapPx) / (GRID_MIN_CARD_PX + gapPx)));
}

/** Items cut into rows of `columns` (the list layout is one column). */
export function toRows<T>(items: T[], columns: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += columns) {
    rows.push(items.slice(i, i + columns));
  }
  return rows;
}

/** Top of every row and, last, the total height: `offsets[i]` is where row i starts. */
export function rowOffsets(rowCount: number, heightOf: (row: number) => number): Float64Array {
  const offsets = new Float64Array(rowCount + 1);
  for (let i = 0; i < rowCount; i++) {
    offsets[i + 1] = offsets[i] + heightOf(i);
  }
  return offsets;
}

export interface RowWindow {
  /** First row rendered. */
  start: number;
  /** One past the last row rendered. */
  end: number;
}

/**
 * Rows that intersect [scrollTop − overscan, scrollTop + viewport + overscan]. Binary search, so
 * a scroll over 2,000 rows costs a few comparisons.
 */
export function visibleRows(offsets: Float64Array, scrollTopPx: number, viewportPx: number, overscanPx: number): RowWindow {
  const rowCount = offsets.length - 1;
  if (rowCount <= 0) {
    return { start: 0, end: 0 };
  }
  const top = Math.max(0, scrollTopPx - overscanPx);
  const bottom = scrollTopPx + viewportPx + overscanPx;
  // First row whose bottom edge is below `top`.
  let lo = 0;
  let hi = rowCount - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1] <= top) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const start = lo;
  // First row that starts at or below `bottom` ends the window.
  lo = start;
  hi = rowCount;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid] < bottom) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return { start, end: Math.max(lo, start + 1) };
}
