/* eslint-disable react-hooks/refs -- the row heights and row elements are a measurement cache of the
   windowing, read while rendering by design: what to render is decided by the scroll state, and a
   measurement that changes a height schedules the next render itself (see the layout effect). */
import React, { ReactNode, useLayoutEffect, useMemo, useReducer, useRef } from 'react';

import { GroupModel } from '../model/group-model';
import { rowOffsets, toRows, visibleRows } from './windowing';

interface Props {
  groups: GroupModel[];
  /** Cards per row: 1 for the list layout. */
  columns: number;
  /** Scroll position of the panel and its visible height. */
  scrollTopPx: number;
  viewportPx: number;
  /** Row height (gap included) assumed until a row has been measured. */
  estimatedRowPx: number;
  /** Measured heights are kept while this stays the same (layout, density, width, shown parts). */
  measureKey: string;
  className: string;
  rowClassName: string;
  renderCard: (group: GroupModel, index: number) => ReactNode;
}

/**
 * The groups, worst first, with only the rows near the viewport in the DOM. Rows are measured
 * after they render (a chip that wraps makes a row taller) and the spacers follow, so the
 * scrollbar stays true to the whole fleet. A small fleet fits in the window and renders whole.
 */
export function GroupRows({ groups, columns, scrollTopPx, viewportPx, estimatedRowPx, measureKey, className, rowClassName, renderCard }: Props) {
  const measured = useRef(new RowHeights(measureKey));
  if (measured.current.key !== measureKey) {
    measured.current = new RowHeights(measureKey);
  }
  const heights = measured.current;
  const rowElements = useRef(new Map<string, HTMLElement>());
  const [, remeasured] = useReducer((n: number) => n + 1, 0);

  const rows = useMemo(() => toRows(groups, columns), [groups, columns]);
  // Half a screen above and below: a flick of the wheel shows cards, not blank space.
  const overscanPx = Math.max(240, viewportPx / 2);
  const windowNow = () => {
    const offsets = rowOffsets(rows.length, (i) => heights.of(rowKey(rows[i]), estimatedRowPx));
    return { offsets, ...visibleRows(offsets, scrollTopPx, viewportPx, overscanPx) };
  };
  const { offsets, start, end } = windowNow();

  // Before paint: read the real heights of the rows just rendered (one layout for all of them).
  // Rows already in the DOM show their real height whatever was assumed, and the spacers only stand
  // for rows outside the window; so render again only when the window must take in more rows.
  useLayoutEffect(() => {
    let changed = false;
    for (let i = start; i < end; i++) {
      const key = rowKey(rows[i]);
      // 0: not laid out (hidden panel, or a test DOM without layout); keep the estimate.
      changed = heights.record(key, rowElements.current.get(key)?.offsetHeight ?? 0) || changed;
    }
    if (changed) {
      const next = windowNow();
      if (next.start < start || next.end > end) {
        remeasured();
      }
    }
  });

  return (
    <div
      className={className}
      data-testid="group-list"
      data-group-count={groups.length}
      role="list"
      aria-label={`${groups.length} recovery groups, worst first`}
      style={{ paddingTop: offsets[start], paddingBottom: offsets[rows.length] - offsets[end] }}
    >
      {rows.slice(start, end).map((row, k) => {
        const key = rowKey(row);
        return (
          <div
            key={key}
            role="none"
            className={rowClassName}
            style={columns > 1 ? { gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` } : undefined}
            ref={(el) => {
              if (el) {
                rowElements.current.set(key, el);
              } else {
                rowElements.current.delete(key);
              }
            }}
          >
            {row.map((group, c) => renderCard(group, (start + k) * columns + c))}
          </div>
        );
      })}
    </div>
  );
}

/**
 * Measured row heights; a row not yet measured is assumed to be as tall as the average measured
 * one (the first estimate adapts to width, density and chips), or the caller's estimate before any.
 */
class RowHeights {
  private readonly heights = new Map<string, number>();
  private sum = 0;

  constructor(readonly key: string) {}

  of(row: string, estimatePx: number): number {
    return this.heights.get(row) ?? (this.heights.size ? this.sum / this.heights.size : estimatePx);
  }

  /** Records a measured height; true when it differs from what was known. */
  record(row: string, heightPx: number): boolean {
    const known = this.heights.get(row);
    if (heightPx <= 0 || (known !== undefined && Math.abs(known - heightPx) < 1)) {
      return false;
    }
    this.sum += heightPx - (known ?? 0);
    this.heights.set(row, heightPx);
    return true;
  }
}

/** A row is known by its first group: group names are unique, and a re-sort keeps cards mounted. */
const rowKey = (row: GroupModel[]) => row[0].group;
