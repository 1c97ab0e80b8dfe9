import { DataFrame } from '@grafana/data';

import { RecoveryPanelOptions } from '../types';
import { METRICS } from './contract';
import { GroupModel, buildGroups } from './group-model';
import { noPhaseProblem, noSeriesProblem, unnamedSeriesHint } from './query-hints';
import { noUnreadSeries, seriesFromFrames } from './series';
import { sortGroups } from './sort';

export interface PanelModel {
  groups: GroupModel[];
  /** What the user should check next: why nothing can be shown, or what is missing from what is. */
  problem?: string;
}

/** Everything the panel shows, from the frames Grafana hands it. Pure: no React, no Grafana runtime. */
export function panelModel(frames: DataFrame[], options: RecoveryPanelOptions, nowMs: number): PanelModel {
  const unread = noUnreadSeries();
  const series = seriesFromFrames(frames, unread, options.groupLabel);
  if (series.length === 0) {
    return { groups: [], problem: noSeriesProblem(unread) };
  }
  const groups = buildGroups(series, {
    groupLabel: options.groupLabel,
    memberLabel: options.memberLabel,
    rtoOverrideSeconds: options.rtoOverrideSeconds,
    staleAfterSeconds: options.staleAfterSeconds,
    nowMs,
  });
  if (groups.length === 0) {
    return { groups: [], problem: `No series carries the "${options.groupLabel}" label: check the panel's group label option` };
  }
  const sorted = sortGroups(groups, options.sortOrder);
  if (!series.some((s) => s.metric === METRICS.phase)) {
    return { groups: sorted, problem: noPhaseProblem(unread) };
  }
  const hint = unnamedSeriesHint(unread);
  return hint ? { groups: sorted, problem: hint } : { groups: sorted };
}
