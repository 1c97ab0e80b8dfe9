import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisNodeConfig } from '../config';

/** A captured fixture of this folder (see capture.ts). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, name), 'utf8');
}

/** The three nodes the fixtures were captured from, as config: primary, replica1, replica2. */
export function capturedNodes(): RedisNodeConfig[] {
  const addresses = JSON.parse(fixture('nodes.json')) as Record<string, string>;
  return ['primary', 'replica1', 'replica2'].map((member) => {
    const address = addresses[member]!;
    const [host, port] = address.split(':') as [string, string];
    return { member, address, host, port: Number(port), dependencies: {} };
  });
}
