// Frames copied in shape from what Grafana 12's Prometheus data source hands a panel (backend
// converter in pkg/promlib; table transform `transformDFToTable` in @grafana/prometheus).
import { DataFrame, FieldType } from '@grafana/data';

const T0 = 1764190800000; // 2025-11-26T21:00:00Z

/** A range query (matrix): one frame per series, labels on the Value field. */
export const matrixPhaseFrame: DataFrame = {
  refId: 'A',
  meta: {
    type: 'timeseries-multi' as never,
    typeVersion: [0, 1],
    custom: { resultType: 'matrix' },
    executedQueryString: 'Expr: {__name__=~"recovery_(group|member)_.*"}\nStep: 15s',
    preferredVisualisationType: 'graph',
  },
  fields: [
    { name: 'Time', type: FieldType.time, config: { interval: 15000 }, values: [T0, T0 + 15000, T0 + 30000] },
    {
      name: 'Value',
      type: FieldType.number,
      labels: { __name__: 'recovery_group_phase', group: 'orders-db', instance: '127.0.0.1:9464', job: 'rebound', phase: 'partial' },
      config: { displayNameFromDS: 'recovery_group_phase{group="orders-db", instance="127.0.0.1:9464", job="rebound", phase="partial"}' },
      values: [0, 1, 1],
    },
  ],
  length: 3,
};

/** The same query with format=table, instant: one frame per refId, a string field per label, `Value #A` with two queries. */
export const tableFrame: DataFrame = {
  refId: 'A',
  meta: { type: 'numeric-multi' as never, typeVersion: [0, 1], custom: { resultType: 'vector' }, preferredVisualisationType: 'rawPrometheus' },
  fields: [
    { name: 'Time', type: FieldType.time, config: {}, values: [T0, T0, T0] },
    {
      name: '__name__',
      type: FieldType.string,
      config: { filterable: true },
      values: ['recovery_group_phase', 'recovery_group_phase', 'recovery_member_lag_seconds'],
    },
    { name: 'group', type: FieldType.string, config: { filterable: true }, values: ['orders-db', 'orders-db', 'orders-db'] },
    { name: 'member', type: FieldType.string, config: { filterable: true }, values: ['', '', 'pg-2'] },
    { name: 'phase', type: FieldType.string, config: { filterable: true }, values: ['partial', 'healthy', ''] },
    { name: 'Value #A', type: FieldType.number, config: {}, values: [1, 0, 42.5] },
  ],
  length: 3,
};

export const FIXTURE_NOW_MS = T0 + 30000;
