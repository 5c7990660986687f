/** /proc/stat: per-CPU times (USER_HZ ticks → seconds) and the kernel's activity counters. */

/** The kernel exports these in USER_HZ, which is 100 on every architecture Linux supports today. */
export const USER_HZ = 100;

export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  guest: number;
  guestNice: number;
}

export interface CpuStat extends CpuTimes {
  /** The number after `cpu`, as a string because it becomes a label value. */
  cpu: string;
}

export interface Stat {
  /** The `cpu` line: all CPUs together. */
  total: CpuTimes | undefined;
  cpus: CpuStat[];
  bootTimeSeconds: number | undefined;
  contextSwitches: number | undefined;
  forks: number | undefined;
  interrupts: number | undefined;
  procsRunning: number | undefined;
  procsBlocked: number | undefined;
  /** The `softirq` line's per-vector counts, in SOFTIRQ_VECTORS order (its first number, the total, left out). */
  softirqs: number[] | undefined;
}

/** The kernel's softirq vectors in /proc/stat order, as node_exporter names them. */
export const SOFTIRQ_VECTORS = ['hi', 'timer', 'net_tx', 'net_rx', 'block', 'block_iopoll', 'tasklet', 'sched', 'hrtimer', 'rcu'] as const;

function parseSoftirqs(fields: string[], lineNumber: number): number[] {
  const values = fields.slice(2, 2 + SOFTIRQ_VECTORS.length).map(Number);
  if (values.length < SOFTIRQ_VECTORS.length || values.some(Number.isNaN)) {
    throw new Error(`/proc/stat line ${lineNumber}: softirq needs a total and ${SOFTIRQ_VECTORS.length} per-vector counts`);
  }
  return values;
}

function ticks(fields: string[], index: number): number {
  const value = fields[index];
  return value === undefined ? 0 : Number(value) / USER_HZ;
}

function parseCpuTimes(fields: string[], lineNumber: number): CpuTimes {
  if (fields.length < 5) throw new Error(`/proc/stat line ${lineNumber}: expected at least 4 CPU times, got ${fields.length - 1}`);
  return {
    user: ticks(fields, 1),
    nice: ticks(fields, 2),
    system: ticks(fields, 3),
    idle: ticks(fields, 4),
    iowait: ticks(fields, 5),
    irq: ticks(fields, 6),
    softirq: ticks(fields, 7),
    steal: ticks(fields, 8),
    guest: ticks(fields, 9),
    guestNice: ticks(fields, 10),
  };
}

function number(fields: string[], lineNumber: number): number {
  const value = Number(fields[1]);
  if (fields[1] === undefined || Number.isNaN(value)) {
    throw new Error(`/proc/stat line ${lineNumber}: ${fields[0]} has no numeric value`);
  }
  return value;
}

export function parseStat(text: string): Stat {
  const stat: Stat = {
    total: undefined,
    cpus: [],
    bootTimeSeconds: undefined,
    contextSwitches: undefined,
    forks: undefined,
    interrupts: undefined,
    procsRunning: undefined,
    procsBlocked: undefined,
    softirqs: undefined,
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    // The intr line is thousands of numbers long: only its first one is needed.
    if (line.startsWith('intr ')) {
      const end = line.indexOf(' ', 5);
      stat.interrupts = Number(end === -1 ? line.slice(5) : line.slice(5, end));
      continue;
    }
    const fields = line.split(' ').filter((field) => field !== '');
    const key = fields[0] as string;
    if (key === 'cpu') stat.total = parseCpuTimes(fields, i + 1);
    else if (key.startsWith('cpu')) stat.cpus.push({ cpu: key.slice(3), ...parseCpuTimes(fields, i + 1) });
    else if (key === 'ctxt') stat.contextSwitches = number(fields, i + 1);
    else if (key === 'btime') stat.bootTimeSeconds = number(fields, i + 1);
    else if (key === 'processes') stat.forks = number(fields, i + 1);
    else if (key === 'procs_running') stat.procsRunning = number(fields, i + 1);
    else if (key === 'procs_blocked') stat.procsBlocked = number(fields, i + 1);
    else if (key === 'softirq') stat.softirqs = parseSoftirqs(fields, i + 1);
  }
  return stat;
}
