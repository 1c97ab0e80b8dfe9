import type { GroupConfig } from '../config/group-config';
import type { Episode, GroupState } from '../model/group-state';
import type { MemberDeclaration, Observation, Phase } from '../model/types';
import type { ObservationSink } from '../receivers/receiver';
import type { EpisodeQuery, EpisodeStore } from '../store/episode-store';
import type { OpenEpisode } from './episode-record';
import { GroupTracker } from './group-tracker';

export interface RecoveryEngineOptions {
  groups: readonly GroupConfig[];
  /** Episode store; without one, episodes live in memory only (tests, benchmarks). */
  store?: EpisodeStore;
  /** Wall clock in epoch ms; tests pass a fake. */
  now?: () => number;
  /** Save open episodes' minor changes (peak lag, members affected) at most this often. Phase changes save at once. */
  saveEveryMillis?: number;
}

/** Called after each tick for a group whose phase changed. */
export type PhaseChangeListener = (state: GroupState, previousPhase: Phase | null) => void;
/** Called when an episode completes. */
export type EpisodeListener = (episode: Episode) => void;

/**
 * The collector's core: receives observations (it is the receivers' sink),
 * derives every group's state each tick, keeps the episodes and saves them.
 */
export class RecoveryEngine implements ObservationSink {
  private readonly trackers = new Map<string, GroupTracker>();
  private readonly sources = new Map<string, boolean>();
  private readonly store: EpisodeStore | undefined;
  private readonly now: () => number;
  private readonly saveEveryMillis: number;
  private readonly completedInMemory: Episode[] = [];
  private readonly phaseListeners: PhaseChangeListener[] = [];
  private readonly episodeListeners: EpisodeListener[] = [];
  private lastMinorSaveMillis = 0;
  private states: GroupState[] = [];

  constructor(options: RecoveryEngineOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.saveEveryMillis = options.saveEveryMillis ?? 5_000;
    for (const group of options.groups) this.addGroup(group);
    const resumed = this.store?.openEpisodes() ?? new Map<string, OpenEpisode>();
    for (const [group, open] of resumed) this.trackers.get(group)?.resume(open);
  }

  /** Add a group at run time (OTLP dynamic groups). Returns false when it exists already. */
  addGroup(config: GroupConfig): boolean {
    if (this.trackers.has(config.name)) return false;
    this.trackers.set(config.name, new GroupTracker(config));
    return true;
  }

  hasGroup(name: string): boolean {
    return this.trackers.has(name);
  }

  groupNames(): string[] {
    return [...this.trackers.keys()];
  }

  observe(observation: Observation): void {
    this.trackers.get(observation.group)?.observe(observation);
  }

  declare(group: string, members: readonly MemberDeclaration[]): void {
    const tracker = this.trackers.get(group);
    if (tracker === undefined) return;
    for (const member of members) tracker.declare(member);
  }

  /**
   * Forget a member learned at run time that is gone for good (OTLP
   * `member_expiry`); the next tick derives its group without it. Declared
   * members are never forgotten. Returns whether the member was forgotten.
   */
  retireMember(group: string, member: string): boolean {
    return this.trackers.get(group)?.retire(member) ?? false;
  }

  sourceUp(source: string, up: boolean): void {
    this.sources.set(source, up);
  }

  /** `recovery_source_up` per source. */
  sourceStates(): ReadonlyMap<string, boolean> {
    return this.sources;
  }

  onPhaseChange(listener: PhaseChangeListener): void {
    this.phaseListeners.push(listener);
  }

  onEpisodeCompleted(listener: EpisodeListener): void {
    this.episodeListeners.push(listener);
  }

  /** Derive every group's state now; saves episodes that opened, changed phase or completed. */
  tick(): readonly GroupState[] {
    const nowMillis = this.now();
    // Sized once for the whole fleet rather than grown group by group.
    const states = new Array<GroupState>(this.trackers.size);
    let index = 0;
    const toSave: OpenEpisode[] = [];
    const completed: Episode[] = [];
    const changed: { state: GroupState; previous: Phase | null }[] = [];
    const minorSaveDue = nowMillis - this.lastMinorSaveMillis >= this.saveEveryMillis;
    for (const tracker of this.trackers.values()) {
      const outcome = tracker.tick(nowMillis);
      states[index++] = outcome.state;
      const open = tracker.openEpisode();
      // Minor changes wait for the next save slot; a saved episode carries them anyway.
      const dirty = outcome.episodeChanged || minorSaveDue ? tracker.takeEpisodeDirty() : false;
      if (open !== null && (outcome.episodeChanged || dirty)) toSave.push(open);
      if (outcome.closedEpisode !== null) completed.push(outcome.closedEpisode);
      if (outcome.previousPhase !== outcome.state.phase) changed.push({ state: outcome.state, previous: outcome.previousPhase });
    }
    if (minorSaveDue) this.lastMinorSaveMillis = nowMillis;
    this.persist(toSave, completed);
    this.states = states;
    for (const episode of completed) for (const listener of this.episodeListeners) listener(episode);
    for (const { state, previous } of changed) for (const listener of this.phaseListeners) listener(state, previous);
    return states;
  }

  /** The states derived on the last tick. */
  snapshot(): readonly GroupState[] {
    return this.states;
  }

  /** Episodes, newest first: from the store when there is one, else from memory. */
  episodes(query: EpisodeQuery = {}): Episode[] {
    if (this.store !== undefined) return this.store.list(query);
    const open = [...this.trackers.values()].map((t) => t.openEpisode()?.episode).filter((e): e is Episode => e !== undefined);
    return [...open, ...this.completedInMemory]
      .filter((e) => query.group === undefined || e.group === query.group)
      .sort((a, b) => b.startMillis - a.startMillis)
      .slice(0, query.limit ?? 100);
  }

  /** Save every open episode now (on shutdown). */
  flush(): void {
    const open = [...this.trackers.values()].map((t) => t.openEpisode()).filter((o): o is OpenEpisode => o !== null);
    this.persist(open, []);
  }

  private persist(open: OpenEpisode[], completed: Episode[]): void {
    if (this.store !== undefined) this.store.save(open, completed);
    else this.completedInMemory.unshift(...completed.reverse());
  }
}
