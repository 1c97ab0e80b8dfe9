import { PanelData } from '@grafana/data';

/**
 * The group detail link: the option's URL with `${group}` (URL-encoded) and dashboard variables
 * replaced, then the panel's time range and data source added when the URL does not set them,
 * so the detail dashboard opens on the same group, time and Prometheus.
 */
export function groupDetailLink(template: string, group: string, replaceVariables: (s: string) => string, data: PanelData): string | undefined {
  if (!template) {
    return undefined;
  }
  const url = replaceVariables(template.split('${group}').join(encodeURIComponent(group)));
  const extra: string[] = [];
  if (!/[?&]from=/.test(url)) {
    const { raw, from, to } = data.timeRange;
    // A relative range (now-1h) stays relative; an absolute one is passed as epoch ms.
    const rawFrom = typeof raw.from === 'string' ? raw.from : String(from.valueOf());
    const rawTo = typeof raw.to === 'string' ? raw.to : String(to.valueOf());
    extra.push(`from=${encodeURIComponent(rawFrom)}`, `to=${encodeURIComponent(rawTo)}`);
  }
  const datasource = dataSourceUid(data, replaceVariables);
  if (datasource && !/[?&]var-datasource=/.test(url)) {
    extra.push(`var-datasource=${encodeURIComponent(datasource)}`);
  }
  if (extra.length === 0) {
    return url;
  }
  return `${url}${url.includes('?') ? '&' : '?'}${extra.join('&')}`;
}

/** The data source the panel's queries ran against, when they all used one (a mixed panel has none to keep). */
function dataSourceUid(data: PanelData, replaceVariables: (s: string) => string): string | undefined {
  const uids = new Set<string>();
  for (const target of data.request?.targets ?? []) {
    const ds = target.datasource;
    // `${datasource}` on the query: the dashboard variable's current value.
    const uid = ds && typeof ds === 'object' && typeof ds.uid === 'string' ? replaceVariables(ds.uid) : undefined;
    if (uid && !uid.includes('$') && uid !== '-- Mixed --') {
      uids.add(uid);
    }
  }
  return uids.size === 1 ? [...uids][0] : undefined;
}
