import { GrafanaTheme2, TimeZone, dateTimeFormat } from '@grafana/data';
import React from 'react';

import { dimensionWord, formatDuration, sharedDomainText } from '../model/describe';
import { METRICS } from '../model/contract';
import { describeFindings, formatBytes, memberReason } from '../model/findings';
import { GroupModel, MemberModel } from '../model/group-model';
import { mayHaveMoreDifferences, permissionDifferenceText } from '../model/member-details';
import { currentPhaseSoFar, timeInPhase } from '../model/timeline';
import { LagSparkline } from './LagSparkline';
import { PhaseTimeline } from './PhaseTimeline';
import { PanelStyles, classes, phaseColor } from './styles';

interface Props {
  group: GroupModel;
  styles: PanelStyles;
  theme: GrafanaTheme2;
  fromMs: number;
  toMs: number;
  timeZone?: TimeZone;
  /** The group detail dashboard, with the group, time range and data source kept; undefined: no link. */
  detailHref?: string;
  id: string;
}

const STATUS_CLASS: Record<MemberModel['status'], keyof PanelStyles | undefined> = {
  converged: undefined,
  lagging: 'statusWarn',
  diverged: 'statusBad',
  unreachable: 'statusBad',
  unknown: 'statusUnknown',
};

/**
 * A group opened: every finding with what to do; each member's role, state, failure-domain values
 * and what differs in its permissions; time in each phase; the detail link.
 */
export function MemberDrilldown({ group, styles, theme, fromMs, toMs, timeZone, detailHref, id }: Props) {
  const findings = describeFindings(group);
  const phases = timeInPhase(group.phaseHistory, fromMs, toMs);
  const now = currentPhaseSoFar(group.phaseHistory);
  const lags = group.memberLagHistory;
  const permissionsKnown = group.permissionsObserved !== false;
  return (
    <div className={styles.drilldown} id={id} data-testid="member-drilldown" onClick={(e) => e.stopPropagation()}>
      <div className={styles.drilldownHeading}>{group.stale ? 'Findings (last known: the data is stale)' : 'Findings'}</div>
      {findings.length ? (
        <ol className={styles.findingList} data-testid="finding-list">
          {findings.map((f) => (
            <li key={f.cause} data-testid="finding" data-cause={f.cause}>
              <span className={styles.causeTag}>{f.cause}</span>
              {f.summary} — <span className={styles.findingAction}>{f.action}</span>
            </li>
          ))}
        </ol>
      ) : (
        <div className={styles.findingAction} data-testid="finding-list-empty">
          No finding in the queried series ({METRICS.finding}): nothing diagnosed, or the queries do not read it.
        </div>
      )}

      <div className={styles.drilldownHeading}>Members</div>
      <div className={styles.tableScroll}>
        <table className={styles.memberTable} data-testid="member-table">
          <thead>
            <tr>
              <th>member</th>
              <th>status</th>
              <th>reason</th>
              <th>lag</th>
              <th>lag bytes</th>
              <th>lag over the range</th>
              <th>observed</th>
              <th>permissions</th>
              <th>failure domains</th>
            </tr>
          </thead>
          <tbody>
            {group.members.map((m) => {
              const statusClass = STATUS_CLASS[m.status];
              return (
                <tr key={m.member} data-testid="member-row" data-member={m.member} data-status={m.status}>
                  <td>
                    {m.member}
                    {m.role && (
                      <span className={styles.memberRole} data-testid="member-role">
                        {m.role}
                      </span>
                    )}
                  </td>
                  <td className={statusClass ? styles[statusClass] : undefined}>{m.status}</td>
                  <td data-testid="member-reason">{memberReason(group, m)}</td>
                  <td className={styles.noWrap}>{m.lagSeconds !== undefined ? formatDuration(m.lagSeconds) : '—'}</td>
                  <td className={styles.noWrap}>{m.lagBytes !== undefined ? formatBytes(m.lagBytes) : '—'}</td>
                  <td>
                    <LagSparkline points={lags.get(m.member) ?? []} fromMs={fromMs} toMs={toMs} styles={styles} width={80} height={16} keepSpace />
                  </td>
                  <td className={styles.noWrap}>{observed(m)}</td>
                  <td data-testid="member-permissions">
                    <span className={m.permissionDrift ? styles.statusBad : permissionsKnown ? undefined : styles.statusUnknown}>
                      {m.permissionDrift ? 'differs from the leader' : permissionsKnown ? 'same as the leader' : 'not observed'}
                    </span>
                    <PermissionDifferences member={m} styles={styles} />
                  </td>
                  <td data-testid="member-failure-domains">
                    <FailureDomains member={m} styles={styles} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {group.sharedDomains.length > 0 || group.effectivePaths !== undefined ? (
        <div className={styles.phaseTimes} data-testid="failure-domains">
          {group.sharedDomains.map((d) => (
            <span key={`${d.dimension}=${d.value}`}>{sharedDomainText(d)}</span>
          ))}
          {group.effectivePaths !== undefined && <span>independent paths: {group.effectivePaths}</span>}
        </div>
      ) : null}

      <div className={styles.drilldownHeading}>Phases over the time range</div>
      <PhaseTimeline segments={group.phaseHistory} fromMs={fromMs} toMs={toMs} styles={styles} theme={theme} timeZone={timeZone} maxTicks={8} wide />
      <div className={styles.phaseTimes} data-testid="time-in-phase">
        {now && (
          <span data-testid="phase-so-far">
            {now.phase} for {formatDuration(now.seconds)} so far (since {dateTimeFormat(now.sinceMs, { timeZone, format: 'HH:mm:ss' })}
            {now.sinceMs <= fromMs ? ' or earlier' : ''})
          </span>
        )}
        {phases.map((p) => (
          <span key={p.phase} data-testid="phase-total" data-phase={p.phase}>
            <span className={styles.swatch} style={{ background: phaseColor(theme, p.phase) }} />
            {p.phase === 'nodata' ? 'no data' : p.phase} {formatDuration(p.seconds)}
          </span>
        ))}
      </div>

      {detailHref && (
        <a className={classes(styles.link)} href={detailHref} data-testid="group-detail-link">
          Open the group detail dashboard for {group.group} →
        </a>
      )}
    </div>
  );
}

/** "missing on this member: role auditor", one line each; only while the member drifts. */
function PermissionDifferences({ member, styles }: { member: MemberModel; styles: PanelStyles }) {
  const differences = member.permissionDifferences;
  if (!member.permissionDrift || !differences?.length) {
    return null;
  }
  return (
    <ul className={styles.detailList} data-testid="permission-differences">
      {differences.map((d) => (
        <li key={`${d.change}\u0000${d.entry}`} data-testid="permission-difference" data-change={d.change}>
          {permissionDifferenceText(d)}
        </li>
      ))}
      {mayHaveMoreDifferences(differences) && <li>first {differences.length} shown; /api/v1/groups lists all</li>}
    </ul>
  );
}

/** "zone eu-1a", "host node-1"; a value every member shares is marked: it is a shared failure domain. */
function FailureDomains({ member, styles }: { member: MemberModel; styles: PanelStyles }) {
  if (!member.failureDomains?.length) {
    return <>—</>;
  }
  return (
    <ul className={styles.detailList}>
      {member.failureDomains.map((d) => (
        <li
          key={`${d.dimension}\u0000${d.value}`}
          className={d.shared ? styles.sharedDomain : undefined}
          data-testid="failure-domain"
          data-shared={d.shared}
          title={d.dimension}
        >
          {dimensionWord(d.dimension)} {d.value}
          {d.shared ? ' (every member)' : ''}
        </li>
      ))}
    </ul>
  );
}

function observed(m: MemberModel): string {
  if (m.observationAgeSeconds === undefined) {
    return '—';
  }
  return Number.isFinite(m.observationAgeSeconds) ? `${formatDuration(m.observationAgeSeconds)} ago` : 'never';
}
