import { MEMBER_STATUSES, PHASES, PHASE_SEVERITY } from '../../../collector/src/model/types';
import { maxBy } from '../promql';
import { panelSeries } from './panel-series';

/**
 * Phases and member statuses come from the collector's model (the contract), so a phase added
 * there shows up here. The state timelines need one number per group: the phase's severity.
 */
export { PHASES, MEMBER_STATUSES };

/** Grafana colours by phase: unknown is purple, never a shade of green. */
export const PHASE_COLOURS: Record<string, string> = {
  healthy: 'green',
  stabilizing: 'blue',
  recovering: 'yellow',
  unknown: 'purple',
  partial: 'orange',
  degraded: 'red',
};

export const STATUS_CODES: Record<string, number> = {
  converged: 0,
  lagging: 1,
  diverged: 2,
  unreachable: 3,
  unknown: 4,
};

export const STATUS_COLOURS: Record<string, string> = {
  converged: 'green',
  lagging: 'yellow',
  diverged: 'red',
  unreachable: 'dark-red',
  unknown: 'purple',
};

/** `(max by (group) (recovery_group_phase{phase="P"}) == 1) * 0 + code(P) or …`: one series per group, valued by phase. */
export function phaseCodeExpr(...matchers: string[]): string {
  return PHASES.map(
    (phase) =>
      `(${maxBy('group', panelSeries('recovery_group_phase', ...matchers, `phase="${phase}"`))} == 1) * 0 + ${PHASE_SEVERITY[phase]}`,
  ).join(' or ');
}

export function statusCodeExpr(...matchers: string[]): string {
  return MEMBER_STATUSES.map(
    (status) =>
      `(${maxBy('group, member', panelSeries('recovery_member_status', ...matchers, `status="${status}"`))} == 1) * 0 + ${STATUS_CODES[status]}`,
  ).join(' or ');
}

/** Value mappings turning those codes back into words and colours. */
export function codeMappings(codes: Record<string, number>, colours: Record<string, string>): unknown[] {
  return [
    {
      type: 'value',
      options: Object.fromEntries(
        Object.entries(codes).map(([name, code], index) => [String(code), { text: name, color: colours[name], index }]),
      ),
    },
  ];
}

export const phaseMappings = (): unknown[] => codeMappings(PHASE_SEVERITY, PHASE_COLOURS);
export const statusMappings = (): unknown[] => codeMappings(STATUS_CODES, STATUS_COLOURS);
