import { demoReceiverFactory } from './demo/factory';
import { mysqlReceiverFactory } from './mysql/factory';
import { otlpReceiverFactory } from './otlp/factory';
import { postgresqlReceiverFactory } from './postgresql/factory';
import { prometheusReceiverFactory } from './prometheus/factory';
import type { ReceiverFactory } from './receiver';
import { redisReceiverFactory } from './redis/factory';

/** Every receiver a group can use, by its YAML key. */
export const RECEIVER_FACTORIES: readonly ReceiverFactory<unknown>[] = [
  otlpReceiverFactory as ReceiverFactory<unknown>,
  demoReceiverFactory as ReceiverFactory<unknown>,
  redisReceiverFactory as ReceiverFactory<unknown>,
  postgresqlReceiverFactory as ReceiverFactory<unknown>,
  mysqlReceiverFactory as ReceiverFactory<unknown>,
  prometheusReceiverFactory as ReceiverFactory<unknown>,
];
