import type { Observation, Role } from '../../model/types';
import type { ObservationSink } from '../receiver';

/**
 * What a probing receiver carries from one round to the next: the leader the
 * round's replicas were compared to (so a split brain does not flap between
 * claimants) and the role each member was last seen in (so a node that now
 * refuses connections keeps showing as the primary or replica it was).
 */
export class RoundMemory {
  previousLeader: string | undefined;
  readonly lastRoles = new Map<string, Role>();

  /** Remember this round's leader and roles, and hand its observations to `sink`. */
  deliver(sink: ObservationSink, round: { observations: readonly Observation[]; leader: string | undefined }): void {
    if (round.leader !== undefined) this.previousLeader = round.leader;
    for (const observation of round.observations) {
      if (observation.reachable && observation.role !== undefined) this.lastRoles.set(observation.member, observation.role);
      sink.observe(observation);
    }
  }
}
