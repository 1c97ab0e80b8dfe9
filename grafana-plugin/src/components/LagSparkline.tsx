import React from 'react';

import { LagPoint } from '../model/group-model';
import { PanelStyles } from './styles';

interface Props {
  points: LagPoint[];
  fromMs: number;
  toMs: number;
  styles: PanelStyles;
  width?: number;
  height?: number;
  /** Keep the space when there is nothing to draw (list layout: columns stay aligned). */
  keepSpace?: boolean;
}

const MAX_POINTS = 60;

/** Largest member lag over the time range, as one SVG path (cheap enough for 2,000 rows). */
export function LagSparkline({ points, fromMs, toMs, styles, width = 90, height = 22, keepSpace = false }: Props) {
  if (points.length < 2) {
    return keepSpace ? <span className={styles.sparkline} style={{ width }} /> : null;
  }
  const stride = Math.ceil(points.length / MAX_POINTS);
  const shown = points.filter((_, i) => i % stride === 0 || i === points.length - 1);
  const peak = Math.max(...shown.map((p) => p.lagSeconds), 1);
  // Span the data, not the whole range: a young history still draws a readable line.
  const start = Math.max(fromMs, points[0].timeMs);
  const span = Math.max(1, toMs - start);
  const d = shown
    .map((p, i) => {
      const x = ((p.timeMs - start) / span) * width;
      const y = height - 1 - (p.lagSeconds / peak) * (height - 2);
      // Whole pixels: cheaper strings for 2,000 rows, and no visible difference at this size.
      return `${i ? 'L' : 'M'}${Math.round(x)},${Math.round(y)}`;
    })
    .join('');
  const now = points[points.length - 1].lagSeconds;
  return (
    <svg
      className={styles.sparkline}
      width={width}
      height={height}
      data-testid="lag-sparkline"
      role="img"
      aria-label={`largest member lag, now ${now} s, peak ${peak} s`}
    >
      <title>{`Largest replication lag of any member over the time range: now ${now} s, peak ${peak} s.`}</title>
      <path d={d} fill="none" stroke="currentColor" strokeWidth={1.5} />
    </svg>
  );
}
