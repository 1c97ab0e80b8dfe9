/**
 * A real OTLP/HTTP receiver on a spare loopback port feeding a real engine for one group that
 * takes contrib metrics: what the real-server contrib tests push their OTel JS exporters at.
 */
import { Registry } from 'prom-client';
import type { GroupConfig } from '../../../../config/group-config';
import { RecoveryEngine } from '../../../../engine/engine';
import { createMemoryLogger } from '../../../../logger';
import { createDefaultOtlpServerConfig } from '../../config';
import { createOtlpHttpReceiver, type OtlpHttpReceiver } from '../../otlp-http-receiver';
import { contribOptionsOf } from '../contrib-config';

export interface ContribReceiver {
  engine: RecoveryEngine;
  receiver: OtlpHttpReceiver;
  /** The receiver's `/v1/metrics` URL. */
  url: string;
}

export async function startContribReceiver(group: GroupConfig): Promise<ContribReceiver> {
  const engine = new RecoveryEngine({ groups: [group] });
  const receiver = createOtlpHttpReceiver({
    listen: { host: '127.0.0.1', port: 0 },
    groups: new Set([group.name]),
    server: createDefaultOtlpServerConfig(),
    registry: new Registry(),
    context: { intervalMillis: 1000, logger: createMemoryLogger(), now: Date.now },
    contrib: contribOptionsOf([group]),
  });
  await receiver.start(engine);
  return { engine, receiver, url: `http://127.0.0.1:${receiver.address().port}/v1/metrics` };
}
