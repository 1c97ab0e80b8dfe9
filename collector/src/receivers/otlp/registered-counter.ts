import { Counter, type Registry } from 'prom-client';

/**
 * The registry's counter of this name, created on first use: receivers are made
 * per config (and per test) against one registry, and prom-client refuses a
 * second metric of the same name.
 */
export function registeredCounter<Label extends string>(registry: Registry, name: string, help: string, labelNames: readonly Label[]): Counter<Label> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<Label>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}
