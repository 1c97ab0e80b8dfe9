import { GrafanaTheme2 } from '@grafana/data';
import React, { memo } from 'react';

import { budgetLevel, elapsedText } from '../model/describe';
import { GroupModel } from '../model/group-model';
import { effectivePhase } from '../model/sort';
import { RecoveryPanelOptions } from '../types';
import { LagSparkline } from './LagSparkline';
import { PhaseBadge } from './PhaseBadge';
import { PhaseTimeline } from './PhaseTimeline';
import { RecoveryProgress } from './RecoveryProgress';
import { SignalChips } from './SignalChips';
import { PanelStyles, classes } from './styles';

interface Props {
  group: GroupModel;
  /** 1-based place in the sorted fleet, and the fleet's size (for screen readers: only a window is in the DOM). */
  position: number;
  of: number;
  options: RecoveryPanelOptions;
  styles: PanelStyles;
  theme: GrafanaTheme2;
  fromMs: number;
  toMs: number;
  /** List layout on a panel wide enough: fixed columns so rows line up. */
  alignColumns: boolean;
  /** Resolved group-detail link, or undefined for none. */
  href?: string;
}

/** One recovery group: phase, budget, progress, lag, timeline, hidden dangers. */
export const GroupCard = memo(function GroupCard({ group, position, of, options, styles, theme, fromMs, toMs, alignColumns, href }: Props) {
  const compact = options.density === 'compact';
  const list = alignColumns;
  const elapsed = elapsedText(group);
  const level = budgetLevel(group.elapsedSeconds, group.rtoSeconds);
  const phase = effectivePhase(group);
  return (
    <div
      className={classes(styles.card, compact && styles.cardCompact, phase === 'unknown' && styles.cardUnknown)}
      data-testid="group-card"
      role="listitem"
      aria-posinset={position}
      aria-setsize={of}
      data-group={group.group}
      data-phase={group.stale ? 'stale' : group.phase}
    >
      <div className={styles.row}>
        <PhaseBadge phase={group.phase} stale={group.stale} styles={styles} theme={theme} className={list ? styles.badgeColumn : undefined} />
        <span className={classes(styles.name, list && styles.nameColumn)} data-testid="group-name" title={group.group}>
          {href ? (
            <a className={styles.link} href={href}>
              {group.group}
            </a>
          ) : (
            group.group
          )}
        </span>
        {elapsed ? (
          <span
            className={classes(styles.elapsed, list && styles.elapsedColumn, level === 'warning' && styles.elapsedWarning, level === 'critical' && styles.elapsedCritical)}
            data-testid="elapsed"
            data-budget={level}
            title="Time since this recovery episode started, against the group's recovery-time objective (RTO)."
          >
            {elapsed}
          </span>
        ) : (
          list && <span className={styles.elapsedColumn} />
        )}
        <RecoveryProgress group={group} styles={styles} theme={theme} />
        {options.showLagSparkline && <LagSparkline points={group.lagHistory} fromMs={fromMs} toMs={toMs} styles={styles} keepSpace={list} />}
        {options.showPhaseTimeline && !compact && <PhaseTimeline segments={group.phaseHistory} fromMs={fromMs} toMs={toMs} styles={styles} theme={theme} />}
      </div>
      <SignalChips group={group} options={options} styles={styles} />
    </div>
  );
});
