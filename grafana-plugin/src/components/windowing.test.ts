import { GRID_MIN_CARD_PX, gridColumns, rowOffsets, toRows, visibleRows } from './windowing';

describe('gridColumns', () => {
  it('fits as many cards of at least the minimum width as the panel holds, never fewer than one', () => {
    expect(gridColumns(1384, 8)).toBe(4);
    expect(gridColumns(GRID_MIN_CARD_PX * 2 + 8, 8)).toBe(2);
    expect(gridColumns(GRID_MIN_CARD_PX * 2 + 7, 8)).toBe(1);
    expect(gridColumns(120, 8)).toBe(1); // a phone-sized panel still shows its groups
  });
});

describe('toRows', () => {
  it('cuts the sorted groups into rows, the last one short', () => {
    expect(toRows([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(toRows([], 3)).toEqual([]);
  });
});

describe('visibleRows', () => {
  const offsets = rowOffsets(100, () => 40); // 100 rows of 40 px: 4,000 px

  it('starts at the top: the rows in view plus the overscan below', () => {
    expect(Array.from(offsets.slice(0, 3))).toEqual([0, 40, 80]);
    expect(offsets[100]).toBe(4000);
    expect(visibleRows(offsets, 0, 400, 200)).toEqual({ start: 0, end: 15 });
  });

  it('follows the scroll position, overscan on both sides', () => {
    // [1,000 − 200, 1,000 + 400 + 200) = [800, 1,600): rows 20..39.
    expect(visibleRows(offsets, 1000, 400, 200)).toEqual({ start: 20, end: 40 });
    // A row half in view is rendered.
    expect(visibleRows(offsets, 1010, 400, 0)).toEqual({ start: 25, end: 36 });
  });

  it('at the end (or scrolled past it, as a shrinking fleet can leave the panel) keeps the last rows', () => {
    expect(visibleRows(offsets, 3600, 400, 200)).toEqual({ start: 85, end: 100 });
    expect(visibleRows(offsets, 99_999, 400, 200)).toEqual({ start: 99, end: 100 });
  });

  it('rows of different heights', () => {
    const mixed = rowOffsets(5, (i) => (i === 1 ? 300 : 50)); // 0, 50, 350, 400, 450, 500
    expect(visibleRows(mixed, 60, 100, 0)).toEqual({ start: 1, end: 2 });
    expect(visibleRows(mixed, 340, 20, 0)).toEqual({ start: 1, end: 3 });
  });

  it('no rows, no window', () => {
    expect(
      visibleRows(
        rowOffsets(0, () => 40),
        0,
        400,
        200,
      ),
    ).toEqual({ start: 0, end: 0 });
  });
});
