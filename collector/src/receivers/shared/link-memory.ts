import type { Observation } from '../../model/types';

/**
 * Keeps a cut replica's lag growing while its replication link is down. The
 * sources restart their own count when the link drops (Redis
 * `master_link_down_since_seconds` starts at 0) or give none (PostgreSQL), so
 * the lag reported is the last lag seen while the link was up plus the time
 * since then, and never less than the time the link has been down. Without
 * that, a replica cut a minute ago would report 0 s the moment its link timed out.
 */
export class LinkMemory {
  /** Per member: the last round that saw its link up, and the lag then. */
  private readonly lastUp = new Map<string, { atMillis: number; lagSeconds: number }>();
  /** Per member: when its link was first seen down, for sources that do not say. */
  private readonly downSince = new Map<string, number>();

  /** Fill in (in place) the lag and time down of an observation whose link is down; remember one whose link is up. */
  carry(observation: Observation): void {
    const link = observation.replicationLink;
    if (!observation.reachable || link === undefined) return;
    const { member, observedAtMillis: atMillis } = observation;
    if (link.up) {
      this.lastUp.set(member, { atMillis, lagSeconds: observation.lagSeconds ?? link.silentForSeconds ?? 0 });
      this.downSince.delete(member);
      return;
    }
    const since = link.downForSeconds !== undefined ? atMillis - link.downForSeconds * 1000 : (this.downSince.get(member) ?? atMillis);
    this.downSince.set(member, since);
    const downForSeconds = Math.max(0, (atMillis - since) / 1000);
    link.downForSeconds = downForSeconds;
    const last = this.lastUp.get(member);
    const grown = last === undefined ? 0 : last.lagSeconds + Math.max(0, atMillis - last.atMillis) / 1000;
    observation.lagSeconds = Math.max(observation.lagSeconds ?? 0, grown, downForSeconds);
  }
}
