import { GrafanaTheme2, TimeZone } from '@grafana/data';
import React, { memo } from 'react';

import { budgetLevel, elapsedText } from '../model/describe';
import { topFinding } from '../model/findings';
import { GroupModel } from '../model/group-model';
import { effectivePhase } from '../model/sort';
import { RecoveryPanelOptions } from '../types';
import { LagSparkline } from './LagSparkline';
import { MemberDrilldown } from './MemberDrilldown';
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
  timeZone?: TimeZone;
  /** The member drill-down is open. */
  expanded: boolean;
  onToggle: (group: string) => void;
}

/** A click on the card opens its members, unless it was on a link or a control inside it. */
function isCardClick(e: React.MouseEvent): boolean {
  const target = e.target as HTMLElement;
  return !target.closest('a, button, input, select, textarea') && !window.getSelection()?.toString();
}

/** One recovery group: phase, budget, progress, lag, timeline, hidden dangers. */
export const GroupCard = memo(function GroupCard({
  group,
  position,
  of,
  options,
  styles,
  theme,
  fromMs,
  toMs,
  alignColumns,
  href,
  timeZone,
  expanded,
  onToggle,
}: Props) {
  const compact = options.density === 'compact';
  const list = alignColumns;
  const elapsed = elapsedText(group);
  const level = budgetLevel(group.elapsedSeconds, group.rtoSeconds);
  const phase = effectivePhase(group);
  const finding = topFinding(group);
  const drilldownId = `rebound-members-${position}`;
  return (
    <div
      className={classes(
        styles.card,
        styles.cardClickable,
        compact && styles.cardCompact,
        phase === 'unknown' && styles.cardUnknown,
        expanded && styles.cardExpanded,
        expanded && options.layout === 'grid' && styles.cardSpanRow,
      )}
      data-testid="group-card"
      role="listitem"
      aria-posinset={position}
      aria-setsize={of}
      data-group={group.group}
      data-phase={group.stale ? 'stale' : group.phase}
      data-planned={group.planned ? 'true' : undefined}
      onClick={(e) => isCardClick(e) && onToggle(group.group)}
    >
      <div className={styles.row}>
        <PhaseBadge phase={group.phase} stale={group.stale} styles={styles} theme={theme} className={list ? styles.badgeColumn : undefined} />
        {group.planned && (
          <span
            className={styles.planned}
            data-testid="planned-badge"
            title="This episode started inside a maintenance window: it is recorded and shown, kept out of the recovery SLO, and its RTO alert is a warning, not a page."
          >
            planned
          </span>
        )}
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
            className={classes(
              styles.elapsed,
              list && styles.elapsedColumn,
              level === 'warning' && styles.elapsedWarning,
              level === 'critical' && styles.elapsedCritical,
            )}
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
        {options.showPhaseTimeline && !compact && (
          <PhaseTimeline segments={group.phaseHistory} fromMs={fromMs} toMs={toMs} styles={styles} theme={theme} timeZone={timeZone} />
        )}
        <button
          type="button"
          className={styles.toggle}
          data-testid="drilldown-toggle"
          aria-expanded={expanded}
          aria-controls={expanded ? drilldownId : undefined}
          aria-label={`${expanded ? 'Hide' : 'Show'} the members of ${group.group}`}
          onClick={() => onToggle(group.group)}
        >
          {expanded ? 'members ▴' : 'members ▾'}
        </button>
      </div>
      {finding && (
        <div className={styles.finding} data-testid="top-finding" data-cause={finding.cause} title={`${finding.summary} — ${finding.action}`}>
          ▸ {finding.summary} — <span className={styles.findingAction}>{finding.action}</span>
        </div>
      )}
      <SignalChips group={group} options={options} styles={styles} />
      {expanded && (
        <MemberDrilldown group={group} styles={styles} theme={theme} fromMs={fromMs} toMs={toMs} timeZone={timeZone} detailHref={href} id={drilldownId} />
      )}
    </div>
  );
});
