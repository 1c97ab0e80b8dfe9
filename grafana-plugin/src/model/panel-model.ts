import { DataFrame } from '@grafana/data';

import { RecoveryPanelOptions } from '../types';
import { METRICS } from './contract';
import { GroupModel, buildGroups } from './group-model';
import { seriesFromFrames } from './series';
import { sortGroups } from './sort';

export interface PanelModel {
  groups: GroupModel[];
  /** Set when nothing can be shown: what the user should check next. */
  problem?: string;
}

/** Everything the panel shows, from the frames Grafana hands it. Pure: no React, no Grafana runtime. */
export function panelModel(frames: DataFrame[], options: RecoveryPanelOptions, nowMs: number): PanelModel {
  const series = seriesFromFrames(frames);
  if (series.length === 0) {
    return { groups: [], problem: `No ${METRICS.phase} series: is the collector scraped? (queries must return the recovery_* metrics)` };
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
  if (!series.some((s) => s.metric === METRICS.phase)) {
    return { groups: sortGroups(groups, options.sortOrder), problem: `No ${METRICS.phase} series: is the collector scraped? Phases below are unknown.` };
  }
  return { groups: sortGroups(groups, options.sortOrder) };
}
