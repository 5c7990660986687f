/** /proc/vmstat: `name value` lines. */

export interface VmstatField {
  name: string;
  value: number;
}

export function parseVmstat(text: string): VmstatField[] {
  const fields: VmstatField[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const space = line.indexOf(' ');
    const value = Number(line.slice(space + 1));
    if (space <= 0 || Number.isNaN(value)) throw new Error(`/proc/vmstat line ${i + 1}: expected "name value", got ${JSON.stringify(line)}`);
    fields.push({ name: line.slice(0, space), value });
  }
  return fields;
}
