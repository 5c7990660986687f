/** What the kernel says about a process: CPU time and memory, from /proc (Linux only). */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time of `pid` so far, in milliseconds (fields 14 and 15 of /proc/PID/stat). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Resident memory now, in MiB. */
export function rssMiB(pid: number): number {
  return statusKiB(pid, 'VmRSS') / 1024;
}

/** The highest resident memory the process has had, in MiB. */
export function peakRssMiB(pid: number): number {
  return statusKiB(pid, 'VmHWM') / 1024;
}

/** Resident memory that is the process's own (heap, stacks), in MiB: RSS without the file-backed pages of its executable and libraries. */
export function anonymousRssMiB(pid: number): number {
  return statusKiB(pid, 'RssAnon') / 1024;
}

/** CPU time of `pid` and its child processes (e.g. nginx's master and workers), in milliseconds. */
export function treeCpuMs(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter((id) => id !== '');
  return cpuMs(pid) + children.reduce((sum, child) => sum + treeCpuMs(Number(child)), 0);
}

/** Waits until `url` answers 2xx (`timeoutMs`, 20 s by default), failing at once if `child` exits. */
export async function waitUntilUp(url: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    const response = await fetch(url).catch(() => undefined);
    await response?.body?.cancel();
    if (response?.ok === true) return;
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

/** SIGTERM, then SIGKILL if the process has not exited within 10 s; resolves once it has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}
