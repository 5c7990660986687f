/**
 * `--scheduler.probe-workers=auto` (the default): how many worker threads run the scheduler's probes,
 * from the rate its list asks for and the machine's cores. One thread runs ~1,500 fresh-connection
 * HTTP checks/s beside the scheduler and the HTTP server with a bounded heap; below that a worker
 * only adds its ~10 MiB of code and heap, above it each worker takes its share of the rate, up to
 * one per core (more threads than cores only add memory and switching).
 */
import type { FlagSpec } from '../../common/flags.js';

/** Checks per second one thread takes (the main thread, or each worker). */
const CHECKS_PER_THREAD = 1500;
const MAX_PROBE_WORKERS = 64;

export type ProbeWorkersSetting = number | 'auto';

/** Worker threads for `checksPerSecond` on `cores` cores: 0 (probes on the main thread) below CHECKS_PER_THREAD or on one core. */
export function autoProbeWorkers(checksPerSecond: number, cores: number): number {
  if (cores < 2 || !(checksPerSecond >= CHECKS_PER_THREAD)) return 0;
  return Math.min(cores, MAX_PROBE_WORKERS, Math.ceil(checksPerSecond / CHECKS_PER_THREAD));
}

/** The checks per second a list asks for: each target once per interval of its group (retries not counted). */
export function demandedChecksPerSecond(targets: Iterable<{ readonly spec: { readonly group: { readonly interval: number } } }>): number {
  let rate = 0;
  for (const { spec } of targets) rate += 1 / spec.group.interval;
  return rate;
}

export const probeWorkersFlag: FlagSpec<ProbeWorkersSetting> = {
  help: "Worker threads that run the scheduler's probes: auto (from the list's checks/s and the cores, recomputed on reload: none below ~1,500 checks/s, then one per 1,500 up to one per core), or a number (0: the main thread runs them).",
  default: 'auto',
  placeholder: '<int>|auto',
  parse(text) {
    if (text === 'auto') return 'auto';
    const value = Number(text);
    if (!/^\d+$/.test(text) || value > MAX_PROBE_WORKERS) throw new Error(`expected auto or an integer from 0 to ${MAX_PROBE_WORKERS}`);
    return value;
  },
  showDefault: String,
};
