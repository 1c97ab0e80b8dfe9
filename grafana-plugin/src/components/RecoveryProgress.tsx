import { GrafanaTheme2 } from '@grafana/data';
import React from 'react';

import { etaText } from '../model/describe';
import { GroupModel } from '../model/group-model';
import { effectivePhase } from '../model/sort';
import { PanelStyles, classes, phaseColor } from './styles';

interface Props {
  group: GroupModel;
  styles: PanelStyles;
  theme: GrafanaTheme2;
}

/** Progress bar with percent and ETA, or the reason there is no ETA. */
export function RecoveryProgress({ group, styles, theme }: Props) {
  const phase = effectivePhase(group);
  const known = !group.stale && phase !== 'unknown' && group.progressRatio !== undefined;
  const ratio = known ? Math.min(1, Math.max(0, group.progressRatio!)) : 0;
  const eta = etaText(group);
  const stalled = eta === 'stalled' || eta.startsWith('no ETA:');
  return (
    <div
      className={styles.progress}
      data-testid="progress"
      title="Progress: share of members converged, lagging members counted by how much of their peak lag they have caught up. ETA: time left until the expected completion the collector publishes (remaining work at the recent catch-up rate, counted from when the progress was observed), so it does not age between scrapes."
    >
      <div
        className={classes(styles.progressTrack, !known && styles.progressTrackStale)}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={known ? Math.round(ratio * 100) : undefined}
      >
        {known && <div className={styles.progressFill} style={{ width: `${ratio * 100}%`, background: phaseColor(theme, phase) }} />}
      </div>
      <span className={classes(styles.progressText, styles.percent)}>{known ? `${Math.round(ratio * 100)}%` : '—'}</span>
      <span className={classes(styles.progressText, styles.eta, stalled && styles.progressStalled)} data-testid="eta">
        {eta}
      </span>
    </div>
  );
}
