import {
  MEMBER_STATUSES,
  MEMBER_STATUSES_WORST_FIRST,
  MEMBER_STATUS_COLOURS,
  MEMBER_STATUS_RANK,
  METRICS,
  PHASES,
  PHASES_WORST_FIRST,
  PHASE_COLOURS,
  PHASE_RANK,
} from '@rebound/contract';
import { maxBy } from '../promql';
import { panelSeries } from './panel-series';

/**
 * Phases and member statuses, their rank and their colour come from @rebound/contract, so a phase
 * has the same colour and rank here as in the panel. The state timelines need one number per
 * group: the phase's rank (higher is worse), mapped back to its name and colour.
 */
export { PHASES, MEMBER_STATUSES, PHASE_COLOURS };

/**
 * `(max by (group) (recovery_group_phase{phase="P"}) == 1) * 0 + rank(P) or …`: one series per group,
 * valued by phase. `or` keeps its left side, so the terms go worst first: when two collectors
 * disagree about a group, the worse phase wins, as in the panel.
 */
export function phaseCodeExpr(...matchers: string[]): string {
  return PHASES_WORST_FIRST.map(
    (phase) => `(${maxBy('group', panelSeries(METRICS.groupPhase.name, ...matchers, `phase="${phase}"`))} == 1) * 0 + ${PHASE_RANK[phase]}`,
  ).join(' or ');
}

/** The same per member, worst status first. */
export function statusCodeExpr(...matchers: string[]): string {
  return MEMBER_STATUSES_WORST_FIRST.map(
    (status) =>
      `(${maxBy('group, member', panelSeries(METRICS.memberStatus.name, ...matchers, `status="${status}"`))} == 1) * 0 + ${MEMBER_STATUS_RANK[status]}`,
  ).join(' or ');
}

/** Value mappings turning those codes back into words and colours. */
export function codeMappings(codes: Readonly<Record<string, number>>, colours: Readonly<Record<string, string>>): unknown[] {
  return [
    {
      type: 'value',
      options: Object.fromEntries(Object.entries(codes).map(([name, code], index) => [String(code), { text: name, color: colours[name], index }])),
    },
  ];
}

export const phaseMappings = (): unknown[] => codeMappings(PHASE_RANK, PHASE_COLOURS);
export const statusMappings = (): unknown[] => codeMappings(MEMBER_STATUS_RANK, MEMBER_STATUS_COLOURS);
