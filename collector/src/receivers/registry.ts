import { demoReceiverFactory } from './demo/factory';
import { otlpReceiverFactory } from './otlp/factory';
import type { ReceiverFactory } from './receiver';

/** Every receiver a group can use, by its YAML key. */
export const RECEIVER_FACTORIES: readonly ReceiverFactory<unknown>[] = [
  otlpReceiverFactory as ReceiverFactory<unknown>,
  demoReceiverFactory as ReceiverFactory<unknown>,
];
