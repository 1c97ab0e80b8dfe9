import type { ReceiverFactory } from '../receiver';
import { createDefaultDemoConfig, parseDemoConfig, scenarioOf, type DemoConfig } from './config';
import { demoGroupSettings } from './default-groups';
import { DemoReceiver } from './demo-receiver';
import { declarationsOf } from './timeline';

/** `demo:` under a group (DESIGN.md §3.2): the simulated cluster. */
export const demoReceiverFactory: ReceiverFactory<DemoConfig> = {
  type: 'demo',
  createDefaultConfig: createDefaultDemoConfig,
  parseConfig: parseDemoConfig,
  create: (group, config, context) => new DemoReceiver(group, config, context),
  declaredMembers: (config) => declarationsOf(scenarioOf(config)),
  // A demo group in a config file reads like the built-in ones: RTO and windows on the compressed clock.
  groupDefaultsOf: (config, intervalMillis) => demoGroupSettings(config.scenario, config.speed, intervalMillis),
};
