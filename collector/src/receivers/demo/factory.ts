import type { ReceiverFactory } from '../receiver';
import { createDefaultDemoConfig, DEMO_SCENARIOS, parseDemoConfig, type DemoConfig } from './config';
import { DemoReceiver } from './demo-receiver';

export const demoReceiverFactory: ReceiverFactory<DemoConfig> = {
  type: 'demo',
  createDefaultConfig: createDefaultDemoConfig,
  parseConfig: parseDemoConfig,
  create: (group, config, context) => new DemoReceiver(group, config, context),
  declaredMembers: (config) => DEMO_SCENARIOS[config.scenario]!.members(0).map((m) => ({ member: m.member, role: m.role })),
};
