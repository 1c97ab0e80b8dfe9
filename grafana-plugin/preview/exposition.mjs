// Prometheus text exposition → samples. Only what the collector's /metrics needs: gauges and
// counters with labels; histogram and summary lines parse the same way (they are just series).

/**
 * `recovery_member_lag_seconds{group="orders-db",member="pg-2"} 38.5`
 * @returns {Array<{ labels: Record<string,string>, value: number }>} labels include __name__
 */
export function parseExposition(text) {
  const out = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const parsed = parseLine(line);
    if (parsed) {
      out.push(parsed);
    }
  }
  return out;
}

function parseLine(line) {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  let name;
  let rest;
  const labels = {};
  if (brace !== -1 && (space === -1 || brace < space)) {
    name = line.slice(0, brace);
    let i = brace + 1;
    while (i < line.length && line[i] !== '}') {
      const eq = line.indexOf('=', i);
      const key = line.slice(i, eq).trim().replace(/^,/, '').trim();
      i = eq + 2; // skip ="
      let value = '';
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\') {
          const next = line[i + 1];
          value += next === 'n' ? '\n' : next;
          i += 2;
        } else {
          value += line[i++];
        }
      }
      labels[key] = value;
      i++; // closing quote
      while (line[i] === ',' || line[i] === ' ') {
        i++;
      }
    }
    rest = line.slice(i + 1).trim();
  } else {
    name = line.slice(0, space);
    rest = line.slice(space + 1).trim();
  }
  const [valueText] = rest.split(/\s+/);
  const value = parseSample(valueText);
  if (!name || valueText === undefined) {
    return undefined;
  }
  return { labels: { __name__: name, ...labels }, value };
}

export function parseSample(text) {
  if (/^[+-]?inf/i.test(text)) {
    return text.startsWith('-') ? -Infinity : Infinity;
  }
  return Number(text);
}

/** Prometheus' JSON spelling of a sample value. */
export function formatSample(value) {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (value === Infinity) {
    return '+Inf';
  }
  if (value === -Infinity) {
    return '-Inf';
  }
  return String(value);
}
