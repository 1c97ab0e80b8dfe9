import { stringify } from 'yaml';

export const GENERATED_HEADER =
  '# Generated from dashboards/src by `npm run generate -w @rebound/dashboards`. Do not edit: change dashboards/src/config.ts and regenerate.\n';

/** YAML as the generated files are written: never folded, so each PromQL expression stays greppable on one line. */
export function toYaml(document: unknown): string {
  return GENERATED_HEADER + stringify(document, { lineWidth: 0, minContentWidth: 0 });
}
