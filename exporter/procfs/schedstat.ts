/** /proc/schedstat: per-CPU `cpuN` lines whose 7th–9th values are running time (ns), waiting time (ns) and timeslices. */
import { decimal, fieldsOf, numberedLines } from './fields.js';

export interface SchedstatCpu {
  cpu: string;
  runningSeconds: number;
  waitingSeconds: number;
  timeslices: number;
}

const CPU_LINE = /^cpu(\d+)$/;

/** `version`, `timestamp` and `domain` lines are skipped. */
export function parseSchedstat(text: string, source = '/proc/schedstat'): SchedstatCpu[] {
  const cpus: SchedstatCpu[] = [];
  for (const line of numberedLines(text)) {
    const [label, ...values] = fieldsOf(line.text);
    const cpu = CPU_LINE.exec(label ?? '')?.[1];
    if (cpu === undefined) continue;
    const where = `${source} line ${line.number}`;
    if (values.length < 9) throw new Error(`${where}: expected at least 9 values after cpu${cpu}, got ${values.length}`);
    cpus.push({
      cpu,
      runningSeconds: decimal(values[6], where) / 1e9,
      waitingSeconds: decimal(values[7], where) / 1e9,
      timeslices: decimal(values[8], where),
    });
  }
  return cpus;
}
