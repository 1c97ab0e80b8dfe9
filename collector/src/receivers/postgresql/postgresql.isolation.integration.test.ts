/**
 * Isolation between groups with the receivers' own timers (start()/stop()):
 * while one group's standby hangs (SIGSTOP), another group's probes go on at
 * their own pace. Ordering, not timing: the other group completes several
 * rounds before the hung group's round gives up on its node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import type { Observation } from '../../model/types';
import type { ObservationSink } from '../receiver';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby } from '../../testing/postgres-primary-standby';
import { waitFor } from '../../testing/processes';
import { parsePostgresqlConfig } from './config';
import { PostgresqlReceiver } from './postgresql-receiver';

let pair: PostgresPrimaryStandby;
const events: string[] = [];
const sink: ObservationSink = {
  observe: (o: Observation) => void events.push(`observe ${o.group} ${o.member}`),
  declare: () => undefined,
  sourceUp: (source, up) => void events.push(`up ${source} ${up}`),
};

describe('PostgreSQL receivers of two groups: a hung node delays only its own group', { timeout: 60_000 }, () => {
  before(async () => {
    pair = await startPostgresPrimaryStandby();
  });

  after(async () => {
    pair?.resumeStandby();
    await pair?.close();
  });

  it('the other group keeps its rounds while the hung one waits out its timeout', async () => {
    const logger = createMemoryLogger();
    const hungGroup = new PostgresqlReceiver(
      'orders-db',
      parsePostgresqlConfig(
        {
          nodes: [
            { member: 'pg-1', url: pair.primary.url() },
            { member: 'pg-2', url: pair.standby.url() },
          ],
          timeout: '3s',
        },
        'g',
      ),
      { intervalMillis: 200, logger, now: Date.now },
    );
    const otherGroup = new PostgresqlReceiver(
      'billing-db',
      parsePostgresqlConfig({ nodes: [{ member: 'billing-1', url: pair.primary.url() }], timeout: '3s' }, 'g'),
      { intervalMillis: 200, logger, now: Date.now },
    );
    await hungGroup.start(sink);
    await otherGroup.start(sink);
    try {
      await waitFor('both groups to report up', 20_000, () =>
        events.includes('up postgresql/orders-db true') && events.includes('up postgresql/billing-db true') ? true : undefined,
      );
      pair.pauseStandby();
      events.push('paused');
      await waitFor('the hung group to report its source down', 20_000, () =>
        events.lastIndexOf('up postgresql/orders-db false') > events.indexOf('paused') ? true : undefined,
      );
      const paused = events.indexOf('paused');
      const hungDown = events.indexOf('up postgresql/orders-db false', paused);
      const otherRounds = events.slice(paused, hungDown).filter((e) => e === 'up postgresql/billing-db true').length;
      assert.ok(otherRounds >= 3, `billing-db completed ${otherRounds} rounds while orders-db waited on its hung standby`);
    } finally {
      pair.resumeStandby();
      await Promise.all([hungGroup.stop(), otherGroup.stop()]);
    }
  });
});
