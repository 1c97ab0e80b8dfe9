/**
 * When a node's permission facts (pg_hba rules and roles, Redis ACLs, MySQL grants) are read again.
 *
 * They change rarely and cost more to read than the replication positions asked every interval,
 * so each probe reads them only when:
 * - this connection has not read them yet (a new connection may reach a restarted node with new rules),
 * - they are `everyMillis` old (the `permissions_interval`, 30 s by default): the bound on how long a
 *   change no signal shows goes unseen,
 * - the node's change signal differs from the one seen with them (PostgreSQL: its configuration reload
 *   time and a digest of its roles; MySQL/MariaDB: its GRANT/CREATE USER/… statement counters): then
 *   in the same round, so what a signal covers is seen within one interval.
 *
 * Between reads the facts are carried with the time they were read (`readAtMillis`), so a consumer can
 * tell their age; facts older than `everyMillis` are never carried. Kept per connection (a WeakMap):
 * a dropped connection forgets them, and a failed probe drops its connection.
 */
export class PermissionCadence<Facts> {
  private readonly read = new WeakMap<object, { facts: Facts; readAtMillis: number; signal: string }>();

  constructor(
    readonly everyMillis: number,
    private readonly now: () => number,
  ) {}

  /**
   * True when this connection's facts are due whatever its signal says (none yet, or `everyMillis`
   * old): the probe can then send their read with the signal's, in one round trip.
   */
  dueAnyway(connection: object): boolean {
    const last = this.read.get(connection);
    return last === undefined || this.now() - last.readAtMillis >= this.everyMillis;
  }

  /**
   * The facts this connection read, and when, if still current under `signal` (anything the node
   * answers this round that changes with the facts); else reads them with `readFacts` now.
   * `carried` is true when they come from an earlier round.
   */
  async current(connection: object, signal: string, readFacts: () => Promise<Facts>): Promise<{ facts: Facts; readAtMillis: number; carried: boolean }> {
    const nowMillis = this.now();
    const last = this.read.get(connection);
    if (last !== undefined && last.signal === signal && nowMillis - last.readAtMillis < this.everyMillis) {
      return { facts: last.facts, readAtMillis: last.readAtMillis, carried: true };
    }
    const facts = await readFacts();
    this.read.set(connection, { facts, readAtMillis: nowMillis, signal });
    return { facts, readAtMillis: nowMillis, carried: false };
  }
}

/** The default `permissions_interval`: how old carried permission facts may get before they are read again. */
export const DEFAULT_PERMISSIONS_INTERVAL_MILLIS = 30_000;
