import { GrafanaTheme2 } from '@grafana/data';
import React from 'react';

import { PhaseSegment } from '../model/group-model';
import { PanelStyles, phaseColor } from './styles';

interface Props {
  segments: PhaseSegment[];
  fromMs: number;
  toMs: number;
  styles: PanelStyles;
  theme: GrafanaTheme2;
}

/** The phases over the selected time range; stretches without data stay striped (no data ≠ healthy). */
export function PhaseTimeline({ segments, fromMs, toMs, styles, theme }: Props) {
  const span = Math.max(1, toMs - fromMs);
  const summary = segments
    .filter((s) => s.phase !== 'nodata')
    .map((s) => s.phase)
    .filter((p, i, all) => all[i - 1] !== p)
    .join(' → ');
  return (
    <div className={styles.timeline} data-testid="phase-timeline" title={`Phases over the time range: ${summary || 'no data'}.`}>
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
  );
}
