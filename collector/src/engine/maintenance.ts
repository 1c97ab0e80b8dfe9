import type { Episode } from '../model/group-state';

/**
 * A planned-maintenance window for one group (config `maintenance:` or
 * `POST /api/v1/maintenance`). An episode that starts inside one is planned:
 * recorded and shown like any other, kept out of the recovery SLO.
 */
export interface MaintenanceWindow {
  id: string;
  group: string;
  startMillis: number;
  /** Exclusive: an episode starting at this instant is not planned. */
  endMillis: number;
  reason: string;
  /** Where it came from: `config` (lasts across restarts) or `api` (kept in memory only). */
  origin: 'config' | 'api';
}

/** At most this many windows are kept at once; more API windows are refused. */
export const MAX_MAINTENANCE_WINDOWS = 1000;

/** The windows in force and to come, per group. Ended windows are dropped when listed or added. */
export class MaintenanceSchedule {
  private windows: MaintenanceWindow[] = [];
  private nextId = 1;

  constructor(windows: readonly Omit<MaintenanceWindow, 'id'>[] = []) {
    for (const window of windows) this.windows.push({ ...window, id: `m${this.nextId++}` });
  }

  /** Add a window; returns it, or null when MAX_MAINTENANCE_WINDOWS are already kept. */
  add(window: Omit<MaintenanceWindow, 'id'>, nowMillis: number): MaintenanceWindow | null {
    this.dropEnded(nowMillis);
    if (this.windows.length >= MAX_MAINTENANCE_WINDOWS) return null;
    const added = { ...window, id: `m${this.nextId++}` };
    this.windows.push(added);
    return added;
  }

  /** The group's window in force at `atMillis` (the one ending last when several overlap), or null. */
  activeAt(group: string, atMillis: number): MaintenanceWindow | null {
    let found: MaintenanceWindow | null = null;
    for (const w of this.windows) {
      if (w.group === group && w.startMillis <= atMillis && atMillis < w.endMillis && (found === null || w.endMillis > found.endMillis)) found = w;
    }
    return found;
  }

  /** Windows in force or to come at `nowMillis`, soonest first. */
  list(nowMillis: number): MaintenanceWindow[] {
    this.dropEnded(nowMillis);
    return this.windows.filter((w) => w.endMillis > nowMillis).sort((a, b) => a.startMillis - b.startMillis || a.group.localeCompare(b.group));
  }

  /**
   * An ended window is kept for as long as an episode could still start inside it: the
   * onset delay dates an episode back to its first non-healthy tick. An hour covers any
   * sane onset delay.
   */
  private dropEnded(nowMillis: number): void {
    this.windows = this.windows.filter((w) => w.endMillis + 3_600_000 > nowMillis);
  }
}

/** Mark an episode planned when it started inside a window. */
export function markPlanned(episode: Episode, window: MaintenanceWindow | null): void {
  if (window === null) return;
  episode.planned = true;
  episode.maintenanceReason = window.reason;
}
