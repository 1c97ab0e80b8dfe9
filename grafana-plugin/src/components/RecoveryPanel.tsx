import { PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { useStyles2, useTheme2 } from '@grafana/ui';
import React, { useMemo } from 'react';

import { panelModel } from '../model/panel-model';
import { RecoveryPanelOptions } from '../types';
import { GroupCard } from './GroupCard';
import { getStyles } from './styles';

type Props = PanelProps<RecoveryPanelOptions>;

/** Thin shell: frames → model (plain functions), then one card per group, worst first. */
export function RecoveryPanel({ data, options, id, width, fieldConfig, replaceVariables }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const fromMs = data.timeRange.from.valueOf();
  const toMs = data.timeRange.to.valueOf();
  const model = useMemo(() => panelModel(data.series, options, toMs), [data.series, options, toMs]);

  if (model.groups.length === 0) {
    return <PanelDataErrorView panelId={id} data={data} fieldConfig={fieldConfig} message={model.problem} />;
  }
  // Below this width fixed columns would squeeze the bar; rows wrap instead (phone-sized panels).
  const alignColumns = options.layout === 'list' && width >= 640;
  const link = (group: string) =>
    options.groupDetailUrl ? replaceVariables(options.groupDetailUrl.split('${group}').join(encodeURIComponent(group))) : undefined;
  return (
    <div className={styles.panel} data-testid="recovery-panel">
      {model.problem && (
        <div className={styles.hint} data-testid="panel-hint">
          {model.problem}
        </div>
      )}
      <div className={options.layout === 'grid' ? styles.grid : styles.list} data-testid="group-list">
        {model.groups.map((group) => (
          <GroupCard key={group.group} group={group} options={options} styles={styles} theme={theme} fromMs={fromMs} toMs={toMs} alignColumns={alignColumns} href={link(group.group)} />
        ))}
      </div>
    </div>
  );
}
