import type { OpenEpisode } from '../engine/episode-record';
import type { Episode } from '../model/group-state';

/** What a store keeps beside an open episode so a restarted (or taking-over) collector continues it. */
export type ResumeState = Omit<OpenEpisode, 'episode'>;

/** An open episode from its stored row; a row written before resume state existed resumes with the defaults. */
export function resumedEpisode(episode: Episode, resume: ResumeState | null | undefined): OpenEpisode {
  return {
    episode,
    recoveredMembers: resume?.recoveredMembers ?? [],
    serviceWasDown: resume?.serviceWasDown ?? false,
    leaderBefore: resume?.leaderBefore ?? null,
    loadBefore: resume?.loadBefore ?? null,
  };
}
