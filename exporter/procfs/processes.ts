/**
 * Process and thread counts by scheduler state, from /proc/[pid]/stat and /proc/[pid]/task/[tid]/stat
 * (what node_exporter's processes collector gathers through procfs's AllProcs and Stat).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decimal, fieldsOf } from './fields.js';
import { readProcFile } from './read.js';

export interface ProcStatSummary {
  /** One letter: R, S, D, Z, T, t, X, I, … */
  state: string;
  numThreads: number;
}

/** The fields of /proc/[pid]/stat this module needs; `comm` (in parentheses) may hold spaces and `)`. */
export function parseProcStat(text: string, source: string): ProcStatSummary {
  const close = text.lastIndexOf(')');
  // After the command: state (field 3) … num_threads (field 20).
  const fields = close === -1 ? [] : fieldsOf(text.slice(close + 1));
  const state = fields[0];
  if (state === undefined || fields.length < 18) throw new Error(`${source}: expected "pid (comm) state …" with at least 20 fields`);
  return { state, numThreads: decimal(fields[17], `${source}, num_threads`) };
}

export interface ProcessCounts {
  pids: number;
  threads: number;
  processStates: Map<string, number>;
  threadStates: Map<string, number>;
}

/** A process or thread that exited between listing and reading: skipped, as node_exporter does. */
function vanished(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/** The numeric entries of a /proc or task directory, in numeric order. */
function numericEntries(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** undefined when the process or thread is gone. */
function readStat(path: string): ProcStatSummary | undefined {
  let text: string;
  try {
    text = readProcFile(path);
  } catch (error) {
    if (vanished(error)) return undefined;
    throw error;
  }
  return parseProcStat(text, path);
}

function countThreadStates(procfs: string, pid: number, main: ProcStatSummary, threadStates: Map<string, number>): void {
  let tids: number[];
  try {
    tids = numericEntries(join(procfs, String(pid), 'task'));
  } catch (error) {
    if (vanished(error)) return;
    throw error;
  }
  for (const tid of tids) {
    // The main thread's state is the process's, already read.
    const stat = tid === pid ? main : readStat(join(procfs, String(pid), 'task', String(tid), 'stat'));
    if (stat !== undefined) increment(threadStates, stat.state);
  }
}

/** Counts every process under `procfs` and its threads by state. */
export function countProcesses(procfs: string): ProcessCounts {
  const counts: ProcessCounts = { pids: 0, threads: 0, processStates: new Map(), threadStates: new Map() };
  for (const pid of numericEntries(procfs)) {
    const stat = readStat(join(procfs, String(pid), 'stat'));
    if (stat === undefined) continue;
    counts.pids++;
    counts.threads += stat.numThreads;
    increment(counts.processStates, stat.state);
    countThreadStates(procfs, pid, stat, counts.threadStates);
  }
  return counts;
}
