import { GrafanaTheme2, TimeZone, dateTimeFormat } from '@grafana/data';
import { Portal } from '@grafana/ui';
import React, { useState } from 'react';

import { formatDuration } from '../model/describe';
import { PhaseSegment } from '../model/group-model';
import { axisTicks, segmentAt } from '../model/timeline';
import { PanelStyles, classes, phaseColor } from './styles';

interface Props {
  segments: PhaseSegment[];
  fromMs: number;
  toMs: number;
  styles: PanelStyles;
  theme: GrafanaTheme2;
  timeZone?: TimeZone;
  /** Ticks on the axis at most (a card's mini timeline has room for 3, the drill-down's for more). */
  maxTicks?: number;
  /** Take the card's whole width (drill-down) instead of the mini timeline's column. */
  wide?: boolean;
}

/** "recovering · 21:04:05 → 21:06:10 · 2m 5s": what the hover says about a segment. */
export function segmentText(segment: PhaseSegment, timeZone?: TimeZone): string {
  const at = (ms: number) => dateTimeFormat(ms, { timeZone, format: 'HH:mm:ss' });
  const phase = segment.phase === 'nodata' ? 'no data' : segment.phase;
  return `${phase} · ${at(segment.fromMs)} → ${at(segment.toMs)} · ${formatDuration((segment.toMs - segment.fromMs) / 1000)}`;
}

/** Above the bar, or below it near the top of the window; kept inside the window's width. */
function hoverPlacement({ x, top, bottom }: { x: number; top: number; bottom: number }): React.CSSProperties {
  const viewportWidth = typeof window === 'undefined' ? 0 : window.innerWidth;
  const left = viewportWidth > 300 ? Math.min(viewportWidth - 150, Math.max(150, x)) : x;
  return top > 40 ? { left, top: top - 6, transform: 'translate(-50%, -100%)' } : { left, top: bottom + 6, transform: 'translate(-50%, 0)' };
}

/**
 * The phases over the selected time range, with a time axis; hovering says phase, from, to and
 * duration. Stretches without data stay striped (no data ≠ healthy).
 */
export function PhaseTimeline({ segments, fromMs, toMs, styles, theme, timeZone, maxTicks = 3, wide = false }: Props) {
  // Viewport coordinates: the readout is portalled out of the panel, so no scroll box clips it.
  const [hover, setHover] = useState<{ segment: PhaseSegment; x: number; top: number; bottom: number } | undefined>();
  const span = Math.max(1, toMs - fromMs);
  const summary = segments
    .filter((s) => s.phase !== 'nodata')
    .map((s) => s.phase)
    .filter((p, i, all) => all[i - 1] !== p)
    .join(' → ');
  const onMove = (e: React.MouseEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const share = rect.width > 0 ? Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)) : 0;
    const segment = segmentAt(segments, fromMs + share * span);
    setHover(segment ? { segment, x: e.clientX, top: rect.top, bottom: rect.bottom } : undefined);
  };
  const ticks = axisTicks(fromMs, toMs, maxTicks);
  const tickFormat = span > 2 * 86400_000 ? 'MM/DD HH:mm' : 'HH:mm';
  return (
    <div className={classes(styles.timelineBox, wide && styles.timelineBoxWide)}>
      <div
        className={styles.timeline}
        data-testid="phase-timeline"
        aria-label={`Phases over the time range: ${summary || 'no data'}.`}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(undefined)}
      >
        {segments.map((s) => {
          if (s.phase === 'nodata' || s.toMs <= fromMs || s.fromMs >= toMs) {
            return null;
          }
          const left = ((Math.max(s.fromMs, fromMs) - fromMs) / span) * 100;
          const width = ((Math.min(s.toMs, toMs) - Math.max(s.fromMs, fromMs)) / span) * 100;
          return (
            <div
              key={s.fromMs}
              className={styles.timelineSegment}
              data-phase={s.phase}
              style={{ left: `${left}%`, width: `${width}%`, background: phaseColor(theme, s.phase) }}
            />
          );
        })}
      </div>
      {hover && (
        <Portal>
          <div className={styles.timelineHover} data-testid="timeline-hover" role="tooltip" style={hoverPlacement(hover)}>
            {segmentText(hover.segment, timeZone)}
          </div>
        </Portal>
      )}
      <div className={styles.timelineAxis} data-testid="timeline-axis" aria-hidden="true">
        {ticks.map((t) => (
          <span key={t} className={styles.timelineTick} style={{ left: `${((t - fromMs) / span) * 100}%` }}>
            {dateTimeFormat(t, { timeZone, format: tickFormat })}
          </span>
        ))}
      </div>
    </div>
  );
}
