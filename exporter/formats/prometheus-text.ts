/**
 * The Prometheus text format (0.0.4), as the textfile collector reads it from `*.prom` files: fed
 * one line at a time, so a file is never held whole. Values and names follow Go's expfmt parser.
 */

export type TextFamilyType = 'counter' | 'gauge' | 'untyped' | 'histogram' | 'summary';

/** A histogram's buckets (without `+Inf`) or a summary's quantiles, with `_sum` and `_count`. */
export interface TextDistribution {
  /** `le` bounds (histogram) or quantiles (summary), ascending, each with its value. */
  points: [number, number][];
  sum: number;
  count: number;
}

export interface TextSample {
  labelNames: string[];
  labelValues: string[];
  /** The value; for a histogram or summary, its count. */
  value: number;
  /** Present exactly in the samples of histogram and summary families. */
  distribution?: TextDistribution;
}

export interface TextFamily {
  name: string;
  help: string | undefined;
  type: TextFamilyType;
  samples: TextSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly string[] = ['counter', 'gauge', 'untyped', 'histogram', 'summary'];
// strconv.ParseFloat's decimal syntax; expfmt refuses hex floats and underscores, and Go's range errors fail too.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Readonly<Record<string, number>> = { inf: Infinity, '+inf': Infinity, infinity: Infinity, '+infinity': Infinity, '-inf': -Infinity, '-infinity': -Infinity, nan: NaN, '+nan': NaN, '-nan': NaN };

class LineError extends Error {}

function parseNumber(text: string): number {
  const special = SPECIAL[text.toLowerCase()];
  if (special !== undefined) return special;
  if (!DECIMAL.test(text)) throw new LineError(`invalid value ${JSON.stringify(text)}`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new LineError(`value ${text} is out of range`);
  return value;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/**
 * Parses `{a="x",b="y"}` starting at `start` (the `{`) into `names` and `values`; returns the index
 * after `}`. A value without escapes is a slice of the line, not a string built a character at a time.
 */
function parseLabels(line: string, start: number, names: string[], values: string[]): number {
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '}') return i + 1;
    const eq = line.indexOf('=', i);
    if (eq === -1) throw new LineError('label without "="');
    const name = line.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) throw new LineError(`invalid label name ${JSON.stringify(name)}`);
    if (name.startsWith('__')) throw new LineError(`label name ${name} is reserved (starts with __)`);
    if (names.includes(name)) throw new LineError(`label ${name} given twice`);
    i = eq + 1;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') throw new LineError(`value of label ${name} is not quoted`);
    const valueStart = i + 1;
    let end = valueStart;
    while (end < line.length && line[end] !== '"' && line[end] !== '\\') end++;
    let value = line.slice(valueStart, end);
    i = end;
    if (line[i] === '\\') {
      for (;;) {
        const c = line[i];
        if (c === undefined) break;
        if (c === '"') break;
        if (c === '\\') {
          const next = line[i + 1];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else throw new LineError(`invalid escape \\${next ?? ''} in label ${name}`);
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
    }
    if (line[i] !== '"') throw new LineError(`unexpected end of label value ${JSON.stringify(value)}`);
    i++;
    names.push(name);
    values.push(value);
    while (line[i] === ' ') i++;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') throw new LineError(`expected "," or "}" after label ${name}`);
  }
}

/** One series of a histogram or summary being read: its labels without `le` / `quantile`. */
interface PendingDistribution {
  sample: TextSample;
  points: [number, number][];
  sum: number | undefined;
  count: number | undefined;
}

interface PendingFamily extends TextFamily {
  distributions?: Map<string, PendingDistribution>;
}

const SUFFIXES = ['_bucket', '_sum', '_count'] as const;

function seriesKey(sample: TextSample): string {
  return sample.labelNames.map((name, i) => `${name}=${JSON.stringify(sample.labelValues[i])}`).sort().join(',');
}

/** A stream of lines in, families (in order of first appearance) out; errors name the source and the line. */
export class TextFormatParser {
  readonly #families = new Map<string, PendingFamily>();
  readonly #typed = new Set<string>();
  /** One shared array per list of label names: most lines of a file repeat a few. */
  readonly #labelNameLists = new Map<string, string[]>();
  readonly #source: string;
  #lineNumber = 0;

  constructor(source: string) {
    this.#source = source;
  }

  /** One line, without its `\n`. */
  line(text: string): void {
    this.#lineNumber++;
    try {
      this.#parse(text.trim());
    } catch (error) {
      if (error instanceof LineError) throw new Error(`${this.#source} line ${this.#lineNumber}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /** The families with at least one sample. */
  finish(): TextFamily[] {
    const out: TextFamily[] = [];
    for (const family of this.#families.values()) {
      if (family.distributions !== undefined) {
        for (const { sample, points, sum, count } of family.distributions.values()) {
          points.sort(([a], [b]) => a - b);
          const infinite = family.type === 'histogram' && points.at(-1)?.[0] === Infinity ? points.pop() : undefined;
          sample.value = count ?? infinite?.[1] ?? 0;
          sample.distribution = { points, sum: sum ?? 0, count: sample.value };
          family.samples.push(sample);
        }
      }
      if (family.samples.length > 0) out.push({ name: family.name, help: family.help, type: family.type, samples: family.samples });
    }
    return out;
  }

  #shared(names: string[]): string[] {
    const key = names.join(',');
    const found = this.#labelNameLists.get(key);
    if (found !== undefined) return found;
    this.#labelNameLists.set(key, names);
    return names;
  }

  #family(name: string): PendingFamily {
    let found = this.#families.get(name);
    if (found === undefined) {
      found = { name, help: undefined, type: 'untyped', samples: [] };
      this.#families.set(name, found);
    }
    return found;
  }

  #parse(line: string): void {
    if (line === '') return;
    if (line.startsWith('#')) {
      const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (match === null) return;
      const [, keyword, name, rest = ''] = match as unknown as [string, string, string, string | undefined];
      if (!NAME.test(name)) throw new LineError(`invalid metric name ${JSON.stringify(name)}`);
      const target = this.#family(name);
      if (keyword === 'HELP') {
        if (target.help !== undefined) throw new LineError(`second HELP line for ${name}`);
        target.help = unescapeHelp(rest);
        return;
      }
      if (this.#typed.has(name)) throw new LineError(`second TYPE line for ${name}`);
      if (target.samples.length > 0) throw new LineError(`TYPE line for ${name} after its samples`);
      if (!TYPES.includes(rest)) throw new LineError(`unknown type ${JSON.stringify(rest)} of ${name}`);
      target.type = rest as TextFamilyType;
      if (target.type === 'histogram' || target.type === 'summary') target.distributions = new Map();
      this.#typed.add(name);
      return;
    }
    const nameEnd = line.search(/[{ \t]/);
    if (nameEnd === -1) throw new LineError('sample without a value');
    const name = line.slice(0, nameEnd);
    if (!NAME.test(name)) throw new LineError(`invalid metric name ${JSON.stringify(name)}`);
    const names: string[] = [];
    const sample: TextSample = { labelNames: names, labelValues: [], value: 0 };
    const afterLabels = line[nameEnd] === '{' ? parseLabels(line, nameEnd, names, sample.labelValues) : nameEnd;
    const rest = line.slice(afterLabels).trim().split(/\s+/);
    if (rest.length > 1) throw new LineError('client-side timestamps are not supported');
    sample.value = parseNumber(rest[0] ?? '');
    if (this.#addToDistribution(name, sample)) return;
    sample.labelNames = this.#shared(names);
    this.#family(name).samples.push(sample);
  }

  /** A `_bucket`/`_sum`/`_count` line or quantile of a histogram or summary family; false for any other sample. */
  #addToDistribution(name: string, sample: TextSample): boolean {
    let family = this.#families.get(name);
    let suffix: (typeof SUFFIXES)[number] | '' = '';
    if (family?.distributions === undefined) {
      suffix = SUFFIXES.find((candidate) => name.endsWith(candidate) && this.#families.get(name.slice(0, -candidate.length))?.distributions !== undefined) ?? '';
      if (suffix === '') return false;
      family = this.#families.get(name.slice(0, -suffix.length)) as PendingFamily;
    }
    const distributions = family.distributions as Map<string, PendingDistribution>;
    const pointLabel = family.type === 'histogram' ? 'le' : 'quantile';
    if (suffix === '' && family.type === 'histogram') throw new LineError(`histogram ${family.name} sample without _bucket, _sum or _count`);
    let point: number | undefined;
    if (suffix === '' || suffix === '_bucket') {
      const at = sample.labelNames.indexOf(pointLabel);
      if (at === -1) throw new LineError(`${family.type} ${family.name} sample without a "${pointLabel}" label`);
      point = parseNumber(sample.labelValues[at] as string);
      sample.labelNames.splice(at, 1);
      sample.labelValues.splice(at, 1);
    }
    const key = seriesKey(sample);
    let pending = distributions.get(key);
    if (pending === undefined) {
      pending = { sample, points: [], sum: undefined, count: undefined };
      distributions.set(key, pending);
    }
    if (point !== undefined) {
      if (pending.points.some(([existing]) => existing === point)) throw new LineError(`${pointLabel}="${point}" of ${family.name} given twice`);
      pending.points.push([point, sample.value]);
    } else if (suffix === '_sum') {
      if (pending.sum !== undefined) throw new LineError(`${name} given twice`);
      pending.sum = sample.value;
    } else {
      if (pending.count !== undefined) throw new LineError(`${name} given twice`);
      pending.count = sample.value;
    }
    return true;
  }
}

/** Families in order of first appearance; throws naming `source` and the line on the first error. */
export function parseTextFormat(text: string, source: string): TextFamily[] {
  const parser = new TextFormatParser(source);
  for (const line of text.split('\n')) parser.line(line);
  return parser.finish();
}
