/**
 * What a scraper asked for. Prometheus sends
 * `Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`
 * and `Accept-Encoding: gzip`; curl and browsers send `*\/*` and get the Prometheus text format.
 */
import type { ExpositionFormat } from './exposition-format';

/** OpenMetrics when the client names it and prefers it at least as much as text/plain; else Prometheus text. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined) return 'prometheus';
  let openMetrics = 0;
  let plain = 0;
  for (const { value, q } of preferences(accept)) {
    const mediaType = value.toLowerCase();
    if (mediaType === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (mediaType === 'text/plain' || mediaType === 'text/*' || mediaType === '*/*') plain = Math.max(plain, q);
  }
  return openMetrics > 0 && openMetrics >= plain ? 'openmetrics' : 'prometheus';
}

/** `Accept-Encoding: gzip` (or `gzip;q=0.8`, `*`), unless gzip is refused with `q=0`. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  let gzip: number | undefined;
  let any: number | undefined;
  for (const { value, q } of preferences(acceptEncoding)) {
    const coding = value.toLowerCase();
    if (coding === 'gzip' || coding === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (coding === '*') any = q;
  }
  return (gzip ?? any ?? 0) > 0;
}

/** `a;version=1;q=0.5, b` → [{a, 0.5}, {b, 1}]; a malformed q counts as 1, as most servers read it. */
function preferences(header: string): { value: string; q: number }[] {
  return header.split(',').map((item) => {
    const [value = '', ...params] = item.split(';').map((part) => part.trim());
    const qParam = params.find((p) => /^q=/i.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return { value, q: Number.isFinite(q) ? q : 1 };
  });
}
