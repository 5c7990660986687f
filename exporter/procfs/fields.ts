/** Small strict helpers shared by the line-oriented /proc and /sys parsers: errors name the file and line. */

export interface NumberedLine {
  /** 1-based. */
  number: number;
  text: string;
}

/** The non-empty lines of `text`, with their line numbers. */
export function numberedLines(text: string): NumberedLine[] {
  const out: NumberedLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() !== '') out.push({ number: i + 1, text: line });
  }
  return out;
}

/** Whitespace-separated fields of one line. */
export function fieldsOf(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const HEX = /^(0x)?[0-9a-fA-F]+$/;

/**
 * `where` names the file and line, e.g. `/proc/net/snmp line 4`, and `field` the value in it: the
 * message is put together only on an error (a scrape parses a few hundred values).
 */
export function decimal(token: string | undefined, where: string, field?: string): number {
  if (token === undefined || !DECIMAL.test(token)) {
    throw new Error(`${where}${field === undefined ? '' : `, ${field}`}: expected a number, got ${JSON.stringify(token ?? '')}`);
  }
  return Number(token);
}

export function hexadecimal(token: string | undefined, where: string): number {
  if (token === undefined || !HEX.test(token)) throw new Error(`${where}: expected a hexadecimal number, got ${JSON.stringify(token ?? '')}`);
  return Number.parseInt(token.startsWith('0x') ? token.slice(2) : token, 16);
}

/** A file that holds one number (sysctl values, sysfs attributes). */
export function singleNumber(text: string, source: string): number {
  return decimal(text.trim(), source);
}

export interface LabelledLine {
  values: number[];
  /** Names the file and line, for errors found after parsing. */
  where: string;
}

/** `label value value …` lines (nfs, nfsd, xfs stats) by label; values stay positional. */
export function parseLabelledLines(text: string, source: string): Map<string, LabelledLine> {
  const lines = new Map<string, LabelledLine>();
  for (const line of numberedLines(text)) {
    const [label, ...tokens] = fieldsOf(line.text);
    const where = `${source} line ${line.number}`;
    if (label === undefined || tokens.length === 0) throw new Error(`${where}: expected "label value …", got ${JSON.stringify(line.text)}`);
    lines.set(label, { values: tokens.map((token) => decimal(token, where, label)), where });
  }
  return lines;
}

/** The values of a line that must have at least `count` of them. */
export function fixedValues(line: LabelledLine, label: string, count: number): number[] {
  if (line.values.length < count) throw new Error(`${line.where}: expected ${count} values for "${label}", got ${line.values.length}`);
  return line.values;
}
