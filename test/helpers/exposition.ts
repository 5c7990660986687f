/** A small parser of the Prometheus text format (0.0.4), for assertions in tests. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', '_info'];

function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Parses an exposition into families keyed by name; samples without TYPE get type 'untyped'. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (found === undefined) {
      found = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, found);
    }
    return found;
  };
  const ownerOf = (sampleName: string): Family => {
    if (families.has(sampleName)) return family(sampleName);
    for (const suffix of SUFFIXES) {
      if (sampleName.endsWith(suffix)) {
        const base = sampleName.slice(0, -suffix.length);
        if (families.has(base)) return family(base);
      }
    }
    return family(sampleName);
  };
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# EOF')) continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (kind === 'HELP') family(name).help = rest;
      else family(name).type = rest;
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (match === null) throw new Error(`unparsable exposition line: ${line}`);
    const [, name, labelText = '', value] = match as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    for (const pair of labelText.matchAll(LABEL_PAIR)) labels[pair[1]!] = unescapeLabel(pair[2]!);
    ownerOf(name).samples.push({ name, labels, value: parseValue(value) });
  }
  return families;
}

/** The value of the one sample called `name` whose labels include `labels`; undefined if none. */
export function sampleValue(text: string | Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const families = typeof text === 'string' ? parseExposition(text) : text;
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) return sample.value;
    }
  }
  return undefined;
}

/** Sorted label names used by a family's samples (without le/quantile). */
export function labelNames(family: Family): string[] {
  const names = new Set<string>();
  for (const sample of family.samples) {
    for (const key of Object.keys(sample.labels)) if (key !== 'le' && key !== 'quantile') names.add(key);
  }
  return [...names].sort();
}
