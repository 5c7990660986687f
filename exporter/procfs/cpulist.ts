/** The kernel's CPU list format (`0-2,5`, as in /sys/devices/system/cpu/isolated) as the CPU numbers it names. */
export function parseCpuList(text: string, source = 'cpu list'): string[] {
  const cpus: string[] = [];
  for (const range of text.trim().split(',')) {
    if (range === '') continue;
    const [first, last = first] = range.split('-').map(Number) as [number, number?];
    if (!Number.isInteger(first) || !Number.isInteger(last) || last < first) throw new Error(`${source}: invalid CPU range ${JSON.stringify(range)}`);
    for (let cpu = first; cpu <= last; cpu++) cpus.push(String(cpu));
  }
  return cpus;
}
