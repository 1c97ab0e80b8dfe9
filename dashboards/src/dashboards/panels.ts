import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as statushistory from '@grafana/grafana-foundation-sdk/statushistory';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { METRICS } from '@rebound/contract';
import { grafana, selectors } from '../config';

/** Panels use the dashboard's `datasource` variable, which defaults to the provisioned Prometheus. */
export const datasource = { type: 'prometheus', uid: '${datasource}' };

/** One PromQL query of a panel. */
export interface Query {
  expr: string;
  /** Legend template, e.g. `{{group}}`. */
  legend?: string;
  /** Instant (latest value, for stats and tables) instead of a range. */
  instant?: boolean;
  /** `table` for tables that join labels into columns. */
  table?: boolean;
  /** refId; defaults to A, B, C… */
  refId?: string;
}

/** Where a panel sits: width (of 24) and height in grid units. */
export interface Size {
  w: number;
  h: number;
}

type AnyPanelBuilder = { build(): dashboard.Panel };

function target(query: Query, index: number): prometheus.DataqueryBuilder {
  const builder = new prometheus.DataqueryBuilder()
    .refId(query.refId ?? String.fromCharCode(65 + index))
    .expr(query.expr)
    .datasource(datasource)
    .legendFormat(query.legend ?? '__auto');
  if (query.instant) builder.instant();
  else builder.range();
  if (query.table) builder.format(prometheus.PromQueryFormat.Table);
  return builder;
}

interface Common<B> {
  title: string;
  description: string;
  queries: Query[];
  configure?: (builder: B) => void;
}

function withQueries<B extends { withTarget(t: prometheus.DataqueryBuilder): B; datasource(d: unknown): B; title(t: string): B; description(d: string): B }>(
  builder: B,
  spec: Common<B>,
): B {
  builder.title(spec.title).description(spec.description).datasource(datasource);
  spec.queries.forEach((query, index) => builder.withTarget(target(query, index)));
  spec.configure?.(builder);
  return builder;
}

export const timeseriesPanel = (spec: Common<timeseries.PanelBuilder>): timeseries.PanelBuilder => withQueries(new timeseries.PanelBuilder(), spec);

/**
 * A stat never shows "NaN" or an empty box: no series says `noDataText` ("no data" unless the
 * panel knows better, e.g. "no episodes"), and a NaN value says the same.
 */
export const statPanel = (spec: Common<stat.PanelBuilder> & { noDataText?: string }): stat.PanelBuilder => {
  const text = spec.noDataText ?? 'no data';
  const builder = new stat.PanelBuilder().noValue(text).mappings([nanMapping(text)]);
  return withQueries(builder, spec);
};

/** A value mapping that shows `text` for NaN (and null), so a 0/0 never reads "NaN". */
export function nanMapping(text: string): dashboard.ValueMapping {
  return { type: 'special', options: { match: 'nan', result: { text } } } as unknown as dashboard.ValueMapping;
}

/** Alert thresholds drawn as dashed lines on a time series. */
export function dashedThresholds(builder: timeseries.PanelBuilder): void {
  builder.thresholdsStyle({ build: () => ({ mode: 'dashed' }) } as never);
}

export const tablePanel = (spec: Common<table.PanelBuilder>): table.PanelBuilder => withQueries(new table.PanelBuilder(), spec);

export const stateTimelinePanel = (spec: Common<statetimeline.PanelBuilder>): statetimeline.PanelBuilder => withQueries(new statetimeline.PanelBuilder(), spec);

export const statusHistoryPanel = (spec: Common<statushistory.PanelBuilder>): statushistory.PanelBuilder => withQueries(new statushistory.PanelBuilder(), spec);

export function textPanel(title: string, markdown: string): text.PanelBuilder {
  return new text.PanelBuilder().title(title).mode(text.TextMode.Markdown).content(markdown);
}

/** The Rebound recovery panel (grafana-plugin/): one row per group, worst first. */
export function recoveryPanel(spec: Omit<Common<dashboard.PanelBuilder>, 'configure'>): dashboard.PanelBuilder {
  return withQueries(new dashboard.PanelBuilder().type(grafana.recoveryPanelType), spec);
}

/** Thresholds from green upward: `steps([['green', null], ['red', 0.9]])`. */
export function steps(list: [string, number | null][]): { build(): dashboard.ThresholdsConfig } {
  const config = { mode: dashboard.ThresholdsMode.Absolute, steps: list.map(([color, value]) => ({ color, value })) };
  return { build: () => config };
}

/** A data link on a panel's values (e.g. to the group detail dashboard). */
export function dataLink(title: string, url: string): { build(): dashboard.DashboardLink } {
  return { build: () => ({ title, url }) as dashboard.DashboardLink };
}

/**
 * Lays panels out left to right, wrapping at Grafana's 24 columns, so a dashboard module
 * lists its panels in reading order with sizes only.
 */
export function layout(
  board: dashboard.DashboardBuilder,
  panels: [AnyPanelBuilder & { gridPos(g: dashboard.GridPos): unknown; id(id: number): unknown }, Size][],
): void {
  let id = 1;
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const [panel, size] of panels) {
    if (x + size.w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    panel.id(id++);
    panel.gridPos({ x, y, w: size.w, h: size.h });
    board.withPanel(panel as unknown as dashboard.PanelBuilder);
    x += size.w;
    rowHeight = Math.max(rowHeight, size.h);
  }
}

/** The dashboard's data-source picker, defaulting to the provisioned Prometheus. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .current({ text: 'Prometheus', value: grafana.datasourceUid });
}

/**
 * The scrape job of the collector(s): the rules' job by default; a user whose Prometheus names it
 * otherwise picks it here.
 */
export function jobVariable(): dashboard.QueryVariableBuilder {
  const job = /job="([^"]+)"/.exec(selectors.collector)?.[1] ?? 'rebound';
  return new dashboard.QueryVariableBuilder('job')
    .label('Job')
    .datasource(datasource)
    .query(`label_values(${METRICS.groupRto.name}, job)`)
    .definition(`label_values(${METRICS.groupRto.name}, job)`)
    .current({ text: job, value: job })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}

/**
 * The cluster label (`selectors.clusterLabel`) when several clusters report into one Prometheus.
 * "All" matches series without the label too, so a single-cluster setup needs nothing.
 */
export function clusterVariable(): dashboard.QueryVariableBuilder {
  const query = `label_values(${METRICS.groupRto.name}{job=~"$job"}, ${selectors.clusterLabel})`;
  return new dashboard.QueryVariableBuilder('cluster')
    .label('Cluster')
    .datasource(datasource)
    .query(query)
    .definition(query)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}

/** The `group` variable over the chosen job and cluster. */
export function groupVariable(options: { multi: boolean }): dashboard.QueryVariableBuilder {
  const query = `label_values(${METRICS.groupRto.name}{job=~"$job",${selectors.clusterLabel}=~"$cluster"}, group)`;
  const builder = new dashboard.QueryVariableBuilder('group')
    .label('Group')
    .datasource(datasource)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  if (options.multi) builder.multi(true).includeAll(true).allValue('.*').current({ text: 'All', value: '$__all' });
  return builder;
}

/**
 * Episodes (as regions: an episode is open while its elapsed time is above 0) and firing Rebound
 * alerts, drawn on every time-series panel of a dashboard.
 */
export function recoveryAnnotations(groupMatcher: string): dashboard.AnnotationQueryBuilder[] {
  const cluster = `${selectors.clusterLabel}=~"$cluster"`;
  return [
    new dashboard.AnnotationQueryBuilder()
      .name('Recovery episodes')
      .datasource(datasource)
      .enable(true)
      .iconColor('orange')
      .expr(`max by (${selectors.clusterLabel}, group) (${METRICS.groupElapsed.name}{job=~"$job",${cluster},${groupMatcher}}) > 0`)
      .step('30s')
      .titleFormat('Recovery episode of {{group}}')
      .textFormat('open recovery episode')
      .tagKeys('group'),
    new dashboard.AnnotationQueryBuilder()
      .name('Rebound alerts')
      .datasource(datasource)
      .enable(true)
      .iconColor('red')
      .expr(`ALERTS{alertstate="firing",${cluster},${groupMatcher}}`)
      .step('30s')
      .titleFormat('{{alertname}} ({{severity}})')
      .textFormat('{{alertname}} firing for {{group}}')
      .tagKeys('alertname,severity'),
  ];
}

/** Links between the three Rebound dashboards (by tag), kept in the time range. */
export function reboundLinks(): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder('Rebound')
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags(['rebound'])
    .asDropdown(true)
    .includeVars(true)
    .keepTime(true);
}

/** A new Rebound dashboard with the shared settings. */
export function reboundDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return (
    new dashboard.DashboardBuilder(title)
      .uid(uid)
      .description(description)
      .tags([...grafana.tags])
      // Provisioned read-only (dashboards/grafana/provisioning): edits belong in dashboards/src.
      .readonly()
      .refresh('30s')
      .withVariable(datasourceVariable())
      .withVariable(jobVariable())
      .withVariable(clusterVariable())
      .link(reboundLinks())
  );
}
