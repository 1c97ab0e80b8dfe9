// A tiny stand-in for Prometheus when only the collector runs (`npm start`): scrape /metrics every
// few seconds, keep a short history in memory, and answer range queries the way Prometheus does
// (5-minute lookback, staleness when a series disappears or a scrape fails), so the preview page
// gets the same matrix answers — and so the same frames — it would get through Grafana.
import { formatSample, parseExposition } from './exposition.mjs';

const LOOKBACK_MS = 5 * 60_000;
const STALE = Symbol('stale');

export class ScrapeHistory {
  /** @param {{ target: string, intervalMs: number, retentionMs: number, match: RegExp }} options */
  constructor({ target, intervalMs, retentionMs, match }) {
    this.target = target;
    this.intervalMs = intervalMs;
    this.retentionMs = retentionMs;
    this.match = match;
    /** @type {Map<string, { labels: Record<string,string>, samples: Array<[number, number | typeof STALE]> }>} */
    this.series = new Map();
    this.lastError = undefined;
    this.lastScrapeMs = undefined;
    const url = new URL(target);
    this.instance = url.host;
  }

  start() {
    const tick = () => this.scrape().catch(() => {});
    tick();
    this.timer = setInterval(tick, this.intervalMs);
  }

  stop() {
    clearInterval(this.timer);
  }

  async scrape(nowMs = Date.now()) {
    let samples;
    try {
      const res = await fetch(new URL('/metrics', this.target), { signal: AbortSignal.timeout(Math.max(1000, this.intervalMs - 200)) });
      if (!res.ok) {
        throw new Error(`HTTP ${res.status}`);
      }
      samples = parseExposition(await res.text()).filter((s) => this.match.test(s.labels.__name__));
      this.lastError = undefined;
    } catch (e) {
      this.lastError = `cannot scrape ${this.target}/metrics: ${e instanceof Error ? e.message : e} — is the collector running?`;
      samples = [];
    }
    this.record(samples, nowMs);
  }

  /** Append one scrape; series missing from it get a staleness marker, as Prometheus writes. */
  record(samples, nowMs) {
    const seen = new Set();
    for (const { labels, value } of samples) {
      const full = { ...labels, job: 'rebound', instance: this.instance };
      const key = JSON.stringify(Object.entries(full).sort());
      seen.add(key);
      let s = this.series.get(key);
      if (!s) {
        this.series.set(key, (s = { labels: full, samples: [] }));
      }
      s.samples.push([nowMs, value]);
    }
    for (const [key, s] of this.series) {
      if (!seen.has(key) && s.samples[s.samples.length - 1]?.[1] !== STALE) {
        s.samples.push([nowMs, STALE]);
      }
      while (s.samples.length && s.samples[0][0] < nowMs - this.retentionMs) {
        s.samples.shift();
      }
      if (s.samples.length === 0) {
        this.series.delete(key);
      }
    }
    this.lastScrapeMs = nowMs;
  }

  /** Prometheus `query_range` answer (matrix) for every recorded series. */
  queryRange(startMs, endMs, stepMs) {
    const result = [];
    for (const s of this.series.values()) {
      const values = [];
      let i = 0;
      for (let t = startMs; t <= endMs; t += stepMs) {
        while (i + 1 < s.samples.length && s.samples[i + 1][0] <= t) {
          i++;
        }
        const [ts, v] = s.samples[i] ?? [];
        if (ts === undefined || ts > t || v === STALE || t - ts > LOOKBACK_MS) {
          continue;
        }
        values.push([t / 1000, formatSample(v)]);
      }
      if (values.length) {
        result.push({ metric: s.labels, values, pairs: labelPairs(s.labels) });
      }
    }
    // Prometheus sorts a range query's matrix by labels.Compare (src/testing/prometheus-order.ts).
    result.sort((a, b) => comparePairs(a.pairs, b.pairs));
    return { status: 'success', data: { resultType: 'matrix', result: result.map(({ metric, values }) => ({ metric, values })) } };
  }
}

/** [name, value, name, value, …] in label-name order. */
function labelPairs(labels) {
  return Object.keys(labels)
    .sort()
    .flatMap((name) => [name, labels[name]]);
}

/** labels.Compare: pair by pair, name then value; where one runs out first, it comes first. */
function comparePairs(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return a[i] < b[i] ? -1 : 1;
    }
  }
  return a.length - b.length;
}
