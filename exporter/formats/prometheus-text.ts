/** The Prometheus text format (0.0.4), as the textfile collector reads it from `*.prom` files. */

export type TextFamilyType = 'counter' | 'gauge' | 'untyped';

export interface TextSample {
  labelNames: string[];
  labelValues: string[];
  value: number;
}

export interface TextFamily {
  name: string;
  help: string | undefined;
  type: TextFamilyType;
  samples: TextSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

class LineError extends Error {}

function parseNumber(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new LineError(`invalid value ${JSON.stringify(text)}`);
  return value;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** Parses `{a="x",b="y"}` starting at `start` (the `{`); returns the index after `}`. */
function parseLabels(line: string, start: number, sample: TextSample): number {
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '}') return i + 1;
    const eq = line.indexOf('=', i);
    if (eq === -1) throw new LineError('label without "="');
    const name = line.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) throw new LineError(`invalid label name ${JSON.stringify(name)}`);
    if (name.startsWith('__')) throw new LineError(`label name ${name} is reserved (starts with __)`);
    if (sample.labelNames.includes(name)) throw new LineError(`label ${name} given twice`);
    i = eq + 1;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') throw new LineError(`value of label ${name} is not quoted`);
    i++;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) throw new LineError(`unexpected end of label value ${JSON.stringify(value)}`);
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
    i++;
    sample.labelNames.push(name);
    sample.labelValues.push(value);
    while (line[i] === ' ') i++;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') throw new LineError(`expected "," or "}" after label ${name}`);
  }
}

/** Families in order of first appearance; throws naming `source` and the line on the first error. */
export function parseTextFormat(text: string, source: string): TextFamily[] {
  const families = new Map<string, TextFamily>();
  const family = (name: string): TextFamily => {
    let found = families.get(name);
    if (found === undefined) {
      found = { name, help: undefined, type: 'untyped', samples: [] };
      families.set(name, found);
    }
    return found;
  };
  const typed = new Set<string>();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).trim();
    try {
      if (line === '') continue;
      if (line.startsWith('#')) {
        const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
        if (match === null) continue;
        const [, keyword, name, rest = ''] = match as unknown as [string, string, string, string | undefined];
        if (!NAME.test(name)) throw new LineError(`invalid metric name ${JSON.stringify(name)}`);
        const target = family(name);
        if (keyword === 'HELP') {
          if (target.help !== undefined) throw new LineError(`second HELP line for ${name}`);
          target.help = unescapeHelp(rest);
        } else {
          if (typed.has(name)) throw new LineError(`second TYPE line for ${name}`);
          if (target.samples.length > 0) throw new LineError(`TYPE line for ${name} after its samples`);
          if (rest !== 'counter' && rest !== 'gauge' && rest !== 'untyped') {
            throw new LineError(`type ${JSON.stringify(rest)} of ${name} is not supported (counter, gauge and untyped are)`);
          }
          target.type = rest;
          typed.add(name);
        }
        continue;
      }
      const nameEnd = line.search(/[{ \t]/);
      if (nameEnd === -1) throw new LineError('sample without a value');
      const name = line.slice(0, nameEnd);
      if (!NAME.test(name)) throw new LineError(`invalid metric name ${JSON.stringify(name)}`);
      const sample: TextSample = { labelNames: [], labelValues: [], value: 0 };
      const afterLabels = line[nameEnd] === '{' ? parseLabels(line, nameEnd, sample) : nameEnd;
      const rest = line.slice(afterLabels).trim().split(/\s+/);
      if (rest.length > 1) throw new LineError('client-side timestamps are not supported');
      sample.value = parseNumber(rest[0] ?? '');
      family(name).samples.push(sample);
    } catch (error) {
      if (error instanceof LineError) throw new Error(`${source} line ${n + 1}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return [...families.values()].filter((f) => f.samples.length > 0);
}
