/**
 * /proc/interrupts: a header naming one column per CPU, then per interrupt `NAME: count… details`.
 * Numbered interrupts have a controller (`info`) then the device names; named ones (NMI, LOC) have a description.
 */
import { decimal, fieldsOf, numberedLines } from './fields.js';

export interface Interrupt {
  name: string;
  info: string;
  devices: string;
  /** One count per CPU column, in header order. */
  perCpu: number[];
}

export function parseInterrupts(text: string, source = '/proc/interrupts'): Interrupt[] {
  const [header, ...rows] = numberedLines(text);
  if (header === undefined) throw new Error(`${source}: empty`);
  const cpus = fieldsOf(header.text).length;
  const byName = new Map<string, Interrupt>();
  for (const row of rows) {
    const colon = row.text.indexOf(':');
    if (colon < 0) continue;
    const name = row.text.slice(0, colon).trim();
    const parts = fieldsOf(row.text.slice(colon + 1));
    // ERR and MIS hold one system-wide count, not one per CPU.
    if (parts.length < cpus + 1) continue;
    const where = `${source} line ${row.number}, ${name}`;
    const perCpu = parts.slice(0, cpus).map((count) => decimal(count, where));
    const details = parts.slice(cpus);
    const numbered = /^\d+$/.test(name);
    byName.set(name, {
      name,
      info: numbered ? (details[0] as string) : details.join(' '),
      devices: numbered ? details.slice(1).join(' ') : '',
      perCpu,
    });
  }
  return [...byName.values()];
}
