export { demoReceiverFactory } from './factory';
export { defaultDemoGroups, demoGroupSettings, type DemoGroupSettings } from './default-groups';
export { parseDemoConfig, createDefaultDemoConfig, type DemoConfig } from './config';
export { DEMO_SCENARIOS, SCENARIO_NAMES, type ScenarioName } from './scenarios';
