/** /proc/net/softnet_stat: one line of hexadecimal counters per CPU; newer kernels append columns. */
import { fieldsOf, hexadecimal, numberedLines } from './fields.js';

export interface SoftnetStat {
  /** The CPU number (the 13th column since Linux 5.14, else the line's position). */
  cpu: number;
  processed: number;
  dropped: number;
  timeSqueezed: number;
  cpuCollision: number;
  /** Since Linux 2.6.39. */
  receivedRps?: number;
  /** Since Linux 4.18. */
  flowLimitCount?: number;
  /** Since Linux 5.14. */
  backlogLength?: number;
}

const MIN_COLUMNS = 9;

export function parseSoftnet(text: string, source = '/proc/net/softnet_stat'): SoftnetStat[] {
  return numberedLines(text).map((line, position) => {
    const columns = fieldsOf(line.text);
    const where = `${source} line ${line.number}`;
    if (columns.length < MIN_COLUMNS) throw new Error(`${where}: expected at least ${MIN_COLUMNS} columns, got ${columns.length}`);
    const column = (index: number): number | undefined => (index < columns.length ? hexadecimal(columns[index], `${where}, column ${index + 1}`) : undefined);
    const stat: SoftnetStat = {
      cpu: column(12) ?? position,
      processed: column(0) as number,
      dropped: column(1) as number,
      timeSqueezed: column(2) as number,
      cpuCollision: column(8) as number,
    };
    const receivedRps = column(9);
    const flowLimitCount = column(10);
    const backlogLength = columns.length >= 13 ? column(11) : undefined;
    if (receivedRps !== undefined) stat.receivedRps = receivedRps;
    if (flowLimitCount !== undefined) stat.flowLimitCount = flowLimitCount;
    if (backlogLength !== undefined) stat.backlogLength = backlogLength;
    return stat;
  });
}
