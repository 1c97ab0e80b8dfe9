import { PanelOptionsEditorBuilder } from '@grafana/data';

import { METRICS } from './model/contract';
import { RecoveryPanelOptions, defaultOptions as d } from './types';

const DATA = ['Data'];
const LAYOUT = ['Layout'];
const SIGNALS = ['Signals'];

/** The options editor; every default comes from `defaultOptions`. */
export function buildOptions(builder: PanelOptionsEditorBuilder<RecoveryPanelOptions>) {
  return builder
    .addTextInput({
      path: 'groupLabel',
      name: 'Group label',
      description: 'Label that names the recovery group on the recovery_* series.',
      defaultValue: d.groupLabel,
      category: DATA,
    })
    .addTextInput({
      path: 'memberLabel',
      name: 'Member label',
      description: 'Label that names the member on recovery_member_* series.',
      defaultValue: d.memberLabel,
      category: DATA,
    })
    .addNumberInput({
      path: 'rtoOverrideSeconds',
      name: 'RTO override (seconds)',
      description: `Budget to measure elapsed time against instead of ${METRICS.rto}. 0 uses the collector's.`,
      defaultValue: d.rtoOverrideSeconds,
      settings: { min: 0, integer: true },
      category: DATA,
    })
    .addNumberInput({
      path: 'staleAfterSeconds',
      name: 'Stale after (seconds)',
      description: 'A group whose newest phase sample is older than this is shown as stale, never as its last phase.',
      defaultValue: d.staleAfterSeconds,
      settings: { min: 1, integer: true },
      category: DATA,
    })
    .addRadio({
      path: 'layout',
      name: 'Layout',
      defaultValue: d.layout,
      settings: {
        options: [
          { value: 'list', label: 'List' },
          { value: 'grid', label: 'Grid' },
        ],
      },
      category: LAYOUT,
    })
    .addRadio({
      path: 'density',
      name: 'Density',
      defaultValue: d.density,
      settings: {
        options: [
          { value: 'comfortable', label: 'Comfortable' },
          { value: 'compact', label: 'Compact' },
        ],
      },
      category: LAYOUT,
    })
    .addSelect({
      path: 'sortOrder',
      name: 'Sort',
      defaultValue: d.sortOrder,
      settings: {
        options: [
          { value: 'worst', label: 'Worst first', description: 'Phase severity, then time over RTO' },
          { value: 'elapsed', label: 'Longest episode first' },
          { value: 'name', label: 'Name' },
        ],
      },
      category: LAYOUT,
    })
    .addTextInput({
      path: 'groupDetailUrl',
      name: 'Group detail link',
      description: 'Link on each group name; ${group} becomes the group. Dashboard variables work too. Empty: no link.',
      defaultValue: d.groupDetailUrl,
      category: LAYOUT,
    })
    .addBooleanSwitch({ path: 'showDivergenceChip', name: 'Divergence chip', defaultValue: d.showDivergenceChip, category: SIGNALS })
    .addBooleanSwitch({ path: 'showPermissionDriftChip', name: 'Permission drift chip', defaultValue: d.showPermissionDriftChip, category: SIGNALS })
    .addBooleanSwitch({ path: 'showSharedDomainChip', name: 'Shared failure domain chip', defaultValue: d.showSharedDomainChip, category: SIGNALS })
    .addBooleanSwitch({ path: 'showHiddenInstabilityChip', name: 'Hidden instability chip', defaultValue: d.showHiddenInstabilityChip, category: SIGNALS })
    .addBooleanSwitch({ path: 'showLagSparkline', name: 'Lag sparkline', defaultValue: d.showLagSparkline, category: SIGNALS })
    .addBooleanSwitch({ path: 'showPhaseTimeline', name: 'Phase timeline', defaultValue: d.showPhaseTimeline, category: SIGNALS });
}
