/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every family has HELP
 * and TYPE before its samples, names and labels are well formed, label values are properly escaped,
 * values parse, counters end in `_total`, histograms have cumulative buckets ending in +Inf that equal
 * `_count`. Returns the problems it found (empty when the text is clean) and the families.
 */
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string | null;
  type: string | null;
  samples: Sample[];
}

function parseValue(text: string): number | null {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : null;
}

/** Parses `{a="x",b="y\"z"}` strictly; returns null on any syntax error. */
function parseLabels(text: string): Record<string, string> | null {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) return null;
    const name = text.slice(i, eq);
    if (!LABEL.test(name) || name in labels || text[eq + 1] !== '"') return null;
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else return null;
      } else if (text[j] === '\n') {
        return null;
      } else {
        value += text[j];
      }
    }
    if (j >= text.length) return null;
    labels[name] = value;
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ',') return null;
      i++;
    }
  }
  return labels;
}

function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  for (const suffix of ['', '_bucket', '_sum', '_count']) {
    if (suffix && !sample.endsWith(suffix)) continue;
    const family = families.get(suffix ? sample.slice(0, -suffix.length) : sample);
    if (family && (suffix === '' || family.type === 'histogram' || family.type === 'summary')) return family;
  }
  return undefined;
}

export function readExposition(text: string): { problems: string[]; families: Map<string, Family> } {
  const problems: string[] = [];
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) {
      f = { name, help: null, type: null, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  if (!text.endsWith('\n')) problems.push('the text does not end with a newline');
  text.split('\n').forEach((line, index) => {
    const at = `line ${index + 1}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!match) return; // a plain comment
      const [, kind, name, rest] = match as unknown as [string, string, string, string];
      if (!NAME.test(name)) problems.push(`${at}: bad metric name ${name}`);
      const f = family(name);
      if (f.samples.length > 0) problems.push(`${at}: ${kind} for ${name} after its samples`);
      if (kind === 'HELP') {
        if (f.help !== null) problems.push(`${at}: second HELP for ${name}`);
        if (/\\[^n\\]/.test(rest)) problems.push(`${at}: bad escape in HELP of ${name}`);
        f.help = rest;
      } else {
        if (f.type !== null) problems.push(`${at}: second TYPE for ${name}`);
        if (!TYPES.has(rest)) problems.push(`${at}: unknown type ${rest}`);
        f.type = rest;
      }
      return;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!match) {
      problems.push(`${at}: not a sample: ${line.slice(0, 80)}`);
      return;
    }
    const [, name, labelText, valueText] = match as unknown as [string, string, string | undefined, string];
    const labels = labelText === undefined || labelText === '' ? {} : parseLabels(labelText);
    const value = parseValue(valueText);
    if (labels === null) problems.push(`${at}: bad labels ${labelText}`);
    if (value === null) problems.push(`${at}: bad value ${valueText}`);
    const f = familyOf(name, families);
    if (!f) {
      problems.push(`${at}: sample ${name} without HELP/TYPE`);
      return;
    }
    f.samples.push({ name, labels: labels ?? {}, value: value ?? Number.NaN });
  });

  for (const f of families.values()) {
    if (f.help === null || f.help.trim() === '') problems.push(`${f.name}: no HELP`);
    if (f.type === null) problems.push(`${f.name}: no TYPE`);
    if (f.type === 'counter' && !f.name.endsWith('_total'))
      problems.push(`${f.name}: counter without _total`);
    if (f.type !== 'counter' && f.name.endsWith('_total')) problems.push(`${f.name}: _total on a ${f.type}`);
    if (f.type === 'histogram') problems.push(...checkHistogram(f));
  }
  return { problems, families };
}

function checkHistogram(f: Family): string[] {
  const problems: string[] = [];
  const series = new Map<string, Sample[]>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, samples] of series) {
    const buckets = samples.filter((s) => s.name === `${f.name}_bucket`);
    const count = samples.find((s) => s.name === `${f.name}_count`);
    if (!samples.some((s) => s.name === `${f.name}_sum`) || !count)
      problems.push(`${f.name}${key}: no _sum/_count`);
    if (buckets.some((b) => b.labels.le === undefined)) problems.push(`${f.name}${key}: bucket without le`);
    const inf = buckets.find((b) => b.labels.le === '+Inf');
    if (!inf) problems.push(`${f.name}${key}: no +Inf bucket`);
    else if (count && inf.value !== count.value) problems.push(`${f.name}${key}: +Inf bucket != _count`);
    for (let i = 1; i < buckets.length; i++) {
      if (Number(buckets[i]!.labels.le) < Number(buckets[i - 1]!.labels.le))
        problems.push(`${f.name}: le out of order`);
      if (buckets[i]!.value < buckets[i - 1]!.value) problems.push(`${f.name}: buckets not cumulative`);
    }
  }
  return problems;
}
