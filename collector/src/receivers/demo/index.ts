export { demoReceiverFactory } from './factory';
export { defaultDemoGroups } from './default-groups';
export { DEMO_SCENARIOS, parseDemoConfig, type DemoConfig } from './config';
