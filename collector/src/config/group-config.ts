/** A recovery group as configured (DESIGN.md §3.3), with defaults applied. */
export interface GroupConfig {
  name: string;
  /** Recovery-time objective. */
  rtoMillis: number;
  /** How long all members must stay converged before the episode ends (anti-flap). */
  holdDownMillis: number;
  /**
   * `onset_delay`: how long a non-healthy run must last (from its first tick) before it opens an
   * episode; shorter runs are blips (`recovery_blips_total`). The parser's default is one tick more
   * than a single missed probe: the slowest source interval + the tick interval. Absent: 0, every
   * non-healthy tick opens an episode at once (configs built in code, tests).
   */
  onsetDelayMillis?: number;
  /** Observations older than this make a member `unknown`. Default 3 × the source interval. */
  freshnessMillis: number;
  /** A replica within this many seconds of the leader counts as converged. */
  lagToleranceSeconds: number;
  /** A replica within this many bytes of the leader counts as converged. */
  lagToleranceBytes: number;
  /** Window of recent ticks for the catch-up rate (ETA) and "is anything improving". */
  progressWindowMillis: number;
  /** Window for the net stabilization rate. */
  stabilizationWindowMillis: number;
  /** The sources feeding this group: YAML key (`redis`, `postgresql`, `mysql`, `otlp`, `demo`) and its parsed config. */
  receivers: { type: string; config: unknown }[];
}

export const GROUP_DEFAULTS = {
  rtoMillis: 5 * 60_000,
  holdDownMillis: 60_000,
  lagToleranceSeconds: 5,
  lagToleranceBytes: 1024 * 1024,
  progressWindowMillis: 30_000,
  stabilizationWindowMillis: 60_000,
} as const;
