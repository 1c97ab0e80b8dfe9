import type { Abandonment } from './abandonment';

/**
 * One node's connection, kept between rounds (the postgresql and mysql probes): a probe
 * runs on it, else on a new one. A kept connection the server closed meanwhile (a
 * restart, an admin shutdown) is tried once more on a fresh one, within the same
 * deadline, and not after the probe loop gave up on the probe.
 */
export class KeptConnection<Client extends { close(): void }> {
  private client: Client | undefined;
  /** Bumped when the connection is dropped, so a connect that finishes late is closed, not kept. */
  private attempt = 0;

  constructor(private readonly connect: () => Promise<Client>) {}

  /** `query` on the kept connection, else a new one; `abandoned` (the loop's deadline passed) drops the connection so the probe ends. */
  async probe<Answer>(abandoned: Abandonment, query: (client: Client) => Promise<Answer>): Promise<Answer> {
    abandoned.addEventListener('abort', () => this.drop());
    const hadConnection = this.client !== undefined;
    try {
      return await this.probeOnce(query);
    } catch (error) {
      this.drop();
      if (!hadConnection || abandoned.aborted) throw error;
      try {
        return await this.probeOnce(query);
      } catch (retryError) {
        this.drop();
        throw retryError;
      }
    }
  }

  /** Close the connection, if any; the next probe opens a new one. */
  drop(): void {
    this.attempt += 1;
    this.client?.close();
    this.client = undefined;
  }

  private async probeOnce<Answer>(query: (client: Client) => Promise<Answer>): Promise<Answer> {
    if (this.client === undefined) {
      const attempt = this.attempt;
      const client = await this.connect();
      // Connected after the deadline (the attempt was dropped meanwhile): close it, do not keep it.
      if (attempt !== this.attempt) {
        client.close();
        throw new Error('connected after the probe deadline');
      }
      this.client = client;
    }
    return query(this.client);
  }
}
