/**
 * An exposition read by a real parser into a set of samples, so two expositions
 * can be compared in meaning (names, labels, values, help, type) whatever their
 * order or number spelling. Test-only.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** `+Inf`, `Nan`, `1e+21`, `0.50` → one spelling per value. */
function canonicalValue(text: string): string {
  if (/^\+?inf$/i.test(text)) return '+Inf';
  if (/^-inf$/i.test(text)) return '-Inf';
  if (/^nan$/i.test(text)) return 'NaN';
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`not a sample value: "${text}"`);
  return String(value);
}

function labelText(labels: Record<string, string> = {}): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(',');
}

/**
 * One line per sample, `family|TYPE|sample{sorted labels} value`, sorted; each family's
 * type and help in `help`. The parser reads the families' headers from the whole text,
 * and every sample line on its own: it folds a labelled histogram's series into one
 * and drops their labels, so samples are not taken from its family objects.
 */
export function sampleSet(text: string): { samples: string[]; help: Map<string, string> } {
  const help = new Map<string, string>();
  for (const family of parsePrometheusTextFormat(text)) help.set(family.name, `${family.type} ${family.help}`);
  const familyOf = (sample: string): string | undefined => {
    if (help.has(sample)) return sample;
    const base = sample.replace(/_(bucket|sum|count)$/, '');
    return help.get(base)?.startsWith('HISTOGRAM') || help.get(base)?.startsWith('SUMMARY') ? base : undefined;
  };
  const samples: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [parsed] = parsePrometheusTextFormat(`${line}\n`);
    const sample = parsed!.metrics[0]!;
    const family = familyOf(parsed!.name);
    if (family === undefined) throw new Error(`sample ${parsed!.name} outside any announced family: ${line}`);
    const labels = { ...sample.labels };
    if (labels['le'] !== undefined) labels['le'] = canonicalValue(labels['le']);
    samples.push(`${family}|${help.get(family)!.split(' ')[0]}|${parsed!.name}{${labelText(labels)}} ${canonicalValue(sample.value!)}`);
  }
  return { samples: samples.sort(), help };
}

/** Names that have more than one `# TYPE` or `# HELP` line: a family must be announced once. */
export function repeatedHeaders(text: string): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const line of text.split('\n')) {
    const header = /^# (HELP|TYPE) (\S+)/.exec(line);
    if (header === null) continue;
    const key = `${header[1]} ${header[2]}`;
    if (seen.has(key)) repeated.push(key);
    seen.add(key);
  }
  return repeated;
}
