// Renders the panel component as Grafana would, from a fixture scenario: shared by the component tests.
import { DataQuery, EventBusSrv, LoadingState, PanelProps, dateTime } from '@grafana/data';
import { render } from '@testing-library/react';
import React from 'react';

import { RecoveryPanel } from '../components/RecoveryPanel';
import { RecoveryPanelOptions, defaultOptions } from '../types';
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
  const timeRange = { from: dateTime(NOW - 3600_000), to: dateTime(NOW), raw: { from: 'now-1h', to: 'now' } };
  const request = targets ? { targets, range: timeRange } : undefined;
  const props = {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange, request },
    timeRange,
    timeZone: 'utc',
    options: { ...defaultOptions, ...options },
    transparent: false,
    width,
    height: 600,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'Recovery',
    eventBus: new EventBusSrv(),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s.split('${datasource}').join('prom-uid-from-variable'),
    onChangeTimeRange: jest.fn(),
  } as unknown as PanelProps<RecoveryPanelOptions>;
  return render(<RecoveryPanel {...props} />);
}
