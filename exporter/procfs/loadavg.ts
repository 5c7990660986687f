/** /proc/loadavg: the 1, 5 and 15 minute load averages. */

export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
}

export function parseLoadavg(text: string): LoadAverage {
  const parts = text.trim().split(' ');
  const [load1, load5, load15] = parts.slice(0, 3).map(Number) as [number, number, number];
  if (parts.length < 3 || [load1, load5, load15].some(Number.isNaN)) {
    throw new Error(`/proc/loadavg: expected three load averages, got ${JSON.stringify(text.trim())}`);
  }
  return { load1, load5, load15 };
}
