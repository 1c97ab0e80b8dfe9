import type { Observation, Role } from '../../model/types';
import type { ObservationSink } from '../receiver';
import { LinkMemory } from './link-memory';

/**
 * What a probing receiver carries from one round to the next: the leader the
 * round's replicas were compared to (so a split brain does not flap between
 * claimants) and the role each member was last seen in (so a node that now
 * refuses connections keeps showing as the primary or replica it was), and
 * each replica's last lag while its link was up (so a cut link's lag keeps
 * growing instead of restarting at 0: `link-memory.ts`).
 */
export class RoundMemory {
  previousLeader: string | undefined;
  readonly lastRoles = new Map<string, Role>();
  readonly links = new LinkMemory();

  /** Remember this round's leader, roles and link lags (a cut link's lag is filled in), and hand its observations to `sink`. */
  deliver(sink: ObservationSink, round: { observations: Observation[]; leader: string | undefined }): void {
    if (round.leader !== undefined) this.previousLeader = round.leader;
    for (const observation of round.observations) {
      if (observation.reachable && observation.role !== undefined) this.lastRoles.set(observation.member, observation.role);
      this.links.carry(observation);
      sink.observe(observation);
    }
  }
}
