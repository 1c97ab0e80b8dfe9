import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The repository root, from test/compose/. */
export const repoRoot = join(__dirname, '..', '..');

export interface ComposeService {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  user?: string;
  healthcheck?: { test?: string[] };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

export function readCompose(): ComposeFile {
  return parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

/** One `source:target[:mode]` volume entry; `bind` when the source is a path (./…), else a named volume. */
export interface Mount {
  service: string;
  source: string;
  target: string;
  bind: boolean;
}

export function mounts(compose: ComposeFile): Mount[] {
  return Object.entries(compose.services).flatMap(([service, spec]) =>
    (spec.volumes ?? []).map((entry) => {
      const [source, target] = entry.split(':');
      return { service, source, target, bind: source.startsWith('.') || source.startsWith('/') };
    }),
  );
}

/** Where a container path comes from on this machine, through the service's bind mounts. */
export function hostPathOf(compose: ComposeFile, service: string, containerPath: string): string | undefined {
  const mount = mounts(compose)
    .filter((m) => m.service === service && m.bind && (containerPath === m.target || containerPath.startsWith(`${m.target}/`)))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return mount && join(repoRoot, mount.source, containerPath.slice(mount.target.length));
}

/** Replace `${VAR:-default}` with its default, as compose does when VAR is unset. */
export function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
}
