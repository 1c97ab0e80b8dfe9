import { createTheme } from '@grafana/data';
import { PANEL_METRICS, PHASES_WORST_FIRST, METRICS as CONTRACT_METRICS } from '@rebound/contract';

import { phaseColor } from '../components/styles';
import { METRIC_NAMES, METRICS, PHASES, PHASE_COLOURS, phaseRank } from './contract';

describe('the panel against @rebound/contract', () => {
  it('reads exactly the metrics the dashboards query for it (PANEL_METRICS)', () => {
    expect(new Set(Object.values(METRICS))).toEqual(METRIC_NAMES);
    expect([...METRIC_NAMES]).toEqual(PANEL_METRICS.map((key) => CONTRACT_METRICS[key].name));
  });

  it('ranks phases as the collector and the dashboards do: worst first is degraded … healthy', () => {
    expect([...PHASES].sort((a, b) => phaseRank(b) - phaseRank(a))).toEqual(PHASES_WORST_FIRST);
    expect(phaseRank('healthy')).toBe(0);
  });

  // A bug the contract fixed: the panel drew recovering in the theme's info blue and stabilizing
  // light green, while the dashboards' state timelines drew them yellow and blue.
  it.each(['dark', 'light'] as const)('colours every phase with the contract palette (%s theme)', (mode) => {
    const theme = createTheme({ colors: { mode } });
    for (const phase of PHASES) {
      expect(phaseColor(theme, phase)).toBe(theme.visualization.getColorByName(PHASE_COLOURS[phase]));
    }
    expect(phaseColor(theme, 'recovering')).toBe(theme.visualization.getColorByName('yellow'));
    expect(phaseColor(theme, 'stabilizing')).toBe(theme.visualization.getColorByName('blue'));
    expect(phaseColor(theme, 'unknown')).not.toBe(phaseColor(theme, 'healthy'));
    expect(phaseColor(theme, 'nodata')).toBe(theme.colors.text.disabled);
  });
});
