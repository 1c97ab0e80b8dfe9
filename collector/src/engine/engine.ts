import type { GroupConfig } from '../config/group-config';
import type { Episode, GroupState } from '../model/group-state';
import type { MemberDeclaration, Observation, Phase } from '../model/types';
import type { ObservationSink } from '../receivers/receiver';
import { createConsoleLogger, type Logger } from '../logger';
import { describeStoreError, type EpisodeQuery, type EpisodeStore } from '../store/types';
import type { OpenEpisode } from './episode-record';
import { MaintenanceSchedule, type MaintenanceWindow } from './maintenance';
import { GroupTracker } from './group-tracker';
import { UnsavedEpisodes, type UnsavedEpisodesOptions } from './unsaved-episodes';

export interface RecoveryEngineOptions {
  groups: readonly GroupConfig[];
  /** Episode store; without one, episodes live in memory only (tests, benchmarks). */
  store?: EpisodeStore;
  /** Where store outages are reported (default: the console). */
  logger?: Logger;
  /** Bounds and backoff for episodes kept in memory while the store cannot be written. */
  unsaved?: Omit<UnsavedEpisodesOptions, 'store' | 'logger'>;
  /** Wall clock in epoch ms; tests pass a fake. */
  now?: () => number;
  /** Save open episodes' minor changes (peak lag, members affected) at most this often. Phase changes save at once. */
  saveEveryMillis?: number;
  /** Maintenance windows from the config (`maintenance:`); more come through `addMaintenance`. */
  maintenance?: readonly Omit<MaintenanceWindow, 'id'>[];
  /**
   * Derive only the groups that got input or whose state may move with time (default);
   * false derives every group every tick — the baseline the benchmark and the differential
   * test compare with (docs/scaling.md "Incremental derivation").
   */
  incremental?: boolean;
}

/** Called after each tick for a group whose phase changed. */
export type PhaseChangeListener = (state: GroupState, previousPhase: Phase | null) => void;
/** Called when an episode completes. */
export type EpisodeListener = (episode: Episode) => void;
/** Called when a group's non-healthy run ended inside its onset delay (no episode). */
export type BlipListener = (group: string) => void;

/**
 * The collector's core: receives observations (it is the receivers' sink),
 * derives every group's state each tick, keeps the episodes and saves them.
 */
export class RecoveryEngine implements ObservationSink {
  private readonly trackers = new Map<string, GroupTracker>();
  private readonly sources = new Map<string, boolean>();
  private readonly store: EpisodeStore | undefined;
  private readonly unsaved: UnsavedEpisodes | undefined;
  private readonly logger: Logger;
  private listFailedAtMillis = -Infinity;
  private readonly now: () => number;
  private readonly saveEveryMillis: number;
  private readonly completedInMemory: Episode[] = [];
  private readonly phaseListeners: PhaseChangeListener[] = [];
  private readonly episodeListeners: EpisodeListener[] = [];
  private readonly blipListeners: BlipListener[] = [];
  private readonly maintenance: MaintenanceSchedule;
  private lastMinorSaveMillis = 0;
  private states: GroupState[] = [];
  private readonly incremental: boolean;
  private derivedLastTick = 0;

  constructor(options: RecoveryEngineOptions) {
    this.store = options.store;
    this.logger = options.logger ?? createConsoleLogger();
    this.unsaved = this.store === undefined ? undefined : new UnsavedEpisodes({ ...options.unsaved, store: this.store, logger: this.logger });
    this.now = options.now ?? Date.now;
    this.saveEveryMillis = options.saveEveryMillis ?? 5_000;
    this.maintenance = new MaintenanceSchedule(options.maintenance);
    this.incremental = options.incremental ?? true;
    for (const group of options.groups) this.addGroup(group);
    const resumed = this.store?.openEpisodes() ?? new Map<string, OpenEpisode>();
    for (const [group, open] of resumed) this.trackers.get(group)?.resume(open);
  }

  /** Add a group at run time (OTLP dynamic groups). Returns false when it exists already. */
  addGroup(config: GroupConfig): boolean {
    if (this.trackers.has(config.name)) return false;
    this.trackers.set(
      config.name,
      new GroupTracker(
        config,
        (atMillis) => this.maintenance.activeAt(config.name, atMillis),
        (source) => this.sources.get(source),
      ),
    );
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

  onBlip(listener: BlipListener): void {
    this.blipListeners.push(listener);
  }

  /** Open a maintenance window (API); null when too many are kept already. */
  addMaintenance(window: Omit<MaintenanceWindow, 'id'>): MaintenanceWindow | null {
    return this.maintenance.add(window, this.now());
  }

  /** The engine's clock (epoch ms): a window opened through the API starts on the same clock the ticks use. */
  nowMillis(): number {
    return this.now();
  }

  /** Maintenance windows in force or to come, soonest first. */
  maintenanceWindows(): MaintenanceWindow[] {
    return this.maintenance.list(this.now());
  }

  /**
   * Derive the groups' states now, publish them and tell the listeners; then
   * save episodes that opened, changed phase or completed. The save comes last
   * and never throws: a store that cannot be written keeps them in memory.
   * A group with no new input whose state cannot have moved with time keeps
   * its last state, the same object (GroupTracker.needsDerivation): a reader
   * that sees the same object knows nothing in it changed.
   */
  tick(): readonly GroupState[] {
    const nowMillis = this.now();
    // Sized once for the whole fleet rather than grown group by group.
    const states = new Array<GroupState>(this.trackers.size);
    let index = 0;
    const toSave: OpenEpisode[] = [];
    const completed: Episode[] = [];
    const changed: { state: GroupState; previous: Phase | null }[] = [];
    let blips: string[] | undefined;
    const minorSaveDue = nowMillis - this.lastMinorSaveMillis >= this.saveEveryMillis;
    let derived = 0;
    for (const tracker of this.trackers.values()) {
      if (this.incremental && !tracker.needsDerivation(nowMillis)) {
        // Not derived: no episode is open (an open one is derived every tick), so nothing to save or tell.
        states[index++] = tracker.state()!;
        continue;
      }
      derived++;
      const outcome = tracker.tick(nowMillis);
      states[index++] = outcome.state;
      const open = tracker.openEpisode();
      // Minor changes wait for the next save slot; a saved episode carries them anyway.
      const dirty = outcome.episodeChanged || minorSaveDue ? tracker.takeEpisodeDirty() : false;
      if (open !== null && (outcome.episodeChanged || dirty)) toSave.push(open);
      if (outcome.closedEpisode !== null) completed.push(outcome.closedEpisode);
      if (outcome.blip) (blips ??= []).push(tracker.name);
      if (outcome.previousPhase !== outcome.state.phase) changed.push({ state: outcome.state, previous: outcome.previousPhase });
    }
    if (minorSaveDue) this.lastMinorSaveMillis = nowMillis;
    this.states = states;
    this.derivedLastTick = derived;
    try {
      for (const episode of completed) for (const listener of this.episodeListeners) listener(episode);
      if (blips !== undefined) for (const group of blips) for (const listener of this.blipListeners) listener(group);
      for (const { state, previous } of changed) for (const listener of this.phaseListeners) listener(state, previous);
    } finally {
      this.persist(toSave, completed, nowMillis);
    }
    return states;
  }

  /** `recovery_store_up`: true while the store accepts writes; null without a store. */
  storeUp(): boolean | null {
    return this.unsaved?.storeUp ?? null;
  }

  /** How many groups the last tick derived (the others kept their state). */
  groupsDerivedLastTick(): number {
    return this.derivedLastTick;
  }

  /** The states published on the last tick (some derived on an earlier one: see tick()). */
  snapshot(): readonly GroupState[] {
    return this.states;
  }

  /**
   * Episodes, newest first: the store's, with the ones it has not accepted yet
   * (store down) in their newest state; without a store, from memory.
   */
  episodes(query: EpisodeQuery = {}): Episode[] {
    if (this.store === undefined || this.unsaved === undefined) {
      const open = [...this.trackers.values()].map((t) => t.openEpisode()?.episode).filter((e): e is Episode => e !== undefined);
      return newestFirst([...open, ...this.completedInMemory], query);
    }
    const stored = this.storedEpisodes(query);
    const unsaved = this.unsaved.episodes();
    if (unsaved.length === 0) return stored;
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const episode of unsaved) byId.set(episode.id, episode);
    return newestFirst([...byId.values()], query);
  }

  /**
   * Save every open episode now, whatever the backoff (on shutdown). Returns
   * false when the store refused: what was unsaved is lost with the process.
   */
  flush(): boolean {
    const open = [...this.trackers.values()].map((t) => t.openEpisode()).filter((o): o is OpenEpisode => o !== null);
    if (this.unsaved === undefined) return true;
    this.unsaved.add(open, []);
    const unsaved = this.unsaved.size;
    if (this.unsaved.write(this.now(), true)) return true;
    this.logger.error(`episode store ${this.store!.path}: not writable at shutdown; ${unsaved} unsaved episode(s) are lost`);
    return false;
  }

  /**
   * Save every open episode now and wait for the store (a store on a server
   * writes asynchronously). Returns false when the store refused: what was
   * unsaved is lost with the process.
   */
  async flushAsync(): Promise<boolean> {
    if (this.unsaved === undefined) return true;
    await this.unsaved.settled();
    const open = [...this.trackers.values()].map((t) => t.openEpisode()).filter((o): o is OpenEpisode => o !== null);
    this.unsaved.add(open, []);
    this.unsaved.write(this.now(), true);
    await this.unsaved.settled();
    if (this.unsaved.size === 0) return true;
    this.logger.error(`episode store ${this.store!.path}: not writable at shutdown; ${this.unsaved.size} unsaved episode(s) are lost`);
    return false;
  }

  /**
   * Continue the store's open episodes (same id and start) in place of this
   * engine's own: a collector of an HA pair that became active takes over what
   * the previous active one wrote, as a restart does. Every open episode is
   * then written on the next tick (the ones only this engine had too).
   */
  resumeOpenEpisodes(stored: ReadonlyMap<string, OpenEpisode>): void {
    for (const [group, open] of stored) this.trackers.get(group)?.resume(open);
    const open = [...this.trackers.values()].map((t) => t.openEpisode()).filter((o): o is OpenEpisode => o !== null);
    this.unsaved?.replaceOpen(open);
  }

  private persist(open: OpenEpisode[], completed: Episode[], nowMillis: number): void {
    if (this.unsaved === undefined) {
      this.completedInMemory.unshift(...completed.reverse());
      return;
    }
    this.unsaved.add(open, completed);
    this.unsaved.write(nowMillis);
  }

  /** The store's list; a store that cannot even be read leaves the unsaved ones (said at most once a minute). */
  private storedEpisodes(query: EpisodeQuery): Episode[] {
    try {
      return this.store!.list(query);
    } catch (error) {
      const nowMillis = this.now();
      if (nowMillis - this.listFailedAtMillis > 60_000)
        this.logger.error(`episode store ${this.store!.path}: cannot be read (${describeStoreError(error)}); listing the episodes in memory only`);
      this.listFailedAtMillis = nowMillis;
      return [];
    }
  }
}

function newestFirst(episodes: Episode[], query: EpisodeQuery): Episode[] {
  return episodes
    .filter((e) => query.group === undefined || e.group === query.group)
    .sort((a, b) => b.startMillis - a.startMillis || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, Math.max(1, Math.min(query.limit ?? 100, 10_000)));
}
