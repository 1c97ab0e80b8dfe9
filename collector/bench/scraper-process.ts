/**
 * A scraper in its own process that asks what Prometheus asks (OpenMetrics,
 * gzip). Scrape latency measured from the process that also drives the load
 * would include that process's own busy event loop.
 */
import { spawn } from 'node:child_process';

/** Fetch `url` every `everyMillis` and print each scrape's milliseconds, a line each (-1 for an error). */
const LOOP = `
const [url, every] = [process.argv[1], Number(process.argv[2])];
(async () => {
  for (;;) {
    const started = performance.now();
    let millis = -1;
    try {
      const response = await fetch(url, { headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5', 'accept-encoding': 'gzip' } });
      await response.arrayBuffer();
      if (response.ok) millis = performance.now() - started;
    } catch {}
    process.stdout.write(millis + '\\n');
    await new Promise((done) => setTimeout(done, Math.max(0, every - (performance.now() - started))));
  }
})();
`;

export interface ScraperProcess {
  /** Milliseconds of each scrape so far; a failed scrape is -1. */
  millis(): number[];
  /** Stop scraping; resolves with every scrape's milliseconds. */
  stop(): Promise<number[]>;
}

export function startScraperProcess(url: string, everyMillis: number): ScraperProcess {
  const child = spawn(process.execPath, ['-e', LOOP, url, String(everyMillis)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const scrapes: number[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) scrapes.push(Number(line));
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    millis: () => [...scrapes],
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return [...scrapes];
    },
  };
}
