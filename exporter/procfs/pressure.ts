/** /proc/pressure/{cpu,io,memory} (PSI): `some` and `full` lines, total stall time in µs → seconds. */

export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  totalSeconds: number;
}

export interface Pressure {
  some?: PressureLine;
  full?: PressureLine;
}

export function parsePressure(text: string, source = 'pressure'): Pressure {
  const pressure: Pressure = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const [kind, ...pairs] = line.split(' ');
    if (kind !== 'some' && kind !== 'full') throw new Error(`${source} line ${i + 1}: expected "some" or "full", got ${JSON.stringify(kind)}`);
    const values: Record<string, number> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      values[pair.slice(0, eq)] = Number(pair.slice(eq + 1));
    }
    const { avg10, avg60, avg300, total } = values;
    if ([avg10, avg60, avg300, total].some((value) => value === undefined || Number.isNaN(value))) {
      throw new Error(`${source} line ${i + 1}: expected avg10, avg60, avg300 and total`);
    }
    pressure[kind] = { avg10: avg10 as number, avg60: avg60 as number, avg300: avg300 as number, totalSeconds: (total as number) / 1e6 };
  }
  return pressure;
}
