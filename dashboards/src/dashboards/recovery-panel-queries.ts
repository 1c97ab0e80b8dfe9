import { METRICS, PANEL_METRICS } from '@rebound/contract';
import { panelSeries } from './panel-series';
import type { Query } from './panels';

/**
 * What the Rebound recovery panel reads: the contract metrics as raw series, so each frame
 * keeps `__name__` and every label (DESIGN.md §5). The refId is the metric name too: the panel
 * falls back to it when a query aggregates `__name__` away (grafana-plugin/src/model/series.ts).
 */
export function recoveryPanelQueries(...matchers: string[]): Query[] {
  const metrics = PANEL_METRICS.map((key) => METRICS[key].name);
  return metrics.map((metric) => ({ refId: metric, expr: panelSeries(metric, ...matchers), legend: '__auto' }));
}
