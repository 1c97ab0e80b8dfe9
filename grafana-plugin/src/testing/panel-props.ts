import { DataFrame, EventBusSrv, LoadingState, PanelProps, dateTime } from '@grafana/data';

import { RecoveryPanelOptions, defaultOptions } from '../types';

/** The props Grafana hands the panel: these frames, the last hour up to `nowMs`, a 1000×600 panel. */
export function panelProps(series: DataFrame[], nowMs: number, options: Partial<RecoveryPanelOptions> = {}): PanelProps<RecoveryPanelOptions> {
  const timeRange = { from: dateTime(nowMs - 3600_000), to: dateTime(nowMs), raw: { from: 'now-1h', to: 'now' } };
  const noop = () => undefined;
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...defaultOptions, ...options },
    transparent: false,
    width: 1000,
    height: 600,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'Recovery',
    eventBus: new EventBusSrv(),
    onOptionsChange: noop,
    onFieldConfigChange: noop,
    replaceVariables: (s: string) => s,
    onChangeTimeRange: noop,
  } as unknown as PanelProps<RecoveryPanelOptions>;
}
