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

/** `where` names the file and line, e.g. `/proc/net/snmp line 4`. */
export function decimal(token: string | undefined, where: string): number {
  if (token === undefined || !DECIMAL.test(token)) throw new Error(`${where}: expected a number, got ${JSON.stringify(token ?? '')}`);
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
