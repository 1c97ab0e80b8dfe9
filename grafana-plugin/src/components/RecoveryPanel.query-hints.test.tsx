// What the panel shows a user whose queries hide the metric name (Grafana's no-data view, or the
// hint above the cards), as opposed to a collector that is not scraped at all.
import { render, screen } from '@testing-library/react';
import React from 'react';

import { METRICS } from '../model/contract';
import { aggregatedQueries } from '../testing/aggregated-queries';
import { panelProps } from '../testing/panel-props';
import { framesForPanel } from '../testing/prometheus-frames';
import { scenarioGroups, scenarioQuery } from '../testing/scenarios';
import { RecoveryPanel } from './RecoveryPanel';

const NOW = Date.UTC(2026, 10, 26, 22, 0, 0);
const healthy = () => scenarioQuery(scenarioGroups('healthy'), NOW);
const abc = (metric: string) => (metric === METRICS.phase ? 'A' : metric === METRICS.progress ? 'B' : 'C');

describe('RecoveryPanel when the queries hide the metric name', () => {
  it('max by (group) with refIds A, B, C: the no-data view says which queries and what to change', () => {
    render(<RecoveryPanel {...panelProps(framesForPanel(aggregatedQueries(healthy(), abc)), NOW)} />);
    expect(screen.queryByTestId('recovery-panel')).toBeNull();
    expect(screen.getByText(/Queries A, B and C return series without a metric name\./)).toBeInTheDocument();
    expect(screen.getByText(/set each query's refId to the metric it returns \(e\.g\. recovery_group_phase\)/)).toBeInTheDocument();
    expect(screen.queryByText(/is the collector scraped/)).toBeNull();
  });

  it('only the phase query unnamed: the groups show as unknown under a hint naming it', () => {
    const frames = framesForPanel(aggregatedQueries(healthy(), (metric) => (metric === METRICS.phase ? 'A' : metric)));
    render(<RecoveryPanel {...panelProps(frames, NOW)} />);
    expect(screen.getByTestId('panel-hint')).toHaveTextContent(/^No recovery_group_phase series recognised\. Query A returns series without a metric name\./);
    expect(screen.getByTestId('panel-hint')).not.toHaveTextContent(/is the collector scraped/);
    const cards = screen.getAllByTestId('group-card');
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.every((c) => c.dataset.phase === 'unknown')).toBe(true);
  });

  it('no data at all: still asks whether the collector is scraped', () => {
    render(<RecoveryPanel {...panelProps([], NOW)} />);
    expect(screen.getByText(/No recovery_group_phase series: is the collector scraped\?/)).toBeInTheDocument();
  });
});
