/** /proc/meminfo: every field, named as node_exporter names them (`Active(anon)` → `Active_anon`, kB → `_bytes`). */

export interface MeminfoField {
  /** `MemTotal_bytes`, `Active_anon_bytes`, `HugePages_Total` (no unit, no suffix). */
  name: string;
  value: number;
}

export function parseMeminfo(text: string): MeminfoField[] {
  const fields: MeminfoField[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`/proc/meminfo line ${i + 1}: no "name:" in ${JSON.stringify(line)}`);
    const parts = line.slice(colon + 1).trim().split(/ +/);
    const value = Number(parts[0]);
    if (parts[0] === '' || Number.isNaN(value)) throw new Error(`/proc/meminfo line ${i + 1}: no numeric value in ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).replace(/\((.*)\)/, '_$1');
    if (parts[1] === 'kB') {
      fields.push({ name: `${name}_bytes`, value: value * 1024 });
    } else if (parts[1] === undefined) {
      fields.push({ name, value });
    } else {
      throw new Error(`/proc/meminfo line ${i + 1}: unknown unit ${JSON.stringify(parts[1])}`);
    }
  }
  return fields;
}
