import { GrafanaTheme2 } from '@grafana/data';
import React from 'react';

import { Phase } from '../model/contract';
import { PanelStyles, classes, phaseColor } from './styles';

const EXPLAIN: Record<Phase, string> = {
  healthy: 'Every member is converged.',
  degraded: 'Some member is not converged and nothing is improving yet.',
  recovering: 'Some member is not converged and progress is being made.',
  partial: 'The leader serves and some members recovered, but others are stuck: service looks restored, redundancy is not.',
  stabilizing: 'All members converged again; held for the hold-down period before healthy, so a relapse continues the episode.',
  unknown: 'Too little fresh data to tell: absence of data is never health.',
};

// getContrastText runs colour maths; with 2,000 badges and six colours, remember the answers.
const contrastCache = new Map<string, string>();
function contrastText(theme: GrafanaTheme2, background: string): string {
  const key = `${theme.colors.mode}:${background}`;
  let text = contrastCache.get(key);
  if (text === undefined) {
    contrastCache.set(key, (text = theme.colors.getContrastText(background)));
  }
  return text;
}

interface Props {
  phase: Phase;
  /** Extra class (the list layout's fixed column). */
  className?: string;
  stale: boolean;
  styles: PanelStyles;
  theme: GrafanaTheme2;
}

/** Phase in words and colour; unknown and stale are striped grey with a dashed border, never a health colour. */
export function PhaseBadge({ phase, stale, styles, theme, className }: Props) {
  if (stale || phase === 'unknown') {
    const title = stale ? `No fresh phase sample: the last one said "${phase}", which is history, not the present.` : EXPLAIN.unknown;
    return (
      <span className={classes(styles.badge, styles.badgeUnknown, className)} data-testid="phase-badge" data-phase={stale ? 'stale' : 'unknown'} title={title}>
        {stale ? '⌛ stale' : '? unknown'}
      </span>
    );
  }
  const background = phaseColor(theme, phase);
  return (
    <span
      className={classes(styles.badge, className)}
      style={{ background, color: contrastText(theme, background) }}
      data-testid="phase-badge"
      data-phase={phase}
      title={EXPLAIN[phase]}
    >
      {phase}
    </span>
  );
}
