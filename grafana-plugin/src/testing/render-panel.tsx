// Renders the panel component as Grafana would, from a fixture scenario: shared by the component tests.
import { DataQuery, PanelProps } from '@grafana/data';
import { render } from '@testing-library/react';
import React from 'react';

import { RecoveryPanel } from '../components/RecoveryPanel';
import { RecoveryPanelOptions } from '../types';
import { panelProps } from './panel-props';
import { framesForPanel } from './prometheus-frames';
import { scenarioGroups, scenarioQuery } from './scenarios';

export const NOW = Date.UTC(2026, 10, 26, 22, 0, 0);

export interface RenderOptions {
  /** Queries of the request, e.g. with a data source uid (the group detail link keeps it). */
  targets?: DataQuery[];
  width?: number;
}

export function renderPanel(scenario: string | null, options: Partial<RecoveryPanelOptions> = {}, { targets, width = 1000 }: RenderOptions = {}) {
  const series = scenario ? framesForPanel([scenarioQuery(scenarioGroups(scenario), NOW)]) : [];
  const base = panelProps(series, NOW, options);
  const props: PanelProps<RecoveryPanelOptions> = {
    ...base,
    data: { ...base.data, ...(targets ? { request: { targets, range: base.timeRange } as PanelProps['data']['request'] } : {}) },
    width,
    replaceVariables: (s: string) => s.split('${datasource}').join('prom-uid-from-variable'),
  };
  return render(<RecoveryPanel {...props} />);
}
