/**
 * THE table of built-in collectors (node_exporter's registerCollector calls). Nothing else lists
 * collectors: the CLI flags, `--help`, `CollectorOptions` and docs/collectors.md come from here.
 */
import { fallbackCollectorsFor } from '../fallback/index.js';
import { flagDefaults, type CollectorDefinition, type CollectorFlags, type CollectorFlagValues, type OptionsOf } from '../types.js';
import { cpuCollector } from './cpu.js';
import { diskstatsCollector } from './diskstats.js';
import { filesystemCollector } from './filesystem.js';
import { loadavgCollector } from './loadavg.js';
import { meminfoCollector } from './meminfo.js';
import { netdevCollector } from './netdev.js';
import { osCollector } from './os.js';
import { pressureCollector } from './pressure.js';
import { statCollector } from './stat.js';
import { textfileCollector } from './textfile.js';
import { timeCollector } from './time.js';
import { unameCollector } from './uname.js';
import { vmstatCollector } from './vmstat.js';

/** Collectors reading /proc, /sys and statfs directly, in name order. */
export const linuxCollectors = Object.freeze([
  cpuCollector,
  diskstatsCollector,
  filesystemCollector,
  loadavgCollector,
  meminfoCollector,
  netdevCollector,
  osCollector,
  pressureCollector,
  statCollector,
  textfileCollector,
  timeCollector,
  unameCollector,
  vmstatCollector,
] as const);

/** Where there is no /proc: the systeminformation fallbacks, plus the portable textfile and time collectors. */
export const fallbackCollectors: readonly CollectorDefinition[] = Object.freeze(
  [...fallbackCollectorsFor(), textfileCollector, timeCollector].sort((a, b) => (a.name < b.name ? -1 : 1)),
);

export const hostCollectors: readonly CollectorDefinition[] = process.platform === 'linux' ? linuxCollectors : fallbackCollectors;

/** The table to serve: the fallbacks when `fallback` forces them (to run them on Linux too), else this platform's. */
export function collectorTable({ fallback = false }: { fallback?: boolean } = {}): readonly CollectorDefinition[] {
  return fallback ? fallbackCollectors : hostCollectors;
}

type LinuxCollector = (typeof linuxCollectors)[number];

/** Every collector's options, keyed by collector name; each one's type comes from its own flags. */
export type CollectorOptions = { [D in LinuxCollector as D['name']]: OptionsOf<D> };

/** Options for some collectors: the others run with their flags' defaults. */
export type PartialCollectorOptions = { [Name in keyof CollectorOptions]?: CollectorOptions[Name] };

/** The options one collector runs with: what `given` holds for it, else its flags' defaults. */
export function optionsFor(definition: CollectorDefinition, given: PartialCollectorOptions = {}): CollectorFlagValues<CollectorFlags> {
  return (given as Record<string, CollectorFlagValues<CollectorFlags> | undefined>)[definition.name] ?? flagDefaults(definition.flags);
}

/** node_exporter 1.5.0's defaults (Debian's build for the netdev exclude), as fresh objects. */
export function defaultCollectorOptions(): CollectorOptions {
  return Object.fromEntries(linuxCollectors.map((definition) => [definition.name, flagDefaults(definition.flags)])) as CollectorOptions;
}
