/**
 * ZFS kstats under /proc/spl/kstat/zfs: "named" files (a header line, then `name type data`
 * rows), pool I/O files (a line of names then a line of values) and pool state files.
 */
import { decimal, fieldsOf, numberedLines } from './fields.js';

/** kstat data types that carry a number: KSTAT_DATA_INT64 and KSTAT_DATA_UINT64. */
const NUMERIC_TYPES = new Set(['3', '4']);
const STRING_TYPE = '7';

export interface NamedKstat {
  /** Name → value of the signed and unsigned integer rows. */
  numbers: Map<string, number>;
  /** Name → text of the string rows (e.g. an objset's `dataset_name`, which may hold spaces). */
  strings: Map<string, string>;
}

export function parseNamedKstat(text: string, source: string): NamedKstat {
  const kstat: NamedKstat = { numbers: new Map(), strings: new Map() };
  let inRows = false;
  for (const line of numberedLines(text)) {
    const fields = fieldsOf(line.text);
    if (!inRows) {
      inRows = fields.join(' ') === 'name type data';
      continue;
    }
    const [name, type, data] = fields;
    if (name === undefined || type === undefined || data === undefined) continue;
    if (NUMERIC_TYPES.has(type)) kstat.numbers.set(name, decimal(data, `${source} line ${line.number}, ${name}`));
    else if (type === STRING_TYPE) kstat.strings.set(name, line.text.trim().replace(/^\S+\s+\S+\s+/, ''));
  }
  if (!inRows) throw new Error(`${source}: no "name type data" header`);
  return kstat;
}

/** A pool's `io` kstat: the line starting with `nread` names the values on the next line. */
export function parsePoolIoKstat(text: string, source: string): Map<string, number> {
  const lines = numberedLines(text);
  const header = lines.findIndex((line) => fieldsOf(line.text)[0] === 'nread');
  if (header < 0) throw new Error(`${source}: no "nread …" header`);
  const names = fieldsOf((lines[header] as { text: string }).text);
  const valuesLine = lines[header + 1];
  if (valuesLine === undefined) throw new Error(`${source}: no values after the header`);
  const values = fieldsOf(valuesLine.text);
  const where = `${source} line ${valuesLine.number}`;
  if (values.length !== names.length) throw new Error(`${where}: ${values.length} values for ${names.length} names`);
  return new Map(names.map((name, i) => [name, decimal(values[i], `${where}, ${name}`)]));
}
