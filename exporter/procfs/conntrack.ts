/** /proc/net/stat/nf_conntrack: a header naming the columns, then one line of hexadecimal counters per CPU. */
import { fieldsOf, hexadecimal, numberedLines } from './fields.js';

/** Column name (`found`, `insert_failed`, `search_restart`, …) → sum over all CPUs. */
export function parseConntrackStat(text: string, source = '/proc/net/stat/nf_conntrack'): Map<string, number> {
  const [header, ...rows] = numberedLines(text);
  if (header === undefined) throw new Error(`${source}: empty`);
  const columns = fieldsOf(header.text);
  const totals = new Map<string, number>(columns.map((column) => [column, 0]));
  for (const row of rows) {
    const values = fieldsOf(row.text);
    if (values.length !== columns.length) throw new Error(`${source} line ${row.number}: ${values.length} values for ${columns.length} columns`);
    columns.forEach((column, i) => totals.set(column, (totals.get(column) as number) + hexadecimal(values[i], `${source} line ${row.number}, ${column}`)));
  }
  return totals;
}
