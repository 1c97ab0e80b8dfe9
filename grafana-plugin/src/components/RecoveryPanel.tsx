import { PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { useStyles2, useTheme2 } from '@grafana/ui';
import React, { useCallback, useMemo, useState } from 'react';

import { panelModel } from '../model/panel-model';
import { RecoveryPanelOptions } from '../types';
import { GroupCard } from './GroupCard';
import { GroupRows } from './GroupRows';
import { groupDetailLink } from './links';
import { getStyles } from './styles';
import { gridColumns } from './windowing';

type Props = PanelProps<RecoveryPanelOptions>;

/**
 * Row heights (gap included) assumed before any row is measured: the shortest a row gets on a wide
 * panel, so the first render fills the viewport at once (a few rows too many, never a gap).
 */
const ESTIMATED_ROW_PX = { list: { compact: 33, comfortable: 60 }, grid: { compact: 120, comfortable: 140 } };

/** Thin shell: frames → model (plain functions), then one card per group, worst first, rows near the viewport in the DOM. */
export function RecoveryPanel({ data, options, id, width, height, fieldConfig, replaceVariables, timeZone }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const [scrollTop, setScrollTop] = useState(0);
  // Open drill-downs by group name: they stay open while their card scrolls out of the DOM and back.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback(
    (group: string) =>
      setExpanded((open) => {
        const next = new Set(open);
        if (!next.delete(group)) {
          next.add(group);
        }
        return next;
      }),
    [],
  );
  const fromMs = data.timeRange.from.valueOf();
  const toMs = data.timeRange.to.valueOf();
  const model = useMemo(() => panelModel(data.series, options, toMs), [data.series, options, toMs]);

  if (model.groups.length === 0) {
    return <PanelDataErrorView panelId={id} data={data} fieldConfig={fieldConfig} message={model.problem} />;
  }
  const grid = options.layout === 'grid';
  // Below this width fixed columns would squeeze the bar; rows wrap instead (phone-sized panels).
  const alignColumns = !grid && width >= 640;
  const columns = grid ? gridColumns(width, theme.spacing.gridSize) : 1;
  const link = (group: string) => groupDetailLink(options.groupDetailUrl, group, replaceVariables, data);
  return (
    <div className={styles.panel} data-testid="recovery-panel" onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      {model.problem && (
        <div className={styles.hint} data-testid="panel-hint">
          {model.problem}
        </div>
      )}
      <GroupRows
        groups={model.groups}
        columns={columns}
        scrollTopPx={scrollTop}
        viewportPx={height}
        estimatedRowPx={ESTIMATED_ROW_PX[options.layout][options.density]}
        measureKey={`${options.layout}:${options.density}:${width}:${options.showLagSparkline}:${options.showPhaseTimeline}`}
        className={grid ? styles.grid : styles.list}
        rowClassName={grid ? styles.gridRow : styles.listRow}
        renderCard={(group, index) => (
          <GroupCard
            key={group.group}
            group={group}
            position={index + 1}
            of={model.groups.length}
            options={options}
            styles={styles}
            theme={theme}
            fromMs={fromMs}
            toMs={toMs}
            alignColumns={alignColumns}
            href={link(group.group)}
            timeZone={timeZone}
            expanded={expanded.has(group.group)}
            onToggle={toggle}
          />
        )}
      />
    </div>
  );
}
