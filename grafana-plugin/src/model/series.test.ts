import { DataFrame, FieldType } from '@grafana/data';

import { matrixPhaseFrame, tableFrame } from '../__fixtures__/grafana-frames';
import { seriesFromFrames } from './series';

describe('seriesFromFrames', () => {
  it('reads a matrix frame: metric from __name__, labels from the Value field, step from the Time field', () => {
    const [s] = seriesFromFrames([matrixPhaseFrame]);
    expect(s.metric).toBe('recovery_group_phase');
    expect(s.labels.phase).toBe('partial');
    expect(s.values).toEqual([0, 1, 1]);
    expect(s.stepMs).toBe(15000);
  });

  it('reads a table frame: one series per row, empty label cells dropped, `Value #A` as the value', () => {
    const series = seriesFromFrames([tableFrame]);
    expect(series).toHaveLength(3);
    expect(series[0]).toMatchObject({ metric: 'recovery_group_phase', values: [1] });
    expect(series[0].labels).toEqual({ __name__: 'recovery_group_phase', group: 'orders-db', phase: 'partial' });
    expect(series[2]).toMatchObject({ metric: 'recovery_member_lag_seconds', labels: { member: 'pg-2' }, values: [42.5] });
  });

  it('names an aggregated series (no __name__) by a dataplane field name or by a refId that is a metric name', () => {
    const dataplane: DataFrame = {
      refId: 'B',
      length: 1,
      fields: [
        { name: 'Time', type: FieldType.time, config: {}, values: [1] },
        { name: 'recovery_group_progress_ratio', type: FieldType.number, config: {}, labels: { group: 'cache' }, values: [0.5] },
      ],
    };
    const byRefId: DataFrame = {
      refId: 'recovery_group_eta_seconds',
      length: 1,
      fields: [
        { name: 'Time', type: FieldType.time, config: {}, values: [1] },
        { name: 'Value', type: FieldType.number, config: {}, labels: { group: 'cache' }, values: [30] },
      ],
    };
    expect(seriesFromFrames([dataplane, byRefId]).map((s) => s.metric)).toEqual(['recovery_group_progress_ratio', 'recovery_group_eta_seconds']);
  });

  it('ignores series that are not contract metrics, and keeps NaN and gaps as NaN', () => {
    const frame: DataFrame = {
      length: 2,
      fields: [
        { name: 'Time', type: FieldType.time, config: {}, values: [1, 2] },
        { name: 'Value', type: FieldType.number, config: {}, labels: { __name__: 'up', job: 'x' }, values: [1, 1] },
        { name: 'Value', type: FieldType.number, config: {}, labels: { __name__: 'recovery_group_progress_ratio', group: 'g' }, values: [NaN, null] },
      ],
    };
    const series = seriesFromFrames([frame]);
    expect(series).toHaveLength(1);
    expect(series[0].values).toEqual([NaN, null]);
  });
});
