import type { IndependenceSignal, SharedDependency } from './group-state';
import type { Dependencies } from './types';

/**
 * Independence of a group's redundancy (DESIGN.md §2.4). A dimension counts as
 * reported only when every member reports it: a member of unknown zone could
 * share the others' zone, so we neither call it independent nor shared.
 * `effective_paths` is the minimum distinct count: two replicas in two zones on
 * one host are one path, not two.
 */
export function independence(memberDependencies: readonly Dependencies[]): IndependenceSignal {
  if (memberDependencies.length === 0) return { ratio: null, effectivePaths: null, dimensions: [], sharedDomains: [] };
  const valuesByDimension = new Map<string, Set<string>>();
  const reporters = new Map<string, number>();
  for (const dependencies of memberDependencies) {
    for (const [dimension, value] of Object.entries(dependencies)) {
      let values = valuesByDimension.get(dimension);
      if (values === undefined) valuesByDimension.set(dimension, (values = new Set()));
      values.add(value);
      reporters.set(dimension, (reporters.get(dimension) ?? 0) + 1);
    }
  }
  const dimensions: { dimension: string; distinctValues: number }[] = [];
  const sharedDomains: SharedDependency[] = [];
  let independent = 0;
  let effectivePaths = Infinity;
  for (const [dimension, values] of [...valuesByDimension].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (reporters.get(dimension) !== memberDependencies.length) continue;
    dimensions.push({ dimension, distinctValues: values.size });
    effectivePaths = Math.min(effectivePaths, values.size);
    if (values.size >= 2) independent++;
    else sharedDomains.push({ dimension, value: [...values][0]! });
  }
  if (dimensions.length === 0) return { ratio: null, effectivePaths: null, dimensions, sharedDomains };
  return { ratio: independent / dimensions.length, effectivePaths, dimensions, sharedDomains };
}
